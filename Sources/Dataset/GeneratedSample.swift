import Foundation

/// Where in the corpus a sample's support is: a character range of a document's extracted text, quoted.
public struct SupportingSpan: Sendable, Codable, Equatable {
    public var document: String
    public var chunkID: Int64
    /// Character offsets in the document's extracted text.
    public var start: Int
    public var end: Int
    /// The quoted text: exactly the stored chunk text at these offsets.
    public var text: String

    enum CodingKeys: String, CodingKey {
        case document, start, end, text
        case chunkID = "chunk_id"
    }

    public init(document: String, chunkID: Int64, start: Int, end: Int, text: String) {
        self.document = document
        self.chunkID = chunkID
        self.start = start
        self.end = end
        self.text = text
    }
}

/// One check's outcome on a sample: kept with every sample, and the reason of every rejection.
public struct CheckOutcome: Sendable, Codable, Equatable {
    public var name: String
    public var passed: Bool
    public var score: Double
    public var reason: String

    public init(name: String, passed: Bool, score: Double, reason: String) {
        self.name = name
        self.passed = passed
        self.score = score
        self.reason = reason
    }

    /// The outcomes written in a record's `checks` (entries that are not objects are skipped).
    public static func outcomes(in record: [String: JSONValue]) -> [CheckOutcome] {
        (record["checks"]?.arrayValue ?? []).compactMap(\.objectValue).map { check in
            var score = 0.0
            if case let .number(n)? = check["score"] { score = n }
            return CheckOutcome(name: check["name"]?.stringValue ?? "?", passed: check["passed"] == .bool(true),
                                score: score, reason: check["reason"]?.stringValue ?? "")
        }
    }

    /// The outcome as it is written in a record's `checks`.
    public var jsonValue: JSONValue {
        ["name": .string(name), "passed": .bool(passed), "score": .number(score), "reason": .string(reason)]
    }
}

/// A passage a sample is grounded in: a stored chunk with where it sits in its document.
public struct SourcePassage: Sendable, Equatable, Codable {
    public var chunkID: Int64
    public var document: String
    public var text: String
    /// Character offset of `text` in the document's extracted text.
    public var start: Int
    public var headingPath: String

    public init(chunkID: Int64, document: String, text: String, start: Int, headingPath: String = "") {
        self.chunkID = chunkID
        self.document = document
        self.text = text
        self.start = start
        self.headingPath = headingPath
    }
}

/// A generated sample with its provenance.
public struct GeneratedSample: Sendable, Codable, Equatable {
    public var id: String
    /// The task fields: `question`/`answer` (qa), `text`/`label` (classification), `text`/`fields` (extraction).
    public var fields: [String: JSONValue]
    /// Question type (qa) or label (classification) or `extraction`.
    public var type: String
    public var sourceChunkIDs: [Int64]
    public var spans: [SupportingSpan]
    /// `llm` or `extractive`.
    public var generator: String
    public var model: String
    public var checks: [CheckOutcome]
    /// The refinement round that produced it (0: first attempt).
    public var round: Int
    /// The passages the model saw (kept for the checks and for review; not written to the dataset).
    public var context: [SourcePassage]

    public init(id: String, fields: [String: JSONValue], type: String, sourceChunkIDs: [Int64], spans: [SupportingSpan],
                generator: String, model: String, checks: [CheckOutcome], round: Int, context: [SourcePassage]) {
        self.id = id
        self.fields = fields
        self.type = type
        self.sourceChunkIDs = sourceChunkIDs
        self.spans = spans
        self.generator = generator
        self.model = model
        self.checks = checks
        self.round = round
        self.context = context
    }

    /// Whether every check passed.
    public var isAccepted: Bool { checks.allSatisfy(\.passed) }

    /// The first failed check's name: the rejection reason.
    public var rejectionReason: String? { checks.first { !$0.passed }?.name }

    public var question: String? { fields["question"]?.stringValue }
    public var answer: String? { fields["answer"]?.stringValue }
    /// The text a classification or extraction sample carries.
    public var text: String? { fields["text"]?.stringValue }

    /// The JSONL record: id, task fields, type, source chunk ids, spans, generator, model, checks.
    public func record(includeContext: Bool = false) -> JSONValue {
        var object = fields
        object["id"] = .string(id)
        object["type"] = .string(type)
        object["source_chunk_ids"] = .array(sourceChunkIDs.map { .number(Double($0)) })
        object["spans"] = .array(spans.map { span in
            ["document": .string(span.document), "chunk_id": .number(Double(span.chunkID)),
             "start": .number(Double(span.start)), "end": .number(Double(span.end)), "text": .string(span.text)]
        })
        object["generator"] = .string(generator)
        object["model"] = .string(model)
        object["round"] = .number(Double(round))
        object["checks"] = .array(checks.map(\.jsonValue))
        if includeContext {
            object["context"] = .array(context.map { .string($0.text) })
        }
        return .object(object)
    }
}

extension GeneratedSample {
    /// The keys of a record that are not task fields.
    static let recordKeys: Set<String> = ["id", "type", "source_chunk_ids", "spans", "generator", "model", "round",
                                          "checks", "context"]

    /// A sample read back from its JSONL record (the inverse of ``record(includeContext:)``), with the passages
    /// it was written from; its checks are left empty, to be run again.
    public init(record: [String: JSONValue], context: [SourcePassage]) {
        func number(_ value: JSONValue?) -> Double? {
            if case let .number(n)? = value { return n }
            return nil
        }
        let spans = (record["spans"]?.arrayValue ?? []).compactMap { value -> SupportingSpan? in
            guard let span = value.objectValue, let text = span["text"]?.stringValue, let chunk = number(span["chunk_id"]),
                  let start = number(span["start"]), let end = number(span["end"]) else { return nil }
            return SupportingSpan(document: span["document"]?.stringValue ?? "", chunkID: Int64(chunk), start: Int(start),
                                  end: Int(end), text: text)
        }
        self.init(
            id: record["id"]?.stringValue ?? "", fields: record.filter { !Self.recordKeys.contains($0.key) },
            type: record["type"]?.stringValue ?? "", sourceChunkIDs: context.map(\.chunkID), spans: spans,
            generator: record["generator"]?.stringValue ?? "", model: record["model"]?.stringValue ?? "",
            checks: [], round: Int(number(record["round"]) ?? 0), context: context)
    }
}

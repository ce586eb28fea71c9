import Foundation

/// One sample of a generated (or real) dataset, as much of it as statistics need.
///
/// Generated JSONL lines carry `question`/`answer` (qa), `text`/`label` (classification) or `text`/`fields`
/// (extraction), plus `id`, `type`, `source_chunk_ids` (the first is the source), `spans` (with `document`)
/// and `checks` (the first failed one is a rejected sample's reason).
public struct DatasetRecord: Sendable, Equatable {
    /// 1-based line in its file.
    public var line: Int
    public var id: String
    public var question: String?
    public var answer: String?
    public var text: String?
    public var label: String?
    public var type: String?
    public var sourceChunkIDs: [Int64]
    /// Documents of the supporting spans.
    public var documents: [String]
    /// The first failed check's name, for a rejected sample.
    public var rejectionReason: String?
    /// The phrase the answer turns on (`answer_span`), when the task asked for one.
    public var answerSpan: String?
    /// The cited spans: where each supporting passage sits.
    public var spans: [Span] = []
    /// The model that wrote the sample (`generator: extractive` samples have none).
    public var model: String?
    /// Whether the line has what every rag dataset line has: an id, a question or text, and its sources.
    public var isRagSample = false

    /// A cited span: offsets in Unicode scalars into the document's extracted text.
    public struct Span: Sendable, Equatable {
        public var chunkID: Int64?
        public var document: String
        public var start: Int
        public var end: Int
        public var text: String
    }

    public init(line: Int, id: String, question: String? = nil, answer: String? = nil, text: String? = nil,
                label: String? = nil, type: String? = nil, sourceChunkIDs: [Int64] = [], documents: [String] = [],
                rejectionReason: String? = nil) {
        self.line = line
        self.id = id
        self.question = question
        self.answer = answer
        self.text = text
        self.label = label
        self.type = type
        self.sourceChunkIDs = sourceChunkIDs
        self.documents = documents
        self.rejectionReason = rejectionReason
    }

    /// What a reader sees first: the question, else the text.
    public var prompt: String? { question ?? text }

    /// Reads a JSONL dataset.
    /// - Throws: ``DatasetError`` naming the file and line of a malformed record, or an empty file.
    public static func load(path: String) throws -> [DatasetRecord] {
        let records = try JSONLines.read(path).map { record($0.object, line: $0.number) }
        guard !records.isEmpty else { throw DatasetError.empty(path: path) }
        return records
    }

    /// Parses JSONL lines already in memory (for example the reviewed selection); `path` names them in errors.
    public static func parse(lines: [String], path: String) throws -> [DatasetRecord] {
        try JSONLines.parse(lines: lines, path: path).map { record($0.object, line: $0.number) }
    }

    /// The record of one JSONL object (its `line` number from 1). Spans are read leniently here (no chunk id or
    /// text needed), because statistics and export also read datasets from elsewhere.
    public static func record(_ object: [String: JSONValue], line: Int) -> DatasetRecord {
        let failed = object["checks"]?.arrayValue?.compactMap(\.objectValue).first { $0["passed"] == .bool(false) }
        let sourceIDs = object["source_chunk_ids"]?.arrayValue
        let spans = object["spans"]?.arrayValue?.compactMap(\.objectValue) ?? []
        var record = DatasetRecord(
            line: line,
            id: object["id"]?.looseString ?? "line-\(line)",
            question: object["question"]?.stringValue,
            answer: object["answer"]?.stringValue,
            text: object["text"]?.stringValue,
            label: object["label"]?.looseString,
            type: object["type"]?.stringValue,
            sourceChunkIDs: (sourceIDs ?? []).compactMap { $0.looseInt.map(Int64.init) },
            documents: spans.compactMap { $0["document"]?.stringValue },
            rejectionReason: failed.map { $0["name"]?.stringValue ?? "unnamed check" })
        record.answerSpan = object["answer_span"]?.stringValue
        record.model = object["model"]?.stringValue
        record.spans = spans.compactMap { span in
            guard let document = span["document"]?.stringValue, let start = span["start"]?.looseInt,
                  let end = span["end"]?.looseInt else { return nil }
            return Span(chunkID: span["chunk_id"]?.looseInt.map(Int64.init), document: document, start: start, end: end,
                        text: span["text"]?.stringValue ?? "")
        }
        record.isRagSample = object["id"] != nil && object["checks"]?.arrayValue != nil
            && (record.question != nil || record.text != nil || sourceIDs != nil)
        return record
    }

    /// Reads real samples to compare with: a JSONL file (records as in ``load(path:)``, or anything with a
    /// `question` or `text` field) or a SQuAD v1.1 JSON file (`data[].paragraphs[].qas[]`).
    public static func loadReference(path: String) throws -> [DatasetRecord] {
        guard path.hasSuffix(".json") else { return try load(path: path) }
        guard let articles = (try? JSONValue.parse(JSONLines.text(path)))?["data"]?.arrayValue else {
            throw DatasetError.malformedLine(path: path, line: 1, reason: "not SQuAD JSON (no top-level \"data\" array)")
        }
        var records: [DatasetRecord] = []
        for article in articles {
            let title = article["title"]?.stringValue
            for paragraph in article["paragraphs"]?.arrayValue ?? [] {
                for qa in paragraph["qas"]?.arrayValue ?? [] {
                    guard let question = qa["question"]?.stringValue else { continue }
                    let answer = qa["answers"]?.arrayValue?.first?["text"]?.stringValue
                    records.append(DatasetRecord(line: records.count + 1, id: qa["id"]?.looseString ?? "q\(records.count)",
                                                 question: question, answer: answer, documents: title.map { [$0] } ?? []))
                }
            }
        }
        guard !records.isEmpty else { throw DatasetError.empty(path: path) }
        return records
    }

    /// The rejected samples beside a generated dataset (`NAME.rejected.jsonl` for `NAME.jsonl`), if present.
    public static func loadRejected(besideDataset path: String) throws -> [DatasetRecord]? {
        let base = path.hasSuffix(".jsonl") ? String(path.dropLast(6)) : path
        let rejected = base + ".rejected.jsonl"
        guard FileManager.default.fileExists(atPath: rejected) else { return nil }
        return try load(path: rejected)
    }
}

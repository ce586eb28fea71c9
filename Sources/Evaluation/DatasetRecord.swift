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
    /// - Throws: ``EvaluationError`` naming the file and line of a malformed record, or an empty file.
    public static func load(path: String) throws -> [DatasetRecord] {
        var records: [DatasetRecord] = []
        for (number, line) in try TextFile.lines(path) {
            let object = try TextFile.jsonObject(line, path: path, number: number)
            records.append(record(object, line: number))
        }
        guard !records.isEmpty else { throw EvaluationError.empty(path: path) }
        return records
    }

    /// Parses JSONL lines already in memory (for example the reviewed selection); `path` names them in errors.
    public static func parse(lines: [String], path: String) throws -> [DatasetRecord] {
        try lines.enumerated().map { index, line in
            record(try TextFile.jsonObject(Substring(line), path: path, number: index + 1), line: index + 1)
        }
    }

    static func record(_ object: [String: Any], line: Int) -> DatasetRecord {
        let spans = object["spans"] as? [[String: Any]] ?? []
        let checks = object["checks"] as? [[String: Any]] ?? []
        let failed = checks.first { ($0["passed"] as? Bool) == false }
        var record = DatasetRecord(
            line: line,
            id: JSONField.string(object["id"]) ?? "line-\(line)",
            question: object["question"] as? String,
            answer: object["answer"] as? String,
            text: object["text"] as? String,
            label: JSONField.string(object["label"]),
            type: object["type"] as? String,
            sourceChunkIDs: (object["source_chunk_ids"] as? [Any] ?? []).compactMap { JSONField.int($0).map(Int64.init) },
            documents: spans.compactMap { $0["document"] as? String },
            rejectionReason: failed.map { ($0["name"] as? String) ?? "unnamed check" })
        record.answerSpan = object["answer_span"] as? String
        record.model = object["model"] as? String
        record.spans = spans.compactMap { span in
            guard let document = span["document"] as? String, let start = JSONField.int(span["start"]),
                  let end = JSONField.int(span["end"]) else { return nil }
            return Span(chunkID: JSONField.int(span["chunk_id"]).map(Int64.init), document: document, start: start,
                        end: end, text: span["text"] as? String ?? "")
        }
        record.isRagSample = object["id"] != nil && object["checks"] is [Any]
            && (record.question != nil || record.text != nil || object["source_chunk_ids"] is [Any])
        return record
    }

    /// Reads real samples to compare with: a JSONL file (records as in ``load(path:)``, or anything with a
    /// `question` or `text` field) or a SQuAD v1.1 JSON file (`data[].paragraphs[].qas[]`).
    public static func loadReference(path: String) throws -> [DatasetRecord] {
        guard path.hasSuffix(".json") else { return try load(path: path) }
        let data = Data(try TextFile.read(path).utf8)
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let articles = root["data"] as? [[String: Any]] else {
            throw EvaluationError.malformedLine(path: path, line: 1, reason: "not SQuAD JSON (no top-level \"data\" array)")
        }
        var records: [DatasetRecord] = []
        for article in articles {
            let title = article["title"] as? String
            for paragraph in article["paragraphs"] as? [[String: Any]] ?? [] {
                for qa in paragraph["qas"] as? [[String: Any]] ?? [] {
                    guard let question = qa["question"] as? String else { continue }
                    let answer = (qa["answers"] as? [[String: Any]])?.first?["text"] as? String
                    records.append(DatasetRecord(line: records.count + 1, id: JSONField.string(qa["id"]) ?? "q\(records.count)",
                                                 question: question, answer: answer, documents: title.map { [$0] } ?? []))
                }
            }
        }
        guard !records.isEmpty else { throw EvaluationError.empty(path: path) }
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

/// A generated dataset as a retrieval benchmark: each question is a query with one relevant item, its source.
public enum DatasetQueries {
    /// What counts as the relevant item.
    public enum Level: String, Sendable, CaseIterable {
        /// The source chunk (the first of `source_chunk_ids`); document ids are chunk ids.
        case chunk
        /// The source chunk's document (the first span's `document`); document ids are document paths, so any
        /// database built from the same files can be scored.
        case document
    }

    /// The queries and judgements: every source chunk (or every cited document) of a question is relevant.
    /// Samples without a question or a source, and unanswerable ones, are left out.
    public static func make(from records: [DatasetRecord], level: Level = .chunk) -> (queries: QuerySet, qrels: Qrels) {
        var queries: [QuerySet.Query] = []
        var qrels = Qrels()
        var seen: Set<String> = []
        for record in records where record.type != "unanswerable" {
            let sources = level == .chunk ? record.sourceChunkIDs.map { String($0) } : record.documents
            guard let question = record.question, !sources.isEmpty else { continue }
            var id = record.id
            if !seen.insert(id).inserted { id += "@line-\(record.line)" }
            queries.append(QuerySet.Query(id: id, text: question))
            qrels.judgements[id] = Dictionary(sources.map { ($0, 1) }, uniquingKeysWith: { first, _ in first })
        }
        return (QuerySet(queries), qrels)
    }
}

import Dataset
import Foundation
import Store

/// The formats `rag export` writes, each in the shape its library loads.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// RAGAS: JSONL rows with `user_input`, `reference`, `reference_contexts`, `synthesizer_name`.
    case ragas
    /// DeepEval: a JSON list of goldens (`input`, `expected_output`, `context`, `source_file`).
    case deepeval
    /// SQuAD v2.0 JSON: articles by document, paragraphs by chunk, exact `answer_start`, `is_impossible`.
    case squad
    /// BEIR: a folder with `corpus.jsonl`, `queries.jsonl` and `qrels/test.tsv`.
    case beir
    /// A Hugging Face dataset folder: `data/train.jsonl` and a `README.md` dataset card.
    case hf
}

/// Writes a generated dataset's kept samples in another tool's format, with the provenance the format can
/// hold (document path, chunk id, span). Nothing is written when anything is wrong with the input or the
/// output path; output is written beside the target and moved into place, so a failure leaves no half file.
public struct DatasetExport {
    /// BEIR corpus entries: every chunk, or every document (its chunks joined).
    public enum CorpusUnit: String, Sendable, CaseIterable {
        case chunk
        case document
    }

    /// What an export wrote.
    public struct Summary: Sendable, Encodable {
        public var format: String
        public var output: String
        /// Samples written.
        public var samples: Int
        /// Samples left out, by reason (a failed check, an answer that cannot be placed in its passage).
        public var leftOut: [String: Int]
        /// Files written, relative to `output` for folders.
        public var files: [String]
    }

    public let records: [DatasetRecord]
    public let datasetPath: String
    public let store: CorpusStore

    /// - Throws: ``EvaluationError/malformedLine(path:line:reason:)`` for a line that is not a rag sample.
    public init(records: [DatasetRecord], datasetPath: String, store: CorpusStore) throws {
        if let stranger = records.first(where: { !$0.isRagSample }) {
            throw EvaluationError.malformedLine(path: datasetPath, line: stranger.line, reason:
                "not a rag dataset line (needs id, question or text, source_chunk_ids and checks)")
        }
        self.records = records
        self.datasetPath = datasetPath
        self.store = store
    }

    /// Writes `format` to `output`.
    /// - Parameter force: replace an existing output.
    /// - Throws: ``EvaluationError`` for an existing output without `force`, a dataset with nothing to export,
    ///   or a write failure.
    public func write(_ format: ExportFormat, to output: String, unit: CorpusUnit = .chunk, force: Bool = false)
        throws -> Summary
    {
        let manager = FileManager.default
        if manager.fileExists(atPath: output) && !force {
            throw EvaluationError.invalidInput("\(output) exists (add --force to replace it)")
        }
        var leftOut: [String: Int] = [:]
        var kept: [DatasetRecord] = []
        for record in records {
            if let reason = record.rejectionReason { leftOut["failed check: \(reason)", default: 0] += 1 } else {
                kept.append(record)
            }
        }
        guard !kept.isEmpty else { throw EvaluationError.empty(path: datasetPath) }
        let chunks = try sourceChunks(of: kept)
        let files: [String: Data]
        var written = kept.count
        switch format {
        case .ragas:
            files = ["": try jsonLines(kept.map { ragasRow($0, chunks: chunks) })]
        case .deepeval:
            files = ["": try json(kept.map { deepEvalGolden($0, chunks: chunks) })]
        case .squad:
            let (root, placed, unplaced) = squad(kept, chunks: chunks)
            if unplaced > 0 { leftOut["answer not found in its chunk", default: 0] += unplaced }
            written = placed
            files = ["": try json(root)]
        case .beir:
            files = try beir(kept, unit: unit)
            written = kept.filter(Self.isQuery).count
            let unanswerable = kept.count - written
            if unanswerable > 0 { leftOut["unanswerable (no relevant passage)", default: 0] += unanswerable }
        case .hf:
            files = try huggingFace(kept, chunks: chunks, leftOut: leftOut)
        }
        try Self.place(files, at: output)
        return Summary(format: format.rawValue, output: output, samples: written, leftOut: leftOut,
                       files: files.keys.sorted().map { $0.isEmpty ? (output as NSString).lastPathComponent : $0 })
    }

    // MARK: - Formats

    /// RAGAS names its generators by hop count and query style; rag's samples are specific (about facts in
    /// the passages), single-hop unless they cite several chunks.
    static func synthesizerName(_ record: DatasetRecord) -> String {
        Set(record.sourceChunkIDs).count > 1 ? "multi_hop_specific_query_synthesizer"
            : "single_hop_specific_query_synthesizer"
    }

    private func ragasRow(_ record: DatasetRecord, chunks: [Int64: StoredChunk]) -> [String: Any] {
        let sources = record.sourceChunkIDs.compactMap { chunks[$0] }
        return [
            "user_input": record.prompt ?? "",
            "reference": record.answer ?? record.label ?? "",
            "reference_contexts": sources.map(\.text),
            "reference_context_ids": sources.map { String($0.id) },
            "synthesizer_name": Self.synthesizerName(record),
            "rag_id": record.id,
            "rag_type": record.type ?? "",
            "rag_spans": spanObjects(record),
        ]
    }

    private func deepEvalGolden(_ record: DatasetRecord, chunks: [Int64: StoredChunk]) -> [String: Any] {
        let sources = record.sourceChunkIDs.compactMap { chunks[$0] }
        var metadata: [String: Any] = [
            "rag_id": record.id, "type": record.type ?? "", "chunk_ids": record.sourceChunkIDs,
            "spans": spanObjects(record),
        ]
        if let model = record.model { metadata["model"] = model }
        if let span = record.answerSpan { metadata["answer_span"] = span }
        return [
            "input": record.prompt ?? "",
            "expected_output": record.answer ?? record.label ?? "",
            "context": sources.map(\.text),
            "source_file": sources.first?.documentPath ?? record.documents.first ?? "",
            "name": record.id,
            "additional_metadata": metadata,
        ]
    }

    /// SQuAD v2.0: one article per document, one paragraph per source chunk, the answer placed exactly.
    private func squad(_ records: [DatasetRecord], chunks: [Int64: StoredChunk]) -> (root: [String: Any], placed: Int, unplaced: Int) {
        var articleOrder: [String] = []
        var paragraphOrder: [String: [Int64]] = [:]
        var questions: [Int64: [[String: Any]]] = [:]
        var placed = 0, unplaced = 0
        for record in records where record.question != nil {
            guard let chunkID = record.sourceChunkIDs.first, let chunk = chunks[chunkID] else { unplaced += 1; continue }
            var qa: [String: Any] = ["id": record.id, "question": record.question ?? ""]
            if record.type == "unanswerable" {
                qa["answers"] = [[String: Any]]()
                qa["is_impossible"] = true
            } else {
                let answer = record.answerSpan ?? record.answer ?? ""
                guard let start = Self.answerStart(answer, record: record, chunk: chunk) else { unplaced += 1; continue }
                qa["answers"] = [["text": answer, "answer_start": start]]
                qa["is_impossible"] = false
            }
            qa["rag_type"] = record.type ?? ""
            if paragraphOrder[chunk.documentPath] == nil { articleOrder.append(chunk.documentPath); paragraphOrder[chunk.documentPath] = [] }
            if questions[chunkID] == nil { paragraphOrder[chunk.documentPath]?.append(chunkID) }
            questions[chunkID, default: []].append(qa)
            placed += 1
        }
        let data: [[String: Any]] = articleOrder.map { path in
            let paragraphs: [[String: Any]] = (paragraphOrder[path] ?? []).compactMap { id in
                guard let chunk = chunks[id] else { return nil }
                return ["context": chunk.text, "qas": questions[id] ?? [], "chunk_id": id,
                        "char_start": chunk.characterRange.lowerBound]
            }
            let title = chunks[paragraphOrder[path]?.first ?? -1]?.documentTitle ?? (path as NSString).lastPathComponent
            return ["title": title, "document": path, "paragraphs": paragraphs]
        }
        return (["version": "v2.0", "data": data], placed, unplaced)
    }

    /// Where `answer` starts in `chunk.text`, in Unicode scalars (SQuAD's `answer_start`, Python string
    /// offsets): inside the cited span when the span lies in this chunk, else its first occurrence.
    static func answerStart(_ answer: String, record: DatasetRecord, chunk: StoredChunk) -> Int? {
        let text = Array(chunk.text.unicodeScalars)
        let needle = Array(answer.unicodeScalars)
        guard !needle.isEmpty, needle.count <= text.count else { return nil }
        func matches(at offset: Int) -> Bool {
            offset >= 0 && offset + needle.count <= text.count && Array(text[offset..<(offset + needle.count)]) == needle
        }
        for span in record.spans where span.chunkID == chunk.id || span.chunkID == nil {
            let spanStart = span.start - chunk.characterRange.lowerBound
            let spanEnd = min(text.count, span.end - chunk.characterRange.lowerBound)
            guard spanStart >= 0, spanStart < spanEnd else { continue }
            for offset in spanStart...max(spanStart, spanEnd - needle.count) where matches(at: offset) { return offset }
        }
        for offset in 0...(text.count - needle.count) where matches(at: offset) { return offset }
        return nil
    }

    /// Whether a sample is a retrieval query: a question with a relevant passage.
    static func isQuery(_ record: DatasetRecord) -> Bool {
        record.question != nil && record.type != "unanswerable" && !record.sourceChunkIDs.isEmpty
    }

    private func beir(_ records: [DatasetRecord], unit: CorpusUnit) throws -> [String: Data] {
        let all = try store.chunks(ids: try store.chunkIDs(matching: ChunkFilter()).sorted())
        var corpus: [[String: Any]] = []
        var documentOf: [Int64: String] = [:]
        switch unit {
        case .chunk:
            for chunk in all {
                corpus.append(["_id": String(chunk.id), "title": "", "text": chunk.text, "metadata": [
                    "document": chunk.documentPath, "start": chunk.characterRange.lowerBound,
                    "end": chunk.characterRange.upperBound,
                ] as [String: Any]])
            }
        case .document:
            let byDocument = Dictionary(grouping: all, by: \.documentPath)
            for path in byDocument.keys.sorted() {
                let parts = (byDocument[path] ?? []).sorted { $0.ordinal < $1.ordinal }
                for part in parts { documentOf[part.id] = path }
                corpus.append(["_id": path, "title": parts.first?.documentTitle ?? "",
                               "text": parts.map(\.text).joined(separator: "\n\n")])
            }
        }
        var queries: [[String: Any]] = []
        var qrels = "query-id\tcorpus-id\tscore\n"
        for record in records where Self.isQuery(record) {
            queries.append(["_id": record.id, "text": record.question ?? "", "metadata": ["type": record.type ?? ""]])
            var relevant: [String] = []
            for id in record.sourceChunkIDs {
                let target = unit == .chunk ? String(id) : documentOf[id] ?? record.documents.first ?? ""
                if !relevant.contains(target) { relevant.append(target) }
            }
            for target in relevant { qrels += "\(record.id)\t\(target)\t1\n" }
        }
        return ["corpus.jsonl": try jsonLines(corpus), "queries.jsonl": try jsonLines(queries), "qrels/test.tsv": Data(qrels.utf8)]
    }

    private func huggingFace(_ records: [DatasetRecord], chunks: [Int64: StoredChunk], leftOut: [String: Int]) throws
        -> [String: Data]
    {
        let rows: [[String: Any]] = records.map { record in
            let sources = record.sourceChunkIDs.compactMap { chunks[$0] }
            return [
                "id": record.id, "type": record.type ?? "", "question": record.question ?? "",
                "answer": record.answer ?? "", "answer_span": record.answerSpan ?? "", "text": record.text ?? "",
                "label": record.label ?? "", "contexts": sources.map(\.text), "chunk_ids": record.sourceChunkIDs,
                "document": sources.first?.documentPath ?? record.documents.first ?? "",
                "spans": spanObjects(record), "model": record.model ?? "",
            ]
        }
        let card = try DatasetCard(records: records, datasetPath: datasetPath, documents: Set(chunks.values.map(\.documentPath)),
                               leftOut: leftOut).markdown()
        return ["data/train.jsonl": try jsonLines(rows), "README.md": Data(card.utf8)]
    }

    // MARK: - Helpers

    private func spanObjects(_ record: DatasetRecord) -> [[String: Any]] {
        record.spans.map { span in
            var object: [String: Any] = ["document": span.document, "start": span.start, "end": span.end, "text": span.text]
            if let id = span.chunkID { object["chunk_id"] = id }
            return object
        }
    }

    private func sourceChunks(of records: [DatasetRecord]) throws -> [Int64: StoredChunk] {
        let ids = Array(Set(records.flatMap(\.sourceChunkIDs))).sorted()
        let found = try store.chunks(ids: ids)
        if found.count < ids.count, let missing = Set(ids).subtracting(found.map(\.id)).min() {
            throw EvaluationError.invalidInput("\(datasetPath): chunk \(missing) is not in \(store.path); give the "
                                               + "database the dataset was generated from (--db)")
        }
        return Dictionary(uniqueKeysWithValues: found.map { ($0.id, $0) })
    }

    private func jsonLines(_ rows: [[String: Any]]) throws -> Data {
        var data = Data()
        for row in rows {
            data += try JSONSerialization.data(withJSONObject: row, options: [.sortedKeys, .withoutEscapingSlashes])
            data.append(0x0A)
        }
        return data
    }

    private func json(_ value: Any) throws -> Data {
        try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted])
    }

    /// Writes `files` (key "" is the output file itself; other keys are paths inside the output folder) next
    /// to `output`, then moves them into place.
    static func place(_ files: [String: Data], at output: String) throws {
        let manager = FileManager.default
        let staging = output + ".partial-\(UUID().uuidString.prefix(8))"
        do {
            if let single = files[""], files.count == 1 {
                try single.write(to: URL(fileURLWithPath: staging))
            } else {
                for (relative, data) in files {
                    let url = URL(fileURLWithPath: staging + "/" + relative)
                    try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try data.write(to: url)
                }
            }
            if manager.fileExists(atPath: output) { try manager.removeItem(atPath: output) }
            try manager.moveItem(atPath: staging, toPath: output)
        } catch {
            try? manager.removeItem(atPath: staging)
            throw EvaluationError.cannotWrite(path: output, reason: (error as NSError).localizedDescription)
        }
    }
}

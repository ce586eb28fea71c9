import Dataset

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

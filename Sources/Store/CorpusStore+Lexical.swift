internal import GRDB

extension CorpusStore {
    /// Full-text search with FTS5 and BM25 over chunk text.
    ///
    /// Retrieval turns a user's words into a safe expression (`FullTextQuery`); this runs it.
    /// - Parameters:
    ///   - expression: an FTS5 MATCH expression.
    ///   - limit: most hits returned.
    ///   - filter: only chunks it allows.
    /// - Returns: hits, best first; `score` is `-bm25` (higher is better).
    /// - Throws: ``StoreError/sqlite(path:reason:)`` when FTS5 rejects the expression.
    public func fullTextSearch(expression: String, limit: Int, filter: ChunkFilter = ChunkFilter()) throws -> [LexicalHit] {
        guard limit > 0 else { return [] }
        let (clause, filterArguments) = try Self.sql(for: filter)
        let join = filter.isEmpty ? "" : "JOIN chunks c ON c.id = chunks_fts.rowid JOIN documents d ON d.id = c.document_id"
        let condition = filter.isEmpty ? "" : "AND \(clause)"
        var arguments: StatementArguments = [expression]
        arguments += filterArguments
        arguments += [limit]
        return try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT chunks_fts.rowid AS id, bm25(chunks_fts) AS rank FROM chunks_fts \(join)
                WHERE chunks_fts MATCH ? \(condition)
                ORDER BY rank LIMIT ?
                """, arguments: arguments)
            return rows.map { LexicalHit(chunkID: $0["id"], score: -($0["rank"] as Double)) }
        }
    }
}

import Store

extension CorpusStore {
    /// Full-text search with FTS5 and BM25 over chunk text, from free text.
    ///
    /// `query` is turned into quoted terms (``FullTextQuery``), so any punctuation is safe.
    /// - Parameters:
    ///   - query: the user's words.
    ///   - limit: most hits returned.
    ///   - filter: only chunks it allows.
    /// - Returns: hits, best first; `score` is `-bm25` (higher is better). Empty when the query has no word.
    public func lexicalSearch(_ query: String, limit: Int, filter: ChunkFilter = ChunkFilter()) throws -> [LexicalHit] {
        guard let expression = FullTextQuery.expression(for: query) else { return [] }
        return try fullTextSearch(expression: expression, limit: limit, filter: filter)
    }
}

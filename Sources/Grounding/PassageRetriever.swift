/// The seam to retrieval for the round-trip check: where does a question rank its source chunk?
///
/// Implemented outside this module over the `Retrieval` module's search (dense, lexical or hybrid); an
/// in-memory implementation serves tests.
public protocol PassageRetriever: Sendable {
    /// The 1-based rank of the chunk `chunkID` among the results of searching for `question`, or `nil` when
    /// it is not among the first `depth` results.
    ///
    /// - Throws: the retriever's own errors (database, embedding).
    func rank(of chunkID: String, for question: String, depth: Int) async throws -> Int?
}

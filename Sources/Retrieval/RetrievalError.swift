/// Everything that can go wrong in a search beyond the store's and the embedder's own errors.
public enum RetrievalError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The query has no text.
    case emptyQuery
    /// A search option is out of range; the message names it.
    case invalidOption(String)
    /// Dense or hybrid search, or MMR, was asked for without an embedder.
    case embedderRequired(mode: String)
    /// The derived HNSW index file could not be read, built or written.
    case index(path: String, reason: String)

    public var description: String {
        switch self {
        case .emptyQuery: "the query is empty"
        case let .invalidOption(message): "invalid search option: \(message)"
        case let .embedderRequired(mode): "\(mode) search needs an embedder"
        case let .index(path, reason): "index \(path): \(reason)"
        }
    }
}

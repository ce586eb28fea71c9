/// Everything that can go wrong while opening, reading or writing a corpus database.
///
/// Every case names the file at fault; `description` is a one-line message fit for a command-line tool.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The database file does not exist and the caller asked not to create it (for example `rag query`
    /// before `rag ingest`).
    case databaseNotFound(path: String)
    /// SQLite could not open the file, or the file is not a database this program wrote.
    case cannotOpen(path: String, reason: String)
    /// The database was built with one embedder and is being used with another. Vectors of different models
    /// are not comparable, so this is refused rather than silently returning garbage.
    case embedderMismatch(path: String, stored: EmbedderInfo, requested: EmbedderInfo)
    /// The database has no embedder recorded yet (nothing was ingested), so dense search is impossible.
    case noEmbedder(path: String)
    /// A statement failed; `reason` is SQLite's message.
    case sqlite(path: String, reason: String)
    /// A stored vector BLOB has a length that is not `dimension × 4` bytes.
    case badVector(path: String, chunkID: Int64, bytes: Int, dimension: Int)
    /// A metadata filter key is empty or otherwise unusable.
    case invalidFilter(String)

    public var description: String {
        switch self {
        case let .databaseNotFound(path):
            "no database at \(path) (create one with: rag ingest PATH... --db \(path))"
        case let .cannotOpen(path, reason):
            "cannot open database \(path): \(reason)"
        case let .embedderMismatch(path, stored, requested):
            "database \(path) was built with embedder \(stored) but this run uses \(requested); "
                + "use the same --embedder/--model, or ingest into a new --db"
        case let .noEmbedder(path):
            "database \(path) has no embedded chunks yet (run rag ingest first)"
        case let .sqlite(path, reason):
            "database \(path): \(reason)"
        case let .badVector(path, chunkID, bytes, dimension):
            "database \(path): vector of chunk \(chunkID) has \(bytes) bytes, expected \(dimension * 4)"
        case let .invalidFilter(message):
            "invalid filter: \(message)"
        }
    }
}

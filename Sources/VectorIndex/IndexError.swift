/// Errors raised by the vector index.
public enum IndexError: Error, Equatable, CustomStringConvertible {
    /// A vector's length differs from the index dimension.
    case dimensionMismatch(expected: Int, actual: Int)
    /// A parameter is out of range (for example `M < 2`); the message names it.
    case invalidParameter(String)
    /// The index file could not be read or written; `reason` is the system's message.
    case io(path: String, reason: String)
    /// The file is not an index file written by rag (wrong magic number).
    case foreignFile(path: String)
    /// The file was written by a newer or unknown format version.
    case unsupportedVersion(path: String, version: UInt32)
    /// The file is shorter than its header says: it was cut off while being written or copied.
    case truncated(path: String, expectedBytes: Int, actualBytes: Int)
    /// The file's checksum or structure does not match its contents.
    case corrupt(path: String, reason: String)
    /// A vector file (`.fvecs`, `.npy`) could not be parsed.
    case badVectorFile(path: String, reason: String)

    public var description: String {
        switch self {
        case let .dimensionMismatch(expected, actual):
            "vector has \(actual) dimensions, the index has \(expected)"
        case let .invalidParameter(message):
            "invalid parameter: \(message)"
        case let .io(path, reason):
            "\(path): \(reason)"
        case let .foreignFile(path):
            "\(path): not a rag HNSW index file (bad magic number)"
        case let .unsupportedVersion(path, version):
            "\(path): unsupported index format version \(version)"
        case let .truncated(path, expected, actual):
            "\(path): truncated index file (\(actual) bytes, expected \(expected))"
        case let .corrupt(path, reason):
            "\(path): corrupt index file: \(reason)"
        case let .badVectorFile(path, reason):
            "\(path): \(reason)"
        }
    }
}

/// Everything that can go wrong while finding, reading, extracting or ingesting files.
///
/// Per-file problems (``isSkip`` tells a skip from a failure) are counted and reported with the file's path;
/// they never stop a run. Only ``pathNotFound(path:)`` (a path given on the command line) and errors from the
/// store or the embedder end a run.
public enum IngestError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A path given to ingest does not exist.
    case pathNotFound(path: String)
    /// The file could not be read (permissions, I/O error, vanished while walking).
    case unreadable(path: String, reason: String)
    /// The file has no text at all (zero bytes, or only whitespace / markup). Skipped.
    case empty(path: String)
    /// The file looks binary (NUL bytes). Skipped.
    case binary(path: String)
    /// The file's extension is not one of the supported formats. Skipped.
    case unsupportedFormat(path: String, fileExtension: String)
    /// The bytes are not valid UTF-8 (nor a declared Latin-1 / Windows-1252 HTML page).
    case undecodable(path: String)
    /// A JSONL line is not a JSON object. `line` is 1-based.
    case malformedRecord(path: String, line: Int, reason: String)
    /// A JSONL record lacks the text field (or it is not a string).
    case missingTextField(path: String, line: Int, field: String)
    /// `pdftotext` failed or is not installed.
    case pdfExtraction(path: String, reason: String)
    /// An ingest option is invalid (for example a chunk budget below 8 tokens).
    case invalidOption(String)

    /// Whether the file is skipped (nothing to ingest) rather than failed (something is wrong with it).
    public var isSkip: Bool {
        switch self {
        case .empty, .binary, .unsupportedFormat: true
        default: false
        }
    }

    /// The path the problem concerns, if any.
    public var path: String? {
        switch self {
        case let .pathNotFound(path), let .unreadable(path, _), let .empty(path), let .binary(path),
             let .unsupportedFormat(path, _), let .undecodable(path), let .malformedRecord(path, _, _),
             let .missingTextField(path, _, _), let .pdfExtraction(path, _):
            path
        case .invalidOption:
            nil
        }
    }

    /// The problem without the path, for per-file reports.
    public var reason: String {
        switch self {
        case .pathNotFound: "no such file or directory"
        case let .unreadable(_, reason): "unreadable: \(reason)"
        case .empty: "empty (no text)"
        case .binary: "binary file"
        case let .unsupportedFormat(_, ext): ext.isEmpty ? "unsupported format (no extension)" : "unsupported format .\(ext)"
        case .undecodable: "not valid UTF-8 text"
        case let .malformedRecord(_, line, reason): "line \(line): \(reason)"
        case let .missingTextField(_, line, field): "line \(line): no string field \"\(field)\""
        case let .pdfExtraction(_, reason): "pdftotext failed: \(reason)"
        case let .invalidOption(message): message
        }
    }

    public var description: String {
        if let path { return "\(path): \(reason)" }
        return reason
    }
}

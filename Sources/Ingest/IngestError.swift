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
    /// The file is larger than `--max-file-mb`. Skipped.
    case tooLarge(path: String, bytes: Int, limit: Int)
    /// Extracting the file took longer than the per-file time limit. Failed.
    case timedOut(path: String, seconds: Double)
    /// A JSONL line is not a JSON object. `line` is 1-based.
    case malformedRecord(path: String, line: Int, reason: String)
    /// A JSONL record lacks the text field (or it is not a string).
    case missingTextField(path: String, line: Int, field: String)
    /// `pdftotext` failed or is not installed; `reason` is poppler's own message.
    case pdfExtraction(path: String, reason: String)
    /// The PDF is encrypted and needs a password.
    case encrypted(path: String)
    /// An ingest option is invalid (for example a chunk budget below 8 tokens).
    case invalidOption(String)

    /// Whether the file is skipped (nothing to ingest) rather than failed (something is wrong with it).
    public var isSkip: Bool {
        switch self {
        case .empty, .binary, .unsupportedFormat, .tooLarge: true
        default: false
        }
    }

    /// The path the problem concerns, if any.
    public var path: String? {
        switch self {
        case let .pathNotFound(path), let .unreadable(path, _), let .empty(path), let .binary(path),
             let .unsupportedFormat(path, _), let .tooLarge(path, _, _), let .timedOut(path, _),
             let .malformedRecord(path, _, _), let .missingTextField(path, _, _), let .pdfExtraction(path, _),
             let .encrypted(path):
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
        case let .tooLarge(_, bytes, limit):
            String(format: "larger than the %.0f MB limit (%.1f MB; raise --max-file-mb)", Double(limit) / 1e6,
                   Double(bytes) / 1e6)
        case let .timedOut(_, seconds): String(format: "extraction took longer than %.0f s (raise --file-timeout)", seconds)
        case let .malformedRecord(_, line, _), let .missingTextField(_, line, _): "line \(line): \(lineReason)"
        case let .pdfExtraction(_, reason):
            reason.contains("Syntax Error") ? "PDF damaged or cut short, nothing readable: \(reason)"
                : "PDF not readable: \(reason)"
        case .encrypted: "encrypted PDF (needs a password; decrypt it first, e.g. qpdf --decrypt)"
        case let .invalidOption(message): message
        }
    }

    /// For a bad JSONL line, the problem without its line number; otherwise ``reason``.
    public var lineReason: String {
        switch self {
        case let .malformedRecord(_, _, reason): reason
        case let .missingTextField(_, _, field): "no string field \"\(field)\""
        default: reason
        }
    }

    public var description: String {
        if let path { return "\(path): \(reason)" }
        return reason
    }
}

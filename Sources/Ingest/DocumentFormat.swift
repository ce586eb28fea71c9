/// The file formats ingest reads, chosen by file extension.
public enum DocumentFormat: String, Sendable, CaseIterable, Codable {
    case text
    case markdown
    case html
    case jsonl
    case pdf

    /// The format of a file name, or nil for an unsupported extension.
    public init?(path: String) {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        switch name[name.index(after: dot)...].lowercased() {
        case "txt", "text", "rst", "asciidoc", "adoc", "org": self = .text
        case "md", "markdown", "mdown", "mkd": self = .markdown
        case "html", "htm", "xhtml": self = .html
        case "jsonl", "ndjson": self = .jsonl
        case "pdf": self = .pdf
        default: return nil
        }
    }

    /// The extension of `path` (lower-cased, without the dot), or "".
    static func fileExtension(_ path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return name[name.index(after: dot)...].lowercased()
    }
}

import Foundation

/// Turning file bytes into text: binary detection, UTF-8 validation, line-ending normalisation.
enum TextDecoding {
    /// Whether `data` looks binary: a NUL byte in its first 8 KiB.
    static func looksBinary(_ data: Data) -> Bool {
        data.prefix(8_192).contains(0)
    }

    /// The UTF-8 text of `data` (a leading byte-order mark dropped), with `\r\n` and `\r` turned into `\n`.
    /// - Throws: ``IngestError/empty(path:)``, ``IngestError/binary(path:)``, ``IngestError/undecodable(path:)``.
    static func decode(_ data: Data, path: String, latin1Fallback: Bool = false) throws -> String {
        guard !data.isEmpty else { throw IngestError.empty(path: path) }
        guard !looksBinary(data) else { throw IngestError.binary(path: path) }
        var bytes = data
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        let text: String
        if let utf8 = String(validating: bytes, as: UTF8.self) {
            text = utf8
        } else if latin1Fallback, let latin1 = String(data: bytes, encoding: .isoLatin1) {
            text = latin1
        } else {
            throw IngestError.undecodable(path: path)
        }
        let normalized = text.contains("\r") ? text.replacingOccurrences(of: "\r\n", with: "\n")
            .replacingOccurrences(of: "\r", with: "\n") : text
        guard normalized.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else {
            throw IngestError.empty(path: path)
        }
        return normalized
    }

    /// The paragraphs of plain text: runs of lines separated by blank lines.
    static func paragraphs(_ text: String) -> [Substring] {
        var result: [Substring] = []
        var start: String.Index?
        var end = text.startIndex
        var lineStart = text.startIndex
        while lineStart < text.endIndex {
            let lineEnd = text[lineStart...].firstIndex(of: "\n") ?? text.endIndex
            let line = text[lineStart..<lineEnd]
            if line.allSatisfy(\.isWhitespace) {
                if let s = start { result.append(text[s..<end]); start = nil }
            } else {
                if start == nil { start = lineStart }
                end = lineEnd
            }
            lineStart = lineEnd < text.endIndex ? text.index(after: lineEnd) : text.endIndex
        }
        if let s = start { result.append(text[s..<end]) }
        return result
    }
}

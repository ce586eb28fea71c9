import Foundation

/// Plain text (`.txt`, `.rst`, ...): paragraphs are runs of lines separated by blank lines; the first line
/// of the file, when short, is its title.
public struct PlainTextLoader: Sendable {
    public init() {}

    /// Extracts the text of a file's bytes; `path` names it in errors.
    /// - Throws: ``IngestError`` (empty, binary).
    public func load(_ data: Data, path: String) throws -> ExtractedDocument {
        try load(TextDecoding.decode(data, path: path), path: path)
    }

    func load(_ decoded: DecodedText, path: String) throws -> ExtractedDocument {
        let text = decoded.text
        var assembler = TextAssembler()
        for paragraph in TextDecoding.paragraphs(text) {
            assembler.add(String(paragraph).replacingOccurrences(of: "\u{0C}", with: " "), kind: .paragraph)
        }
        let firstLine = text.split(separator: "\n", omittingEmptySubsequences: true).first.map {
            String($0).trimmingWhitespace()
        }
        let title = firstLine.flatMap { $0.count <= 120 && !$0.isEmpty ? $0 : nil }
        let document = assembler.document(format: .text, title: title, metadata: decoded.report.metadata)
        if document.isEmpty { throw IngestError.empty(path: path) }
        return document
    }
}

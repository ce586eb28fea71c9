import Foundation

/// Markdown: ATX (`## Title`) and setext (`Title` over `===`/`---`) headings give the heading path; fenced code
/// blocks stay whole and are never read as headings; list items and paragraphs are blocks. Inline markup is
/// kept as written. The title is the first level-1 heading (else the first heading).
public struct MarkdownLoader: Sendable {
    public init() {}

    /// Extracts the text of a file's bytes; `path` names it in errors.
    /// - Throws: ``IngestError`` (empty, binary).
    public func load(_ data: Data, path: String) throws -> ExtractedDocument {
        try load(TextDecoding.decode(data, path: path), path: path)
    }

    func load(_ decoded: DecodedText, path: String) throws -> ExtractedDocument {
        let text = decoded.text
        var assembler = TextAssembler()
        var title: String?
        var firstHeading: String?
        var paragraph: [Substring] = []
        var paragraphKind = TextBlock.Kind.paragraph
        var fence: Substring?
        var code: [Substring] = []

        func flushParagraph() {
            if !paragraph.isEmpty { assembler.add(paragraph.joined(separator: "\n"), kind: paragraphKind) }
            paragraph.removeAll()
            paragraphKind = .paragraph
        }
        func heading(_ content: String, level: Int) {
            flushParagraph()
            let clean = content.trimmingWhitespace()
            guard !clean.isEmpty else { return }
            assembler.add(clean, kind: .heading(level: level))
            if firstHeading == nil { firstHeading = clean }
            if level == 1 && title == nil { title = clean }
        }

        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for line in lines {
            let trimmed = line.drop(while: { $0 == " " })
            if let open = fence {
                if trimmed.hasPrefix(open) && trimmed.dropFirst(open.count).allSatisfy(\.isWhitespace) {
                    assembler.add(code.joined(separator: "\n"), kind: .code)
                    code.removeAll()
                    fence = nil
                } else {
                    code.append(line)
                }
                continue
            }
            let indent = line.count - trimmed.count
            if indent <= 3, trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                flushParagraph()
                fence = trimmed.prefix(while: { $0 == trimmed.first })
                continue
            }
            if trimmed.allSatisfy(\.isWhitespace) {
                flushParagraph()
                continue
            }
            if indent <= 3, let level = Self.atxLevel(trimmed) {
                var content = trimmed.dropFirst(level)
                while let last = content.last, last == "#" || last == " " { content = content.dropLast() }
                heading(String(content), level: level)
                continue
            }
            if indent <= 3, !paragraph.isEmpty, paragraphKind == .paragraph,
               let level = Self.setextLevel(trimmed) {
                let content = paragraph.joined(separator: " ")
                paragraph.removeAll()
                heading(content, level: level)
                continue
            }
            if Self.isListItem(trimmed) {
                flushParagraph()
                paragraphKind = .listItem
            }
            paragraph.append(line)
        }
        if fence != nil { assembler.add(code.joined(separator: "\n"), kind: .code) }
        flushParagraph()
        let document = assembler.document(format: .markdown, title: title ?? firstHeading,
                                          metadata: decoded.report.metadata)
        if document.isEmpty { throw IngestError.empty(path: path) }
        return document
    }

    /// The level of an ATX heading line (`#` to `######` then a space or the end), or nil.
    static func atxLevel(_ line: Substring) -> Int? {
        let hashes = line.prefix(while: { $0 == "#" }).count
        guard (1...6).contains(hashes) else { return nil }
        let rest = line.dropFirst(hashes)
        return rest.isEmpty || rest.first == " " || rest.first == "\t" ? hashes : nil
    }

    /// 1 for a `===` underline, 2 for `---`, else nil.
    static func setextLevel(_ line: Substring) -> Int? {
        let content = line.trimmingCharacters(in: .whitespaces)
        guard let first = content.first, first == "=" || first == "-", content.allSatisfy({ $0 == first }) else {
            return nil
        }
        return first == "=" ? 1 : 2
    }

    /// Whether a line starts a list item (`- `, `* `, `+ `, `1. `, `1) `).
    static func isListItem(_ line: Substring) -> Bool {
        if let first = line.first, "-*+".contains(first), line.dropFirst().first == " " { return true }
        let digits = line.prefix(while: \.isNumber)
        guard !digits.isEmpty, digits.count <= 9 else { return false }
        let rest = line.dropFirst(digits.count)
        return (rest.first == "." || rest.first == ")") && rest.dropFirst().first == " "
    }
}

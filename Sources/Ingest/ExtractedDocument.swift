import Store

/// A structural piece of extracted text: a heading, paragraph, list item, table row or code block.
public struct TextBlock: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case heading(level: Int)
        case paragraph
        case listItem
        case tableRow
        case code
    }

    public var kind: Kind
    /// Span in the document's extracted text, in Unicode scalars.
    public var range: Range<Int>
    /// The headings this block sits under, outermost first (a heading's path ends with itself).
    public var headingPath: [String]
    /// 1-based page (PDF).
    public var page: Int?

    public var isHeading: Bool {
        if case .heading = kind { return true }
        return false
    }
}

/// The text of one document, as loaders produce it: blocks joined by blank lines, with their spans.
///
/// Character offsets everywhere are Unicode scalar (code point) offsets into ``text``, the same unit as
/// Python's `str` indexing.
public struct ExtractedDocument: Sendable {
    /// The extracted text.
    public var text: String
    /// The blocks, in order, covering all of `text` except the separators between them.
    public var blocks: [TextBlock]
    public var title: String?
    public var format: DocumentFormat
    public var metadata: Metadata
    /// An id within the source file (JSONL records); nil for one-document files.
    public var recordID: String?
    /// Length of `text` in Unicode scalars.
    public var length: Int

    /// Whether the document holds any text.
    public var isEmpty: Bool { blocks.isEmpty }
}

/// Builds an ``ExtractedDocument`` block by block: joins blocks with a blank line, tracks scalar offsets and
/// the heading path.
struct TextAssembler {
    private(set) var text = ""
    private(set) var length = 0
    private(set) var blocks: [TextBlock] = []
    private var headings: [(level: Int, title: String)] = []
    /// The page new blocks belong to.
    var page: Int?

    /// Appends a block (trimmed; an empty one is ignored). A heading updates the heading path.
    mutating func add(_ raw: String, kind: TextBlock.Kind) {
        let content = raw.trimmingWhitespace()
        guard !content.isEmpty else { return }
        if case let .heading(level) = kind {
            while let last = headings.last, last.level >= level { headings.removeLast() }
            headings.append((level, content.collapsingWhitespace()))
        }
        if length > 0 {
            text += "\n\n"
            length += 2
        }
        let count = content.unicodeScalars.count
        text += content
        blocks.append(TextBlock(kind: kind, range: length..<(length + count), headingPath: headings.map(\.title),
                                page: page))
        length += count
    }

    /// Forgets the heading path (a new record or page section starts).
    mutating func resetHeadings() { headings.removeAll() }

    func document(format: DocumentFormat, title: String?, metadata: Metadata = [:], recordID: String? = nil)
        -> ExtractedDocument
    {
        ExtractedDocument(text: text, blocks: blocks, title: title, format: format, metadata: metadata,
                          recordID: recordID, length: length)
    }
}

extension String {
    /// Without leading and trailing whitespace (including newlines and no-break spaces).
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }

    /// Runs of whitespace replaced by one space, trimmed.
    func collapsingWhitespace() -> String {
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in unicodeScalars {
            if scalar.properties.isWhitespace {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" ") }
                pendingSpace = false
                out.append(scalar)
            }
        }
        return String(out)
    }
}

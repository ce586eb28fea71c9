import Foundation

/// HTML, parsed by libxml2's recovering HTML parser: drops scripts, styles and navigation; keeps headings,
/// paragraphs, list items, table rows (cells joined by ` | `) and preformatted code as text blocks; collapses
/// whitespace outside `<pre>`. The title is `<title>`, else the first `<h1>`.
///
/// libxml2 replaced a hand-written tokenizer: on the PostgreSQL manual and the Debian handbook both give the
/// same chunks byte for byte; on damaged pages libxml2 keeps more (see README, "Messy input").
///
/// Navigation is recognised by element (`nav`, `footer`, forms and their controls) and by common class, id
/// and role names (`navheader`, `navfooter`, `docnav`, `breadcrumb`, `toc`, `role="navigation"`, ...), which
/// covers the DocBook pages of the PostgreSQL manual and the Debian handbook.
public struct HTMLLoader: Sendable {
    public init() {}

    /// Elements whose whole content is dropped.
    static let droppedElements: Set<String> = [
        "script", "style", "noscript", "template", "nav", "footer", "svg", "math", "iframe", "object", "canvas",
        "button", "select", "form", "head", "map", "audio", "video",
    ]
    /// Class, id or role tokens that mark navigation or page chrome.
    static let droppedNames: Set<String> = [
        "navheader", "navfooter", "docnav", "nav", "navbar", "navigation", "breadcrumb", "breadcrumbs", "toc",
        "banner", "skip", "skip-link", "menu", "sidebar-nav", "contentinfo", "cookie-banner", "pagination",
    ]
    /// The attributes that mark chrome (see `Walker.isChrome`).
    static let walkerAttributes: Set<String> = ["class", "id", "role", "aria-hidden"]
    /// Elements that end the current block and start a new one.
    static let blockElements: Set<String> = [
        "p", "div", "section", "article", "main", "aside", "header", "h1", "h2", "h3", "h4", "h5", "h6", "li",
        "dt", "dd", "pre", "blockquote", "table", "thead", "tbody", "tfoot", "tr", "caption", "ul", "ol", "dl",
        "figure", "figcaption", "hr", "address", "details", "summary", "body", "html", "center",
    ]
    /// Elements that never have content or an end tag.
    static let voidElements: Set<String> = [
        "br", "img", "hr", "meta", "link", "input", "col", "area", "base", "wbr", "source", "track", "param", "embed",
    ]

    /// Extracts the text of a file's bytes; `path` names it in errors.
    /// - Throws: ``IngestError`` (empty, binary).
    public func load(_ data: Data, path: String) throws -> ExtractedDocument {
        try load(TextDecoding.decode(data, path: path, markup: true), path: path)
    }

    func load(_ decoded: DecodedText, path: String) throws -> ExtractedDocument {
        let source = decoded.text
        var walker = Walker()
        LibXMLHTMLParser.tokens(of: source) { walker.handle($0) }
        walker.flush()
        let title = walker.title.flatMap { $0.isEmpty ? nil : $0 } ?? walker.firstH1
        let document = walker.assembler.document(format: .html, title: title, metadata: decoded.report.metadata)
        if document.isEmpty { throw IngestError.empty(path: path) }
        return document
    }

    /// The state of one pass over the tokens.
    struct Walker {
        var assembler = TextAssembler()
        var title: String?
        var firstH1: String?
        /// Open elements, whether each drops its content, and whether only its class, id or role says so.
        private var stack: [(name: String, drops: Bool, chrome: Bool)] = []
        private var dropDepth = 0
        private var buffer = ""
        private var inTitle = false
        private var titleText = ""

        mutating func handle(_ token: HTMLToken) {
            switch token {
            case let .startTag(name, attributes, selfClosing):
                if name == "title" && dropDepth <= 1 && !selfClosing {
                    inTitle = true
                    titleText = ""
                    return
                }
                if Self.isVoid(name) || selfClosing {
                    if dropDepth == 0 {
                        if name == "br" { buffer += "\n" } else if Self.isBlock(name) { flush() }
                    }
                    return
                }
                if name == "body", let head = stack.lastIndex(where: { $0.name == "head" }) {
                    // Tolerate a missing </head>.
                    for element in stack[head...] where element.drops { dropDepth -= 1 }
                    stack.removeSubrange(head...)
                }
                if dropDepth > 0 && Self.isHeading(name) { reopenContentSwallowedByChrome() }
                let dropsElement = HTMLLoader.droppedElements.contains(name)
                let chrome = !dropsElement && Self.isChrome(attributes)
                let drops = dropsElement || chrome
                if dropDepth == 0 {
                    if Self.isBlock(name) || drops {
                        flush()
                    } else if name == "td" || name == "th" {
                        if !buffer.trimmingWhitespace().isEmpty { buffer += " | " }
                    }
                }
                stack.append((name, drops, chrome))
                if drops { dropDepth += 1 }
            case let .endTag(name):
                if name == "title" {
                    if inTitle { title = titleText.collapsingWhitespace() }
                    inTitle = false
                    return
                }
                guard let index = stack.lastIndex(where: { $0.name == name }) else { return }
                if dropDepth == 0 && Self.isBlock(name) { flush() }
                for element in stack[index...] where element.drops { dropDepth -= 1 }
                stack.removeSubrange(index...)
            case let .text(text):
                if inTitle {
                    titleText += text
                } else if dropDepth == 0 {
                    buffer += text
                }
            }
        }

        /// A section heading inside navigation means the navigation's end tag was lost (a damaged page): the
        /// rest of the page would vanish with it. When only class names made the open elements drop their
        /// content (not `nav`, `script`, ...), they stop dropping, as a browser would show the page.
        private mutating func reopenContentSwallowedByChrome() {
            guard stack.allSatisfy({ !$0.drops || $0.chrome }) else { return }
            for index in stack.indices where stack[index].drops { stack[index].drops = false }
            dropDepth = 0
        }

        /// Ends the current block: its kind comes from the innermost block element that holds it.
        mutating func flush() {
            defer { buffer = "" }
            guard buffer.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else { return }
            let kind = currentKind()
            if kind == .code {
                assembler.add(trimBlankLines(buffer), kind: .code)
            } else {
                let text = buffer.collapsingWhitespace()
                assembler.add(text, kind: kind)
                if case .heading(1) = kind, firstH1 == nil { firstH1 = text }
            }
        }

        private func currentKind() -> TextBlock.Kind {
            for element in stack.reversed() {
                switch element.name {
                case "pre": return .code
                case "h1", "h2", "h3", "h4", "h5", "h6":
                    return .heading(level: Int(String(element.name.dropFirst())) ?? 1)
                case "li", "dt", "dd": return .listItem
                case "tr": return .tableRow
                case "p", "div", "blockquote", "section", "article", "table", "body": return .paragraph
                default: continue
                }
            }
            return .paragraph
        }

        /// Text of a `<pre>` block without leading and trailing blank lines (inner layout kept).
        private func trimBlankLines(_ text: String) -> String {
            var lines = text.replacingOccurrences(of: "\u{A0}", with: " ").split(separator: "\n", omittingEmptySubsequences: false)
            while let first = lines.first, first.allSatisfy(\.isWhitespace) { lines.removeFirst() }
            while let last = lines.last, last.allSatisfy(\.isWhitespace) { lines.removeLast() }
            return lines.map { line in
                var line = line
                while let last = line.last, last.isWhitespace { line = line.dropLast() }
                return String(line)
            }.joined(separator: "\n")
        }

        static func isBlock(_ name: String) -> Bool { HTMLLoader.blockElements.contains(name) }
        static func isHeading(_ name: String) -> Bool { headings.contains(name) }
        private static let headings: Set<String> = ["h1", "h2", "h3", "h4", "h5", "h6"]
        static func isVoid(_ name: String) -> Bool { HTMLLoader.voidElements.contains(name) }

        /// Whether class, id or role names mark the element as navigation or chrome.
        static func isChrome(_ attributes: [String: String]) -> Bool {
            for key in ["class", "id", "role"] {
                guard let value = attributes[key] else { continue }
                for token in value.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
                where HTMLLoader.droppedNames.contains(String(token)) {
                    return true
                }
            }
            if attributes["aria-hidden"] == "true" { return true }
            return false
        }
    }
}

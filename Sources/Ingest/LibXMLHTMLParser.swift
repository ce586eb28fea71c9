import CLibXML2

/// One piece of an HTML document.
enum HTMLToken: Equatable {
    /// `<name attr="value">`; names are lower-cased; `selfClosing` for `<br/>`.
    case startTag(name: String, attributes: [String: String], selfClosing: Bool)
    /// `</name>`.
    case endTag(name: String)
    /// Character data, entities decoded.
    case text(String)
}


/// HTML parsed by libxml2's HTML parser (`htmlReadMemory` with recovery), which repairs broken markup the way
/// browsers do (implied and misnested elements, stray end tags, unterminated attributes), replayed in document
/// order as the tokens ``HTMLLoader`` walks.
enum LibXMLHTMLParser {
    /// The tokens of `text`: a start tag for each element, its content, then its end tag.
    static func tokens(of text: String, visit: (HTMLToken) -> Void) {
        _ = initialized
        let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_NONET.rawValue) | Int32(XML_PARSE_HUGE.rawValue)
        var bytes = Array(text.utf8)
        if bytes.isEmpty { return }
        let document = bytes.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { pointer in
                htmlReadMemory(pointer, Int32(buffer.count), nil, "UTF-8", options)
            }
        }
        guard let document else { return }
        defer { xmlFreeDoc(document) }
        // Iterative walk: a deeply nested page cannot overflow the stack.
        var node = xmlDocGetRootElement(document)
        var openElements: [UnsafeMutablePointer<xmlNode>] = []
        while let current = node {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                visit(.startTag(name: name(of: current), attributes: attributes(of: current), selfClosing: false))
                if let child = current.pointee.children {
                    openElements.append(current)
                    node = child
                    continue
                }
                visit(.endTag(name: name(of: current)))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content { visit(.text(String(cString: content))) }
            default:
                break
            }
            // Next: the sibling, else the sibling of the nearest open ancestor that has one.
            var next = current.pointee.next
            while next == nil, let parent = openElements.popLast() {
                visit(.endTag(name: name(of: parent)))
                next = parent.pointee.next
            }
            node = next
        }
    }

    /// libxml2's global state, set up once before any thread parses (its lazy set-up is not thread-safe).
    private static let initialized: Void = xmlInitParser()

    private static func name(of node: UnsafeMutablePointer<xmlNode>) -> String {
        node.pointee.name.map { String(cString: $0).lowercased() } ?? ""
    }

    /// The attributes the walker reads (`class`, `id`, `role`, `aria-hidden`); the others are not copied.
    private static func attributes(of node: UnsafeMutablePointer<xmlNode>) -> [String: String] {
        var result: [String: String] = [:]
        var attribute = node.pointee.properties
        while let current = attribute {
            attribute = current.pointee.next
            guard let rawName = current.pointee.name else { continue }
            let name = String(cString: rawName).lowercased()
            guard HTMLLoader.walkerAttributes.contains(name) else { continue }
            result[name] = current.pointee.children?.pointee.content.map { String(cString: $0) } ?? ""
        }
        return result
    }
}

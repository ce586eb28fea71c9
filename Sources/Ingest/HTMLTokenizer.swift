/// One piece of an HTML document.
enum HTMLToken: Equatable {
    /// `<name attr="value">`; names are lower-cased; `selfClosing` for `<br/>`.
    case startTag(name: String, attributes: [String: String], selfClosing: Bool)
    /// `</name>`.
    case endTag(name: String)
    /// Character data with entities decoded (raw for `script` and `style`).
    case text(String)
}

/// A small, tolerant HTML tokenizer over UTF-8 bytes: tags with quoted, unquoted or bare attributes, comments,
/// doctypes and processing instructions (dropped), CDATA sections (kept as text), raw-text elements (`script`,
/// `style`: everything up to their end tag is one text token), and character references. Malformed input
/// never fails: a `<` that does not start a tag is text, an unterminated construct runs to the end.
struct HTMLTokenizer {
    private let bytes: [UInt8]
    private var position = 0
    /// Set after `<script>`/`<style>`: the end tag that closes the raw text.
    private var rawTextEnd: [UInt8]?

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    /// The next token, or nil at the end.
    mutating func next() -> HTMLToken? {
        while position < bytes.count {
            if let end = rawTextEnd {
                rawTextEnd = nil
                let start = position
                let stop = find(end, from: position, caseInsensitive: true) ?? bytes.count
                position = stop
                if stop > start { return .text(String(decoding: bytes[start..<stop], as: UTF8.self)) }
                continue
            }
            if bytes[position] == UInt8(ascii: "<") {
                if let token = markup() { return token }
                continue
            }
            let start = position
            while position < bytes.count && bytes[position] != UInt8(ascii: "<") { position += 1 }
            return .text(HTMLEntities.decode(bytes[start..<position]))
        }
        return nil
    }

    /// Reads the construct starting at `<`; returns a token, or nil for one that yields nothing (comment).
    private mutating func markup() -> HTMLToken? {
        let next = position + 1 < bytes.count ? bytes[position + 1] : 0
        if next == UInt8(ascii: "!") {
            if starts(with: "<!--") {
                position = (find(Array("-->".utf8), from: position + 4) ?? bytes.count - 3) + 3
                return nil
            }
            if starts(with: "<![CDATA[") {
                let start = position + 9
                let end = find(Array("]]>".utf8), from: start) ?? bytes.count
                position = min(bytes.count, end + 3)
                return .text(String(decoding: bytes[start..<end], as: UTF8.self))
            }
            skipPast(UInt8(ascii: ">"))
            return nil
        }
        if next == UInt8(ascii: "?") {
            skipPast(UInt8(ascii: ">"))
            return nil
        }
        if next == UInt8(ascii: "/") {
            position += 2
            let name = readName()
            skipPast(UInt8(ascii: ">"))
            return name.isEmpty ? nil : .endTag(name: name)
        }
        guard Self.isLetter(next) else {
            position += 1
            return .text("<")
        }
        position += 1
        let name = readName()
        var attributes: [String: String] = [:]
        var selfClosing = false
        while position < bytes.count {
            skipSpaces()
            guard position < bytes.count else { break }
            let byte = bytes[position]
            if byte == UInt8(ascii: ">") { position += 1; break }
            if byte == UInt8(ascii: "/") { selfClosing = true; position += 1; continue }
            selfClosing = false
            let attribute = readName()
            if attribute.isEmpty { position += 1; continue }
            skipSpaces()
            if position < bytes.count && bytes[position] == UInt8(ascii: "=") {
                position += 1
                skipSpaces()
                attributes[attribute] = readValue()
            } else {
                attributes[attribute] = ""
            }
        }
        if name == "script" || name == "style" { rawTextEnd = Array("</\(name)".utf8) }
        return .startTag(name: name, attributes: attributes, selfClosing: selfClosing)
    }

    private mutating func readName() -> String {
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "=") || Self.isSpace(byte) {
                break
            }
            position += 1
        }
        return String(decoding: bytes[start..<position], as: UTF8.self).lowercased()
    }

    private mutating func readValue() -> String {
        guard position < bytes.count else { return "" }
        let quote = bytes[position]
        if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
            let start = position + 1
            let end = bytes[start...].firstIndex(of: quote) ?? bytes.count
            position = min(bytes.count, end + 1)
            return HTMLEntities.decode(bytes[start..<end])
        }
        let start = position
        while position < bytes.count && !Self.isSpace(bytes[position]) && bytes[position] != UInt8(ascii: ">") {
            position += 1
        }
        return HTMLEntities.decode(bytes[start..<position])
    }

    private mutating func skipSpaces() {
        while position < bytes.count && Self.isSpace(bytes[position]) { position += 1 }
    }

    private mutating func skipPast(_ byte: UInt8) {
        while position < bytes.count && bytes[position] != byte { position += 1 }
        position = min(bytes.count, position + 1)
    }

    private func starts(with prefix: String) -> Bool {
        let p = Array(prefix.utf8)
        return position + p.count <= bytes.count && Array(bytes[position..<(position + p.count)]) == p
    }

    /// The offset of `needle` at or after `from`.
    private func find(_ needle: [UInt8], from: Int, caseInsensitive: Bool = false) -> Int? {
        guard !needle.isEmpty, bytes.count >= needle.count else { return nil }
        var index = from
        while index + needle.count <= bytes.count {
            var matched = true
            for offset in 0..<needle.count {
                var byte = bytes[index + offset]
                if caseInsensitive && byte >= 65 && byte <= 90 { byte += 32 }
                if byte != needle[offset] { matched = false; break }
            }
            if matched { return index }
            index += 1
        }
        return nil
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C
    }

    static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
    }
}

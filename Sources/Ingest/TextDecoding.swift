import Foundation

/// How a file's bytes were turned into text, recorded in each document's metadata (`encoding`,
/// `encoding_source`) and counted in the ingest summary.
public struct TextEncodingReport: Sendable, Equatable, Codable {
    /// Where the encoding came from.
    public enum Source: String, Sendable, Codable {
        /// A byte-order mark.
        case bom
        /// The file says so: HTML `<meta charset>` / `http-equiv`, or an XML declaration.
        case declared
        /// The bytes are valid in it (UTF-8), or their layout shows it (UTF-16 without a mark).
        case detected
        /// Not valid UTF-8 and nothing declared: Windows-1252, what most mislabelled Latin-1 really is.
        case guessed
    }

    /// The WHATWG name of the encoding (`utf-8`, `utf-16le`, `windows-1252`, ...).
    public var encoding: String
    public var source: Source
    /// Characters that could not be decoded, or control characters, each written as U+FFFD.
    public var replacements: Int

    /// The document metadata that records it.
    public var metadata: [String: String] { ["encoding": encoding, "encoding_source": source.rawValue] }

    /// Whether the file needed help: not UTF-8, or characters replaced.
    public var isNoteworthy: Bool { encoding != "utf-8" || replacements > 0 }

    public init(encoding: String, source: Source, replacements: Int) {
        self.encoding = encoding
        self.source = source
        self.replacements = replacements
    }
}

/// Text decoded from a file's bytes, and how.
struct DecodedText: Sendable {
    var text: String
    var report: TextEncodingReport
}

/// Turning file bytes into text the way browsers and editors do: a byte-order mark first, then the charset
/// the file declares, then UTF-8, then Windows-1252; what cannot be decoded becomes U+FFFD and is counted.
/// A file is binary by what it holds (its share of control bytes), not because of a few bad bytes.
enum TextDecoding {
    /// Bytes looked at to decide whether a file is binary, and where a declaration is searched for.
    static let sniffLength = 65_536
    static let declarationLength = 1_024

    /// The share of control bytes (C0 controls other than tab, newlines, form feed and escape) in the first
    /// 64 KiB above which a file is binary: about 11% of random bytes are such controls, text has none
    /// except where damaged. Markup (a page with tags) is allowed more damage before it is called binary.
    static let binaryControlShare = 0.02
    static let binaryControlShareWithMarkup = 0.10

    /// Whether `data` looks binary: control bytes make up more than the allowed share of its start.
    static func looksBinary(_ data: Data, markup: Bool = false) -> Bool {
        let sample = data.prefix(sniffLength)
        guard !sample.isEmpty else { return false }
        let share = Double(controlCount(sample)) / Double(sample.count)
        guard share > binaryControlShare else { return false }
        return !(markup && hasMarkup(sample) && share <= binaryControlShareWithMarkup)
    }

    /// The number of control bytes (see ``isControl(_:)``) in `data`.
    static func controlCount(_ data: Data) -> Int {
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var count = 0
            for byte in buffer where byte < 0x20 && isControl(byte) { count += 1 }
            return count
        }
    }

    private static func isControl(_ byte: UInt8) -> Bool {
        byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0C && byte != 0x0D && byte != 0x1B
    }

    /// Whether the bytes hold tags (`<p`, `</`, `<!doctype`, `<html`): a damaged page, not a binary file.
    private static func hasMarkup(_ sample: Data) -> Bool {
        let head = String(decoding: sample.prefix(8_192), as: UTF8.self).lowercased()
        return head.contains("</") || head.contains("<html") || head.contains("<!doctype") || head.contains("<p")
    }

    /// The text of `data`, decoded, with `\r\n` and `\r` turned into `\n`.
    /// - Parameter markup: the file is HTML: a `<meta>` charset counts as a declaration, and damaged markup
    ///   is allowed more control bytes before it counts as binary.
    /// - Throws: ``IngestError/empty(path:)``, ``IngestError/binary(path:)``.
    static func decode(_ data: Data, path: String, markup: Bool = false) throws -> DecodedText {
        guard !data.isEmpty else { throw IngestError.empty(path: path) }
        var decoded: DecodedText
        if let bom = byteOrderMark(data) {
            decoded = decode(data.dropFirst(bom.length), encoding: bom.encoding, source: .bom)
        } else if let utf16 = utf16WithoutMark(data) {
            decoded = decode(data, encoding: utf16, source: .detected)
        } else {
            guard !looksBinary(data, markup: markup) else { throw IngestError.binary(path: path) }
            if let declared = declaredEncoding(data, markup: markup), let text = decodeDeclared(data, label: declared) {
                decoded = text
            } else if let utf8 = String(validating: data, as: UTF8.self) {
                decoded = DecodedText(text: utf8, report: .init(encoding: "utf-8", source: .detected, replacements: 0))
            } else if mostlyUTF8(data) {
                decoded = decode(data, encoding: "utf-8", source: .detected)
            } else {
                decoded = decode(data, encoding: "windows-1252", source: .guessed)
            }
        }
        if decoded.report.encoding.hasPrefix("utf-16") || controlCount(data) > 0 {
            decoded.text = replacingControls(in: decoded.text, count: &decoded.report.replacements)
        }
        decoded.text = normalizeLines(decoded.text)
        guard decoded.text.unicodeScalars.contains(where: { !$0.properties.isWhitespace && $0 != "\u{FFFD}" }) else {
            throw IngestError.empty(path: path)
        }
        return decoded
    }

    // MARK: - Byte-order marks and declarations

    private static func byteOrderMark(_ data: Data) -> (encoding: String, length: Int)? {
        if data.starts(with: [0xEF, 0xBB, 0xBF]) { return ("utf-8", 3) }
        if data.starts(with: [0xFF, 0xFE]) { return ("utf-16le", 2) }
        if data.starts(with: [0xFE, 0xFF]) { return ("utf-16be", 2) }
        return nil
    }

    /// UTF-16 without a byte-order mark: most ASCII characters leave a NUL byte on one side of each pair.
    private static func utf16WithoutMark(_ data: Data) -> String? {
        let sample = Array(data.prefix(4_096))
        guard sample.count >= 8 else { return nil }
        var evenZeros = 0, oddZeros = 0
        for (offset, byte) in sample.enumerated() where byte == 0 {
            if offset.isMultiple(of: 2) { evenZeros += 1 } else { oddZeros += 1 }
        }
        let pairs = Double(sample.count / 2)
        if Double(oddZeros) > 0.4 * pairs && Double(evenZeros) < 0.05 * pairs { return "utf-16le" }
        if Double(evenZeros) > 0.4 * pairs && Double(oddZeros) < 0.05 * pairs { return "utf-16be" }
        return nil
    }

    /// The charset label an XML declaration (`<?xml ... encoding="..."?>`) or, in HTML, a `<meta charset>` or
    /// `<meta http-equiv content="...; charset=...">` gives in the first kilobyte, lower-cased.
    static func declaredEncoding(_ data: Data, markup: Bool) -> String? {
        let head = String(decoding: data.prefix(declarationLength), as: UTF8.self).lowercased()
        if head.hasPrefix("<?xml"), let end = head.range(of: "?>"),
           let label = attributeValue(named: "encoding", in: head[..<end.lowerBound]) {
            return label
        }
        guard markup else { return nil }
        var rest = head[...]
        while let meta = rest.range(of: "<meta") {
            let tag = rest[meta.upperBound...].prefix(while: { $0 != ">" })
            if let label = attributeValue(named: "charset", in: tag) { return label }
            rest = rest[meta.upperBound...]
        }
        return nil
    }

    /// The value after `name=` (quoted or not) in `text`.
    private static func attributeValue(named name: String, in text: Substring) -> String? {
        guard let found = text.range(of: name) else { return nil }
        var rest = text[found.upperBound...].drop(while: { $0 == " " })
        guard rest.first == "=" else { return attributeValue(named: name, in: text[found.upperBound...]) }
        rest = rest.dropFirst().drop(while: { $0 == " " || $0 == "\"" || $0 == "'" })
        let value = rest.prefix(while: { !"\"'; >/\t\n".contains($0) })
        return value.isEmpty ? nil : String(value)
    }

    /// Decoded in the declared encoding; nil when the label is unknown here (detection takes over).
    private static func decodeDeclared(_ data: Data, label: String) -> DecodedText? {
        switch label {
        case "utf-8", "utf8", "unicode-1-1-utf-8":
            if let text = String(validating: data, as: UTF8.self) {
                return DecodedText(text: text, report: .init(encoding: "utf-8", source: .declared, replacements: 0))
            }
            return decode(data, encoding: "utf-8", source: .declared)
        // WHATWG: these labels all mean Windows-1252 (a superset of Latin-1 and ASCII).
        case "iso-8859-1", "iso8859-1", "latin1", "l1", "windows-1252", "cp1252", "us-ascii", "ascii", "ansi_x3.4-1968",
             "iso-ir-100", "cp819", "ibm819", "x-cp1252":
            // A page declared Latin-1 whose bytes are valid UTF-8 with multi-byte characters was saved as UTF-8
            // and mislabelled (Latin-1 text is almost never valid UTF-8 by chance): UTF-8 wins, as detected.
            if data.contains(where: { $0 >= 0x80 }), let utf8 = String(validating: data, as: UTF8.self) {
                return DecodedText(text: utf8, report: .init(encoding: "utf-8", source: .detected, replacements: 0))
            }
            return decode(data, encoding: "windows-1252", source: .declared)
        case "utf-16", "utf-16le", "utf-16be":
            // A page that declares UTF-16 in ASCII-compatible bytes is not UTF-16 (WHATWG: treat as UTF-8).
            return nil
        default:
            guard let encoding = foundationEncodings[label], let text = String(data: data, encoding: encoding) else {
                return nil
            }
            return DecodedText(text: text, report: .init(encoding: label, source: .declared, replacements: 0))
        }
    }

    /// Other declared charsets Foundation decodes (all or nothing: a byte they reject falls back to detection).
    private static let foundationEncodings: [String: String.Encoding] = [
        "iso-8859-2": .isoLatin2, "windows-1250": .windowsCP1250, "windows-1251": .windowsCP1251,
        "windows-1253": .windowsCP1253, "windows-1254": .windowsCP1254, "shift_jis": .shiftJIS, "sjis": .shiftJIS,
        "euc-jp": .japaneseEUC, "iso-2022-jp": .iso2022JP,
    ]

    // MARK: - Decoders

    /// Whether bytes that are not valid UTF-8 are still mostly UTF-8: valid multi-byte sequences at least as
    /// many as invalid bytes (a UTF-8 file with a few damaged bytes), rather than lone high bytes (Latin-1).
    static func mostlyUTF8(_ data: Data) -> Bool {
        var valid = 0, invalid = 0
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var i = 0
            let n = buffer.count
            while i < n {
                let byte = buffer[i]
                if byte < 0x80 { i += 1; continue }
                let length = byte >= 0xF0 && byte <= 0xF4 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC2 && byte <= 0xDF ? 2 : 0
                var ok = length > 0 && i + length <= n
                if ok { for k in 1..<length where buffer[i + k] & 0xC0 != 0x80 { ok = false } }
                if ok { valid += 1; i += length } else { invalid += 1; i += 1 }
            }
        }
        return valid > 0 && valid >= invalid
    }

    /// Decoded with U+FFFD for what is not valid, the replacements counted.
    private static func decode(_ data: Data, encoding: String, source: TextEncodingReport.Source) -> DecodedText {
        let text: String
        switch encoding {
        case "utf-16le", "utf-16be":
            let bigEndian = encoding == "utf-16be"
            var units: [UInt16] = []
            units.reserveCapacity(data.count / 2)
            var iterator = data.makeIterator()
            while let first = iterator.next() {
                let second = iterator.next() ?? 0
                units.append(bigEndian ? UInt16(first) << 8 | UInt16(second) : UInt16(second) << 8 | UInt16(first))
            }
            text = String(decoding: units, as: UTF16.self)
        case "windows-1252":
            text = windows1252(data)
        default:
            text = String(decoding: data, as: UTF8.self)
        }
        // A U+FFFD the file itself held is not a replacement.
        let held = encoding == "utf-8" ? occurrences(of: [0xEF, 0xBF, 0xBD], in: data) : 0
        let replaced = text.unicodeScalars.reduce(0) { $0 + ($1 == "\u{FFFD}" ? 1 : 0) } - held
        return DecodedText(text: text, report: .init(encoding: encoding, source: source, replacements: max(0, replaced)))
    }

    /// Windows-1252 (WHATWG): Latin-1 except 0x80–0x9F, where it has typographic characters. The five bytes it
    /// leaves undefined become U+FFFD.
    static func windows1252(_ data: Data) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.reserveCapacity(data.count)
        for byte in data {
            if byte >= 0x80 && byte <= 0x9F {
                let value = windows1252High[Int(byte - 0x80)]
                scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
            } else {
                scalars.append(Unicode.Scalar(byte))
            }
        }
        return String(scalars)
    }

    /// Code points of bytes 0x80–0x9F in Windows-1252; 0xFFFD where undefined.
    private static let windows1252High: [UInt32] = [
        0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD,
        0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
        0x0153, 0xFFFD, 0x017E, 0x0178,
    ]

    private static func occurrences(of pattern: [UInt8], in data: Data) -> Int {
        guard data.count >= pattern.count else { return 0 }
        var count = 0
        var start = data.startIndex
        while let found = data.range(of: Data(pattern), in: start..<data.endIndex) {
            count += 1
            start = found.upperBound
        }
        return count
    }

    /// Control characters that text never holds (NUL, C0 controls other than tab, newlines, form feed) written
    /// as U+FFFD and counted, so a damaged byte cannot reach the database or the tokenizer as a control.
    private static func replacingControls(in text: String, count: inout Int) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 && isControl(UInt8(scalar.value)) {
                scalars.append("\u{FFFD}")
                count += 1
            } else {
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    private static func normalizeLines(_ text: String) -> String {
        text.contains("\r") ? text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            : text
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

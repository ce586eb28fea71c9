import Foundation
import Store

/// JSON Lines: one JSON object a line, one document a record. The text comes from `textField`; a string
/// `title` field becomes the document's title and its first (heading) block; the record id comes from
/// `idField`, else `_id` or `id`, else the line number. Every other field is kept as metadata. A BEIR
/// `corpus.jsonl` (`_id`, `title`, `text`) works as is.
///
/// Lines are read one by one: a bad line (not UTF-8, not JSON, not an object, no string text field) is
/// reported with its number and reason and the good lines are kept, unless `strict` asks for all or nothing.
public struct JSONLLoader: Sendable {
    /// - Parameters:
    ///   - textField: the field holding the text.
    ///   - idField: the field holding the record id (default `_id`, then `id`).
    ///   - strict: a bad line fails the whole file.
    public init(textField: String = "text", idField: String? = nil, strict: Bool = false) {
        self.textField = textField
        self.idField = idField
        self.strict = strict
    }

    public var textField = "text"
    public var idField: String?
    public var strict = false

    /// The documents of a file's good lines and the bad lines, in file order.
    public struct Records: Sendable {
        public var documents: [ExtractedDocument]
        /// The lines that were not ingested, each with its 1-based number.
        public var badLines: [FileProblem]
    }

    /// Extracts the records of a file's bytes; `path` names it in errors.
    /// - Throws: ``IngestError/empty(path:)`` or ``IngestError/binary(path:)`` for the file;
    ///   ``IngestError/malformedRecord(path:line:reason:)`` when a line is bad and `strict` is set, or when no
    ///   line is good.
    public func load(_ data: Data, path: String) throws -> Records {
        guard !data.isEmpty else { throw IngestError.empty(path: path) }
        guard !TextDecoding.looksBinary(data) else { throw IngestError.binary(path: path) }
        var documents: [ExtractedDocument] = []
        var badLines: [FileProblem] = []
        var seenIDs: Set<String> = []
        var lineNumber = 0
        var body = data[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        for rawLine in body.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            do {
                guard let document = try record(rawLine, line: lineNumber, path: path, seenIDs: &seenIDs) else { continue }
                documents.append(document)
            } catch let error as IngestError {
                if strict { throw error }
                badLines.append(FileProblem(path: path, reason: error.lineReason, line: lineNumber))
            }
        }
        if documents.isEmpty {
            guard let first = badLines.first else { throw IngestError.empty(path: path) }
            let more = badLines.count > 1 ? " (and \(badLines.count - 1) more bad lines)" : ""
            throw IngestError.malformedRecord(path: path, line: first.line ?? 0, reason: first.reason + more)
        }
        return Records(documents: documents, badLines: badLines)
    }

    /// The document of one line; nil for a blank line or a record without text.
    private func record(_ bytes: Data.SubSequence, line: Int, path: String, seenIDs: inout Set<String>) throws
        -> ExtractedDocument?
    {
        var bytes = bytes
        if bytes.last == 0x0D { bytes = bytes.dropLast() }
        guard bytes.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return nil }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw IngestError.malformedRecord(path: path, line: line, reason: "not valid UTF-8")
        }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            throw IngestError.malformedRecord(path: path, line: line, reason: "invalid JSON")
        }
        guard let object = parsed as? [String: Any] else {
            throw IngestError.malformedRecord(path: path, line: line, reason: "not a JSON object")
        }
        guard let text = object[textField] as? String else {
            throw IngestError.missingTextField(path: path, line: line, field: textField)
        }
        var id = [idField, "_id", "id"].compactMap { $0 }.lazy.compactMap { Self.string(object[$0]) }.first
            ?? "line-\(line)"
        if !seenIDs.insert(id).inserted { id += "@line-\(line)" }
        var metadata: Metadata = [:]
        for (key, value) in object where key != textField {
            metadata[key] = Self.string(value)
        }
        let title = (object["title"] as? String).map { $0.trimmingWhitespace() }.flatMap { $0.isEmpty ? nil : $0 }
        var assembler = TextAssembler()
        if let title { assembler.add(title, kind: .heading(level: 1)) }
        let normalized = text.contains("\r") ? text.replacingOccurrences(of: "\r\n", with: "\n") : text
        for paragraph in TextDecoding.paragraphs(normalized) { assembler.add(String(paragraph), kind: .paragraph) }
        let document = assembler.document(format: .jsonl, title: title, metadata: metadata, recordID: id)
        return document.isEmpty ? nil : document
    }

    /// A metadata value: strings as they are, numbers and booleans and structures in their JSON spelling.
    static func string(_ value: Any?) -> String? {
        switch value {
        case nil, is NSNull: return nil
        case let string as String: return string
        case let value?:
            // Serialising inside an array gives the JSON spelling of any value (`true`, `42`, `{"a":1}`).
            guard let data = try? JSONSerialization.data(withJSONObject: [value], options: [.sortedKeys]) else {
                return "\(value)"
            }
            return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
        }
    }
}

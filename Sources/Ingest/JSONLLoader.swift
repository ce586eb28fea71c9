import Foundation
import Store

/// JSON Lines: one JSON object a line, one document a record. The text comes from `textField`; a string
/// `title` field becomes the document's title and its first (heading) block; the record id comes from
/// `idField`, else `_id` or `id`, else the line number. Every other field is kept as metadata. A BEIR
/// `corpus.jsonl` (`_id`, `title`, `text`) works as is.
public struct JSONLLoader: Sendable {
    /// - Parameters:
    ///   - textField: the field holding the text.
    ///   - idField: the field holding the record id (default `_id`, then `id`).
    public init(textField: String = "text", idField: String? = nil) {
        self.textField = textField
        self.idField = idField
    }

    public var textField = "text"
    public var idField: String?

    /// Extracts the text of a file's bytes; `path` names it in errors.
    /// - Throws: ``IngestError`` (empty, binary, undecodable, malformed).
    public func load(_ data: Data, path: String) throws -> [ExtractedDocument] {
        let text = try TextDecoding.decode(data, path: path)
        var documents: [ExtractedDocument] = []
        var seenIDs: Set<String> = []
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            guard line.contains(where: { !$0.isWhitespace }) else { continue }
            let object: [String: Any]
            do {
                guard let parsed = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                    throw IngestError.malformedRecord(path: path, line: lineNumber, reason: "not a JSON object")
                }
                object = parsed
            } catch let error as IngestError {
                throw error
            } catch {
                throw IngestError.malformedRecord(path: path, line: lineNumber, reason: "invalid JSON")
            }
            guard let body = object[textField] as? String else {
                throw IngestError.missingTextField(path: path, line: lineNumber, field: textField)
            }
            var id = [idField, "_id", "id"].compactMap { $0 }.lazy.compactMap { Self.string(object[$0]) }.first
                ?? "line-\(lineNumber)"
            if !seenIDs.insert(id).inserted { id += "@line-\(lineNumber)" }
            var metadata: Metadata = [:]
            for (key, value) in object where key != textField {
                metadata[key] = Self.string(value)
            }
            let title = (object["title"] as? String).map { $0.trimmingWhitespace() }.flatMap { $0.isEmpty ? nil : $0 }
            var assembler = TextAssembler()
            if let title { assembler.add(title, kind: .heading(level: 1)) }
            for paragraph in TextDecoding.paragraphs(body) { assembler.add(String(paragraph), kind: .paragraph) }
            let document = assembler.document(format: .jsonl, title: title, metadata: metadata, recordID: id)
            if !document.isEmpty { documents.append(document) }
        }
        if documents.isEmpty { throw IngestError.empty(path: path) }
        return documents
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

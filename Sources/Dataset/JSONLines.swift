import Foundation

/// Reading and writing JSONL files: one JSON object a line, numbered from 1, blank lines skipped.
/// The one JSONL reader and writer of every dataset command.
public enum JSONLines {
    /// The file's text as UTF-8 (invalid bytes are replaced, not fatal).
    public static func text(_ path: String) throws -> String {
        do {
            return String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
        } catch {
            throw DatasetError.cannotRead(path: path, reason: (error as NSError).localizedDescription)
        }
    }

    /// One non-blank line: its number from 1, its text (without the line break) and its object.
    public struct Line: Sendable {
        public var number: Int
        public var text: String
        public var object: [String: JSONValue]
    }

    /// Every non-blank line of `path` as an object, with its line number.
    /// - Throws: ``DatasetError`` naming the file, and the line of one that is not a JSON object.
    public static func read(_ path: String) throws -> [Line] {
        try parse(lines: text(path).split(separator: "\n", omittingEmptySubsequences: false).map(String.init),
                  path: path)
    }

    /// Lines already in memory (`path` names them in errors); blank ones are skipped but keep their number.
    public static func parse(lines: [String], path: String) throws -> [Line] {
        var objects: [Line] = []
        for (index, raw) in lines.enumerated() {
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : raw
            guard line.contains(where: { !$0.isWhitespace }) else { continue }
            guard let object = (try? JSONValue.parse(line))?.objectValue else {
                throw DatasetError.malformedLine(path: path, line: index + 1, reason: "not a JSON object")
            }
            objects.append(Line(number: index + 1, text: line, object: object))
        }
        return objects
    }

    /// `values` as JSONL text, one compact line each.
    public static func text(of values: [JSONValue]) -> String {
        values.map { $0.jsonText + "\n" }.joined()
    }

    /// Writes `text` to a temporary name and renames it, so a reader never sees half a file.
    public static func writeAtomically(_ text: String, to path: String) throws {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw DatasetError.cannotWrite(path: path, reason: (error as NSError).localizedDescription)
        }
    }
}

extension JSONValue {
    /// A string, or an integral number as text (ids are written either way).
    public var looseString: String? {
        switch self {
        case let .string(s): s
        case let .number(n) where n == n.rounded() && abs(n) < 1e15: String(Int64(n))
        default: nil
        }
    }

    /// An integer, written as an integral number or a numeric string.
    public var looseInt: Int? {
        switch self {
        case let .number(n) where n == n.rounded() && abs(n) < 1e15: Int(n)
        case let .string(s): Int(s)
        default: nil
        }
    }
}

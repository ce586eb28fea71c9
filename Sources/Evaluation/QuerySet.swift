/// Queries to run: id and text, in file order.
public struct QuerySet: Sendable, Equatable {
    public struct Query: Sendable, Equatable {
        public var id: String
        public var text: String

        public init(id: String, text: String) {
            self.id = id
            self.text = text
        }
    }

    public var queries: [Query]

    public init(_ queries: [Query]) {
        self.queries = queries
    }

    /// Reads BEIR `queries.jsonl`: one object a line with `_id` (or `id`) and `text`.
    /// - Throws: ``EvaluationError`` naming the file and line of a malformed record.
    public static func load(path: String) throws -> QuerySet {
        var queries: [Query] = []
        for (number, line) in try TextFile.lines(path) {
            let object = try TextFile.jsonObject(line, path: path, number: number)
            guard let id = JSONField.string(object["_id"] ?? object["id"]) else {
                throw EvaluationError.missingField(path: path, line: number, field: "_id")
            }
            guard let text = object["text"] as? String else {
                throw EvaluationError.missingField(path: path, line: number, field: "text")
            }
            queries.append(Query(id: id, text: text))
        }
        guard !queries.isEmpty else { throw EvaluationError.empty(path: path) }
        return QuerySet(queries)
    }
}

/// Reading loosely typed JSON values.
enum JSONField {
    /// A string, or an integer written as a number, as text.
    static func string(_ value: Any?) -> String? {
        switch value {
        case let string as String: return string
        case let number as Int: return String(number)
        case let number as Double where number == number.rounded(): return String(Int(number))
        default: return nil
        }
    }

    /// An integer, whether written as a number or a numeric string.
    static func int(_ value: Any?) -> Int? {
        switch value {
        case let number as Int: return number
        case let number as Double where number == number.rounded(): return Int(number)
        case let string as String: return Int(string)
        default: return nil
        }
    }
}

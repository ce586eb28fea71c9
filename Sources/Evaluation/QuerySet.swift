import Dataset

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
        for line in try TextFile.jsonLines(path) {
            let number = line.number, object = line.object
            guard let id = (object["_id"] ?? object["id"])?.looseString else {
                throw EvaluationError.missingField(path: path, line: number, field: "_id")
            }
            guard let text = object["text"]?.stringValue else {
                throw EvaluationError.missingField(path: path, line: number, field: "text")
            }
            queries.append(Query(id: id, text: text))
        }
        guard !queries.isEmpty else { throw EvaluationError.empty(path: path) }
        return QuerySet(queries)
    }
}

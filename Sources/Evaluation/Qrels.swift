/// Relevance judgements: for each query id, the judged documents and their grades (0: not relevant).
public struct Qrels: Sendable, Equatable {
    /// Query id → document id → grade.
    public var judgements: [String: [String: Int]]

    public init(_ judgements: [String: [String: Int]] = [:]) {
        self.judgements = judgements
    }

    /// The queries with at least one judgement (trec_eval evaluates only these).
    public var queryIDs: [String] { judgements.keys.sorted() }

    /// The grades of one query's judged documents (empty when it has none).
    public subscript(query: String) -> [String: Int] { judgements[query] ?? [:] }

    /// Reads a qrels file: BEIR TSV (`query-id corpus-id score`, with or without its header line) or TREC
    /// (`qid iteration docid grade`), separated by tabs or spaces. A document judged twice keeps the last grade.
    /// - Throws: ``EvaluationError`` naming the file and line of a malformed row.
    public static func load(path: String) throws -> Qrels {
        var qrels = Qrels()
        for (number, line) in try TextFile.lines(path) {
            let fields = line.split(whereSeparator: { $0 == "\t" || $0 == " " })
            guard fields.count == 3 || fields.count == 4 else {
                throw EvaluationError.malformedLine(path: path, line: number,
                                                    reason: "expected 3 (BEIR) or 4 (TREC) columns, found \(fields.count)")
            }
            guard let grade = Int(fields[fields.count - 1]) else {
                if number == 1 { continue }  // the BEIR header: query-id corpus-id score
                throw EvaluationError.malformedLine(path: path, line: number,
                                                    reason: "grade '\(fields[fields.count - 1])' is not an integer")
            }
            let query = String(fields[0])
            let document = String(fields[fields.count - 2])
            qrels.judgements[query, default: [:]][document] = grade
        }
        guard !qrels.judgements.isEmpty else { throw EvaluationError.empty(path: path) }
        return qrels
    }
}

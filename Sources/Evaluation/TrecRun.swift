/// A run: for each query id, its retrieved documents with scores. Written and read as a TREC run file, one
/// line a result: `qid Q0 docid rank score tag`.
public struct TrecRun: Sendable, Equatable {
    /// Query id → results (any order; metrics use ``TrecOrder``).
    public var results: [String: [ScoredDocument]]
    /// The run's name, written in the last column.
    public var tag: String

    public init(results: [String: [ScoredDocument]] = [:], tag: String) {
        self.results = results
        self.tag = tag
    }

    /// The run file's text: queries sorted by id, results in trec_eval's order, ranks from 1, scores written
    /// in full precision (shortest text that reads back to the same Double).
    public var text: String {
        var out = ""
        for query in results.keys.sorted() {
            for (index, document) in TrecOrder.sorted(results[query]!).enumerated() {
                out += "\(query) Q0 \(document.id) \(index + 1) \(document.score) \(tag)\n"
            }
        }
        return out
    }

    /// Writes the run file.
    /// - Throws: ``EvaluationError/cannotWrite(path:reason:)``.
    public func write(to path: String) throws {
        try TextFile.write(text, to: path)
    }

    /// Reads a run file (six whitespace-separated columns; the rank column is ignored, as trec_eval does).
    /// - Throws: ``EvaluationError`` naming the file and line of a malformed row.
    public static func load(path: String) throws -> TrecRun {
        var run = TrecRun(tag: "")
        for (number, line) in try TextFile.lines(path) {
            let fields = line.split(whereSeparator: \.isWhitespace)
            guard fields.count == 6 else {
                throw EvaluationError.malformedLine(path: path, line: number,
                                                    reason: "expected 6 columns (qid Q0 docid rank score tag), found \(fields.count)")
            }
            guard let score = Double(fields[4]) else {
                throw EvaluationError.malformedLine(path: path, line: number, reason: "score '\(fields[4])' is not a number")
            }
            run.results[String(fields[0]), default: []].append(ScoredDocument(id: String(fields[2]), score: score))
            run.tag = String(fields[5])
        }
        return run
    }
}

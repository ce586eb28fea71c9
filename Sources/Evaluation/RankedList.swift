/// A document and its retrieval score.
public struct ScoredDocument: Sendable, Equatable, Codable {
    public var id: String
    public var score: Double

    public init(id: String, score: Double) {
        self.id = id
        self.score = score
    }
}

/// trec_eval's order of a query's results, which it rebuilds from the scores and ignores the rank column:
/// score descending, compared as 32-bit floats (trec_eval keeps `float sim`), then document id descending by
/// byte comparison (`strcmp(b, a)` in `form_res_rels.c`). Ranking with the same rule is what makes our metrics
/// equal pytrec_eval's on tied scores, which BM25 and rank fusion produce often.
public enum TrecOrder {
    /// `documents` in trec_eval's order.
    /// - Complexity: O(n log n).
    public static func sorted(_ documents: [ScoredDocument]) -> [ScoredDocument] {
        documents.sorted(by: precedes)
    }

    /// Whether `a` ranks above `b`.
    public static func precedes(_ a: ScoredDocument, _ b: ScoredDocument) -> Bool {
        let (x, y) = (Float(a.score), Float(b.score))
        if x != y { return x > y }
        return b.id.utf8.lexicographicallyPrecedes(a.id.utf8)
    }

    /// One ranking per document: chunks are mapped to their documents, a document keeps the score of its best
    /// (first) chunk, and the list is cut to `depth` documents.
    /// - Parameter chunks: document id and score of each retrieved chunk, best first.
    public static func documents(fromChunks chunks: [(document: String, score: Double)], depth: Int) -> [ScoredDocument] {
        var seen: Set<String> = []
        var result: [ScoredDocument] = []
        for chunk in chunks where result.count < depth {
            if seen.insert(chunk.document).inserted { result.append(ScoredDocument(id: chunk.document, score: chunk.score)) }
        }
        return result
    }
}

import Foundation

/// The four retrieval measures of one query, or their means over queries.
public struct RetrievalScores: Sendable, Equatable, Codable {
    /// trec_eval `ndcg_cut.10`: DCG over the top 10 with the grade as gain and log2(rank + 1) discount, divided
    /// by the DCG of the ideal ordering of all judged documents.
    public var ndcgAt10: Double
    /// trec_eval `recall.10`: relevant documents (grade ≥ 1) in the top 10 over all relevant documents.
    public var recallAt10: Double
    /// trec_eval `recall.100`.
    public var recallAt100: Double
    /// `recip_rank` of the top 10: 1 / rank of the first relevant document if it is in the top 10, else 0.
    public var mrrAt10: Double

    enum CodingKeys: String, CodingKey {
        case ndcgAt10 = "ndcg_at_10"
        case recallAt10 = "recall_at_10"
        case recallAt100 = "recall_at_100"
        case mrrAt10 = "mrr_at_10"
    }

    public init(ndcgAt10: Double = 0, recallAt10: Double = 0, recallAt100: Double = 0, mrrAt10: Double = 0) {
        self.ndcgAt10 = ndcgAt10
        self.recallAt10 = recallAt10
        self.recallAt100 = recallAt100
        self.mrrAt10 = mrrAt10
    }

    /// The measures as (name, value) pairs, in a fixed order, for tables and charts.
    public var named: [(name: String, value: Double)] {
        [("nDCG@10", ndcgAt10), ("recall@10", recallAt10), ("recall@100", recallAt100), ("MRR@10", mrrAt10)]
    }
}

/// Retrieval measures with trec_eval's definitions (the ones pytrec_eval wraps), so that numbers compare with
/// published ones and with pytrec_eval on the same run file.
///
/// Conventions, all trec_eval's: results are ordered by ``TrecOrder`` (the given order and any rank column are
/// ignored); a document is relevant when its grade is at least 1; documents without a judgement count as not
/// relevant; nDCG's gain is the grade (negative grades count as 0).
public enum RetrievalMetrics {
    /// nDCG at `cutoff`.
    /// - Parameters:
    ///   - ranking: one query's results, in trec_eval order (see ``TrecOrder/sorted(_:)``).
    ///   - judgements: that query's judged documents and grades.
    public static func ndcg(_ ranking: [ScoredDocument], judgements: [String: Int], cutoff: Int) -> Double {
        var dcg = 0.0
        for (index, document) in ranking.prefix(cutoff).enumerated() {
            let gain = max(judgements[document.id] ?? 0, 0)
            if gain > 0 { dcg += Double(gain) / log2(Double(index + 2)) }
        }
        let ideal = judgements.values.filter { $0 > 0 }.sorted(by: >).prefix(cutoff)
        var idealDCG = 0.0
        for (index, gain) in ideal.enumerated() { idealDCG += Double(gain) / log2(Double(index + 2)) }
        return idealDCG > 0 ? dcg / idealDCG : 0
    }

    /// Recall at `cutoff`: relevant documents in the top `cutoff` over all relevant documents (0 with none).
    public static func recall(_ ranking: [ScoredDocument], judgements: [String: Int], cutoff: Int) -> Double {
        let relevant = judgements.values.filter { $0 >= 1 }.count
        guard relevant > 0 else { return 0 }
        let found = ranking.prefix(cutoff).filter { (judgements[$0.id] ?? 0) >= 1 }.count
        return Double(found) / Double(relevant)
    }

    /// Reciprocal rank of the first relevant document within the top `cutoff` (0 when there is none).
    public static func reciprocalRank(_ ranking: [ScoredDocument], judgements: [String: Int], cutoff: Int) -> Double {
        guard let index = ranking.prefix(cutoff).firstIndex(where: { (judgements[$0.id] ?? 0) >= 1 }) else { return 0 }
        return 1 / Double(index + 1)
    }

    /// The four measures of one query's results (in any order).
    public static func scores(_ results: [ScoredDocument], judgements: [String: Int]) -> RetrievalScores {
        let ranking = TrecOrder.sorted(results)
        return RetrievalScores(
            ndcgAt10: ndcg(ranking, judgements: judgements, cutoff: 10),
            recallAt10: recall(ranking, judgements: judgements, cutoff: 10),
            recallAt100: recall(ranking, judgements: judgements, cutoff: 100),
            mrrAt10: reciprocalRank(ranking, judgements: judgements, cutoff: 10))
    }

    /// Per-query measures and their means, trec_eval style: only queries with judgements are evaluated;
    /// among them, a query the run has no results for scores 0 (trec_eval `-c`), when `queries` lists it.
    /// - Parameters:
    ///   - run: the results.
    ///   - qrels: the judgements.
    ///   - queries: the queries that were asked (nil: those of the run). Queries without judgements are skipped.
    public static func evaluate(run: TrecRun, qrels: Qrels, queries: [String]? = nil) -> RetrievalEvaluation {
        let asked = queries ?? Array(run.results.keys)
        var perQuery: [String: RetrievalScores] = [:]
        for query in Set(asked) {
            guard let judgements = qrels.judgements[query], !judgements.isEmpty else { continue }
            perQuery[query] = scores(run.results[query] ?? [], judgements: judgements)
        }
        return RetrievalEvaluation(perQuery: perQuery)
    }
}

/// A run's per-query measures and their means.
public struct RetrievalEvaluation: Sendable, Equatable {
    /// Query id → measures, for the evaluated queries (those with judgements).
    public var perQuery: [String: RetrievalScores]

    public init(perQuery: [String: RetrievalScores]) {
        self.perQuery = perQuery
    }

    /// Queries evaluated.
    public var count: Int { perQuery.count }

    /// Means over the evaluated queries (all 0 when there are none).
    public var mean: RetrievalScores {
        guard !perQuery.isEmpty else { return RetrievalScores() }
        let n = Double(perQuery.count)
        // Sum in a fixed order so that the mean does not depend on dictionary order.
        let all = perQuery.keys.sorted().map { perQuery[$0]! }
        return RetrievalScores(
            ndcgAt10: all.map(\.ndcgAt10).reduce(0, +) / n,
            recallAt10: all.map(\.recallAt10).reduce(0, +) / n,
            recallAt100: all.map(\.recallAt100).reduce(0, +) / n,
            mrrAt10: all.map(\.mrrAt10).reduce(0, +) / n)
    }
}

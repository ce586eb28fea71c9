import Foundation
import Testing
import Evaluation

/// Metric functions on hand-computed cases, with trec_eval's conventions.
struct RetrievalMetricsTests {
    static func run(_ ids: [String]) -> [ScoredDocument] {
        ids.enumerated().map { ScoredDocument(id: $1, score: Double(100 - $0)) }
    }

    @Test func binaryRelevance() {
        // Relevant: a, c, x (x never retrieved). Ranking a b c d.
        let judgements = ["a": 1, "c": 1, "x": 1, "b": 0]
        let ranking = Self.run(["a", "b", "c", "d"])
        let dcg = 1.0 + 1.0 / log2(4.0)
        let ideal = 1.0 + 1.0 / log2(3.0) + 1.0 / log2(4.0)
        #expect(abs(RetrievalMetrics.ndcg(ranking, judgements: judgements, cutoff: 10) - dcg / ideal) < 1e-12)
        #expect(RetrievalMetrics.recall(ranking, judgements: judgements, cutoff: 10) == 2.0 / 3.0)
        #expect(RetrievalMetrics.recall(ranking, judgements: judgements, cutoff: 2) == 1.0 / 3.0)
        #expect(RetrievalMetrics.reciprocalRank(ranking, judgements: judgements, cutoff: 10) == 1)
        #expect(RetrievalMetrics.reciprocalRank(Self.run(["b", "d", "c"]), judgements: judgements, cutoff: 10) == 1.0 / 3.0)
        #expect(RetrievalMetrics.reciprocalRank(Self.run(["b", "d", "c"]), judgements: judgements, cutoff: 2) == 0)
    }

    @Test func gradedRelevance() {
        // Grades: a 2, b 0, c 3, d 1. Ranking a b c d e. Gain is the grade; recall counts grade >= 1.
        let judgements = ["a": 2, "b": 0, "c": 3, "d": 1]
        let ranking = Self.run(["a", "b", "c", "d", "e"])
        let dcg = 2.0 / log2(2.0) + 3.0 / log2(4.0) + 1.0 / log2(5.0)
        let ideal = 3.0 / log2(2.0) + 2.0 / log2(3.0) + 1.0 / log2(4.0)
        #expect(abs(RetrievalMetrics.ndcg(ranking, judgements: judgements, cutoff: 10) - dcg / ideal) < 1e-12)
        // Cut at 2: DCG 2; ideal 3 + 2/log2(3).
        #expect(abs(RetrievalMetrics.ndcg(ranking, judgements: judgements, cutoff: 2) - 2.0 / (3.0 + 2.0 / log2(3.0))) < 1e-12)
        #expect(RetrievalMetrics.recall(ranking, judgements: judgements, cutoff: 10) == 1)
    }

    @Test func tiesFollowTrecEval() {
        // Equal scores: trec_eval puts the larger document id (by bytes) first, whatever the given order.
        let results = [ScoredDocument(id: "d1", score: 2), ScoredDocument(id: "d2", score: 1),
                       ScoredDocument(id: "d3", score: 1), ScoredDocument(id: "d10", score: 1)]
        #expect(TrecOrder.sorted(results).map(\.id) == ["d1", "d3", "d2", "d10"])
        // Scores equal as 32-bit floats tie too (trec_eval keeps `float sim`).
        let close = [ScoredDocument(id: "a", score: 1.0 + 1e-12), ScoredDocument(id: "b", score: 1.0)]
        #expect(TrecOrder.sorted(close).map(\.id) == ["b", "a"])
        let scores = RetrievalMetrics.scores(results, judgements: ["d2": 1])
        #expect(scores.mrrAt10 == 1.0 / 3.0)
    }

    @Test func queriesWithoutJudgementsAreSkipped() {
        let run = TrecRun(results: ["q1": Self.run(["a"]), "q2": Self.run(["b"]), "q3": []], tag: "t")
        let qrels = Qrels(["q1": ["a": 1], "q3": ["c": 1], "q4": ["d": 1]])
        // q2 has no judgements: skipped. q3 is asked but found nothing: 0. q4 was never asked: skipped.
        let evaluation = RetrievalMetrics.evaluate(run: run, qrels: qrels, queries: ["q1", "q2", "q3"])
        #expect(evaluation.count == 2)
        #expect(evaluation.mean.recallAt10 == 0.5)
        #expect(evaluation.mean.mrrAt10 == 0.5)
        // A query whose judgements are all 0 is evaluated and scores 0.
        let zero = RetrievalMetrics.evaluate(run: run, qrels: Qrels(["q1": ["a": 0]]))
        #expect(zero.count == 1 && zero.mean == RetrievalScores())
    }

    @Test func documentsKeepTheirBestChunk() {
        let chunks: [(document: String, score: Double)] = [("a", 0.9), ("b", 0.8), ("a", 0.7), ("c", 0.6)]
        let documents = TrecOrder.documents(fromChunks: chunks, depth: 2)
        #expect(documents == [ScoredDocument(id: "a", score: 0.9), ScoredDocument(id: "b", score: 0.8)])
    }
}

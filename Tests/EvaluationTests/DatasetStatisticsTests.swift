import Dataset
import RAGTestSupport
import Embeddings
import Foundation
import Testing
import TextAnalysis
import Evaluation

/// Dataset statistics on real questions (XQuAD, the SQuAD v1.1 dev subset) written as a generated dataset.
struct DatasetStatisticsTests {
    static let squad = SharedData.path("qa/xquad/xquad.en.json")

    /// The first `count` XQuAD questions as generated-dataset lines, plus an exact duplicate of the first.
    static func writeDataset(in dir: TemporaryDirectory, count: Int) throws -> String {
        let real = try DatasetRecord.loadReference(path: squad).prefix(count)
        var lines: [String] = []
        for (i, record) in (Array(real) + [real.first!]).enumerated() {
            let object: [String: Any] = [
                "id": "x\(i)", "question": record.question!, "answer": record.answer ?? "",
                "type": i % 3 == 0 ? "why" : "factoid", "source_chunk_ids": [i / 4 + 1],
                "spans": [["document": record.documents.first ?? "?", "chunk_id": i / 4 + 1]],
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            lines.append(String(decoding: data, as: UTF8.self))
        }
        try dir.write("data.jsonl", lines.joined(separator: "\n") + "\n")
        try dir.write("data.rejected.jsonl", """
            {"question": "q", "checks": [{"name": "format", "passed": true}, {"name": "grounding", "passed": false}]}
            {"question": "r", "checks": [{"name": "duplicate", "passed": false}]}
            {"question": "s", "checks": [{"name": "grounding", "passed": false}]}

            """)
        return dir.file("data.jsonl")
    }

    @Test func countsLengthsAndDiversity() throws {
        let dir = TemporaryDirectory()
        let path = try Self.writeDataset(in: dir, count: 40)
        let records = try DatasetRecord.load(path: path)
        let statistics = try DatasetStatistics(records: records, rejected: try DatasetRecord.loadRejected(besideDataset: path),
                                               embedder: HashingEmbedder(dimension: 256))
        #expect(statistics.samples == 41)
        #expect(statistics.byType == ["why": 14, "factoid": 27])
        #expect(statistics.byDocument.values.reduce(0, +) == 41)
        #expect(statistics.rejected == ["grounding": 2, "duplicate": 1])
        let questions = statistics.lengths["question"]!
        #expect(questions.count == 41 && questions.min >= 1 && Double(questions.min) <= questions.median)
        #expect(questions.median <= Double(questions.max))
        // Real questions are diverse: most words repeat somewhere, but most bigrams do not.
        #expect(statistics.distinct1 > 0.3 && statistics.distinct1 < statistics.distinct2 && statistics.distinct2 <= 1)
        // The duplicated question and its original are the near-duplicates at least.
        let rate = try #require(statistics.nearDuplicateRate)
        #expect(rate >= 2.0 / 41.0 && rate < 0.5)
    }

    @Test func referenceDistances() throws {
        let dir = TemporaryDirectory()
        let path = try Self.writeDataset(in: dir, count: 60)
        let records = try DatasetRecord.load(path: path)
        let reference = try DatasetRecord.loadReference(path: Self.squad)
        #expect(reference.count == 1_190)
        let embedder = HashingEmbedder(dimension: 256)
        let against = try DatasetStatistics(records: records, reference: reference, embedder: embedder).reference!
        // A sample of the reference is close to it, but not identical.
        #expect(against.tokenJSD > 0 && against.tokenJSD < 0.5)
        #expect(against.lengthJSD >= 0 && against.lengthJSD < 0.3)
        // Real questions of another domain (Cranfield's aeronautics queries) are further away on every measure.
        let cranfield = try QuerySet.load(path: SharedData.path("retrieval/cranfield/queries.jsonl")).queries
            .enumerated().map { DatasetRecord(line: $0 + 1, id: $1.id, question: $1.text) }
        let other = try DatasetStatistics(records: cranfield, reference: reference, embedder: embedder).reference!
        #expect(against.tokenJSD < other.tokenJSD)
        #expect(against.lengthJSD < other.lengthJSD)
        // (The mean-embedding distance is not compared: with the hashing embedder the mean vectors mostly reflect
        // frequent words, and the XQuAD sample comes from two articles; with MiniLM it is 0.51 against 0.95.)
        #expect(try #require(against.meanEmbeddingDistance) > 0)
        #expect(try #require(against.knnPrecision) > (try #require(other.knnPrecision)))
        // Itself: every divergence is 0.
        let itself = try DatasetStatistics(records: reference, reference: reference, embedder: embedder).reference!
        #expect(itself.tokenJSD < 1e-12 && itself.lengthJSD < 1e-12)
        #expect(abs(itself.meanEmbeddingDistance!) < 1e-5)
        #expect(itself.knnPrecision == 1 && itself.knnRecall == 1)
    }

    @Test func jensenShannonAndDistinctByHand() {
        #expect(TextDistribution.jensenShannon(["a": 1.0], ["b": 1.0]) == 1)
        // p = (1/2, 1/2), q = (1, 0): m = (3/4, 1/4); JSD = 1/2 [1/2 log2(2/3) + 1/2 log2(2)] + 1/2 log2(4/3).
        let expected = 0.5 * (0.5 * log2(0.5 / 0.75) + 0.5 * log2(0.5 / 0.25)) + 0.5 * log2(1 / 0.75)
        #expect(abs(TextDistribution.jensenShannon(["a": 0.5, "b": 0.5], ["a": 1.0]) - expected) < 1e-12)
        let texts = [["a", "b", "a"], ["a", "b"]]
        #expect(DistinctNGrams.ratio(texts, n: 1) == 2.0 / 5.0)
        #expect(DistinctNGrams.ratio(texts, n: 2) == 2.0 / 3.0)
        #expect(WordTokenizer.keys(in: "Don't stop: pg_dump's 2 files!") == ["do", "not", "stop", "pg", "dump", "2", "files"])
        #expect(LengthSummary([3, 1, 2, 10]).median == 2.5)
    }
}

/// Kendall's tau-b against values computed by hand (and by scipy.stats.kendalltau).
struct RankCorrelationTests {
    @Test func kendallTau() {
        #expect(RankCorrelation.kendallTau([1, 2, 3, 4], [10, 20, 30, 40]) == 1)
        #expect(RankCorrelation.kendallTau([1, 2, 3, 4], [4, 3, 2, 1]) == -1)
        // One discordant pair of six: (5 - 1) / 6.
        #expect(abs(RankCorrelation.kendallTau([1, 2, 3, 4], [1, 2, 4, 3]) - 4.0 / 6.0) < 1e-12)
        // Ties (tau-b): x = [1, 1, 2], y = [1, 2, 3]: C = 2, D = 0, tiedX = 1 → 2 / sqrt(3 · 2).
        #expect(abs(RankCorrelation.kendallTau([1, 1, 2], [1, 2, 3]) - 2.0 / 6.0.squareRoot()) < 1e-12)
        #expect(RankCorrelation.kendallTau([1, 1], [2, 3]) == 0)
    }
}

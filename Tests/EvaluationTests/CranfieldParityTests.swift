import RAGTestSupport
import Embeddings
import Foundation
import Ingest
import Retrieval
import Store
import Testing
import Evaluation

/// Our measures against pytrec_eval's (trec_eval's code) on the very same run files, on Cranfield: the run is
/// made by ingesting the corpus with the hashing embedder (fast) and searching in every mode; the Python
/// check script (`Benchmarks/retrieval/trec_check.py`, needs `pip install pytrec_eval-terrier`) scores it.
@Suite(.serialized) struct CranfieldParityTests {
    static let folder = SharedData.path("retrieval/cranfield")

    @Test func measuresEqualPytrecEval() async throws {
        let dir = TemporaryDirectory()
        let corpus = Self.folder + "/corpus.jsonl"
        let qrelsPath = Self.folder + "/qrels/test.tsv"
        let store = try CorpusStore(path: dir.file("cranfield.db"))
        let embedder = HashingEmbedder(dimension: 256)
        let summary = try RetrievalBenchmark.ingest(corpus: corpus, into: store, embedder: embedder)
        #expect(summary.documents == 1_398)  // 1,400 records, two of them without any text
        let queries = try QuerySet.load(path: Self.folder + "/queries.jsonl")
        let qrels = try Qrels.load(path: qrelsPath)
        let benchmark = RetrievalBenchmark(retriever: try Retriever(store: store, embedder: embedder),
                                           documentID: RetrievalBenchmark.corpusDocumentID(corpusPath: corpus))
        for mode in SearchMode.allCases {
            let run = try benchmark.run(queries, mode: mode)
            #expect(run.results.count == queries.queries.count)
            #expect(run.results.values.allSatisfy { $0.count <= 100 })
            let runPath = dir.file("run.\(mode.rawValue).trec")
            try run.write(to: runPath)
            let ours = RetrievalMetrics.evaluate(run: try TrecRun.load(path: runPath), qrels: qrels,
                                                 queries: queries.queries.map(\.id))
            let script = SharedData.packageRoot + "/Benchmarks/retrieval/trec_check.py"
            let output = try await runProcess(["python3", script, runPath, qrelsPath,
                                         "--queries", Self.folder + "/queries.jsonl"])
            let oracle = try JSONDecoder().decode(Oracle.self, from: Data(output.utf8))
            #expect(oracle.queries == ours.count, "\(mode)")
            let mean = ours.mean
            #expect(abs(mean.ndcgAt10 - oracle.ndcg_at_10) < 1e-6, "\(mode) nDCG@10")
            #expect(abs(mean.recallAt10 - oracle.recall_at_10) < 1e-6, "\(mode) recall@10")
            #expect(abs(mean.recallAt100 - oracle.recall_at_100) < 1e-6, "\(mode) recall@100")
            #expect(abs(mean.mrrAt10 - oracle.mrr_at_10) < 1e-6, "\(mode) MRR@10")
            var disagreements: [String] = []
            for (query, theirs) in oracle.per_query {
                guard let mine = ours.perQuery[query] else { disagreements.append(query); continue }
                if abs(mine.ndcgAt10 - theirs.ndcg_at_10) > 1e-6 || abs(mine.recallAt10 - theirs.recall_at_10) > 1e-6
                    || abs(mine.recallAt100 - theirs.recall_at_100) > 1e-6 || abs(mine.mrrAt10 - theirs.mrr_at_10) > 1e-6 {
                    disagreements.append(query)
                }
            }
            #expect(disagreements.isEmpty, "\(mode): queries that differ: \(disagreements.sorted().prefix(10))")
            if mode == .lexical {
                // The BM25 floor of ../shared/data/README.md.
                #expect(mean.recallAt10 >= 0.38, "lexical recall@10 \(mean.recallAt10)")
            }
        }
    }

    /// What trec_check.py prints.
    struct Oracle: Decodable {
        struct Scores: Decodable {
            var ndcg_at_10, recall_at_10, recall_at_100, mrr_at_10: Double
        }
        var queries: Int
        var ndcg_at_10, recall_at_10, recall_at_100, mrr_at_10: Double
        var per_query: [String: Scores]
    }
}

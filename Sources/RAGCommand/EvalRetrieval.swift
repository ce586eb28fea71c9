import ArgumentParser
import Dataset
import Embeddings
import Evaluation
import Foundation
import Retrieval
import Store

extension Rag.Eval {
    /// `rag eval retrieval`: nDCG@10, recall@10, recall@100 and MRR@10 per search mode on judged queries.
    struct Retrieval: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure retrieval quality (nDCG@10, recall@10/100, MRR@10) per search mode.",
            discussion: """
                BEIR data: --corpus corpus.jsonl --queries queries.jsonl --qrels qrels.tsv ingests the corpus into \
                --db (default: a cache file in the temporary directory, per corpus and embedder; an unchanged \
                corpus is not ingested again), runs every query in each mode and scores the document rankings \
                with trec_eval's definitions (a document ranks by its best chunk). Generated data: --dataset \
                FILE.jsonl --db FILE uses each question as a query and its source chunk (the first of \
                "source_chunk_ids") as the one relevant document (--relevance document: the document of its \
                first span). --run-file FILE writes a TREC run file \
                (qid Q0 docid rank score tag), FILE.MODE.EXT for several modes, which \
                Benchmarks/retrieval/trec_check.py scores with pytrec_eval. With --json, prints \
                {"modes": {"dense": {"ndcg_at_10", "recall_at_10", "recall_at_100", "mrr_at_10"}, ...}, ...}.
                """
        )

        @Option(help: "BEIR corpus.jsonl (_id, title, text).") var corpus: String?
        @Option(help: "BEIR queries.jsonl (_id, text).") var queries: String?
        @Option(help: "Judgements: BEIR qrels TSV or TREC qrels.") var qrels: String?
        @Option(help: "A generated dataset (JSONL with question and source_chunk_ids) to use as queries.")
        var dataset: String?
        @Option(help: "The database (with --dataset: the one the dataset was generated from).") var db: String?
        @Option(help: "With --dataset: the relevant item is the source chunk, or its document (any database built from the same files).")
        var relevance: DatasetQueries.Level = .chunk
        @Option(help: "Comma-separated search modes.") var modes = "dense,lexical,hybrid"
        @Option(help: "Documents retrieved per query.") var depth = 100
        @Option(help: "Write the TREC run file(s) here.") var runFile: String?
        @Option(help: "Write a self-contained HTML report here.") var report: String?
        @Flag(help: "Show each query's scores.") var perQuery = false
        @Option(help: "Encoder threads (default: all cores).") var threads: Int?
        @OptionGroup var embedding: EmbedderOptions
        @Flag(help: "Print one JSON object.") var json = false

        var searchModes: [SearchMode] {
            modes.split(separator: ",").compactMap { SearchMode(rawValue: $0.trimmingCharacters(in: .whitespaces)) }
        }

        func validate() throws {
            let beir = [corpus, queries, qrels].compactMap { $0 }.count
            if dataset != nil {
                guard beir == 0 else { throw ValidationError("give --dataset or --corpus/--queries/--qrels, not both") }
                guard db != nil else { throw ValidationError("--dataset needs --db, the database it was generated from") }
            } else if beir != 3 {
                throw ValidationError("give --corpus, --queries and --qrels together (or --dataset with --db)")
            }
            let names = modes.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard !names.isEmpty, names.count == searchModes.count else {
                throw ValidationError("--modes takes a comma-separated list of dense, lexical, hybrid")
            }
            guard depth >= 100 else { throw ValidationError("--depth must be at least 100 (recall@100)") }
        }

        func run() async throws {
            let embedder = try embedding.makeEmbedder(threads: threads)
            let task: (queries: QuerySet, qrels: Qrels)
            let database: String
            let documentID: @Sendable (StoredChunk) -> String?
            if let dataset, let db {
                task = DatasetQueries.make(from: try DatasetRecord.load(path: dataset), level: relevance)
                guard !task.queries.queries.isEmpty else {
                    throw ValidationError("\(dataset): no record has both a question and source_chunk_ids")
                }
                database = db
                switch relevance {
                case .chunk: documentID = { chunk in String(chunk.id) }
                case .document: documentID = { chunk in chunk.documentPath }
                }
                _ = try CorpusStore(path: db, create: false)
            } else {
                let corpus = corpus!
                task = (try QuerySet.load(path: queries!), try Qrels.load(path: qrels!))
                database = db ?? RetrievalBenchmark.cachePath(corpus: corpus, embedder: embedder.name)
                let store = try CorpusStore(path: database)
                let line = ProgressLine("ingest", total: nil)
                let summary = try RetrievalBenchmark.ingest(corpus: corpus, into: store, embedder: embedder) { _, _, chunks in
                    line.update(chunks)
                }
                if summary.chunks > 0 { line.finish(summary.chunks) }
                if let first = summary.badLines.first {
                    Output.log("warning: \(summary.badLines.count) bad lines in \(corpus) left out "
                               + "(first: line \(first.line ?? 0): \(first.reason))")
                }
                documentID = RetrievalBenchmark.corpusDocumentID(corpusPath: corpus)
            }
            let store = try CorpusStore(path: database, create: false)
            let needsVectors = searchModes.contains { $0 != .lexical }
            let retriever = try Retriever(store: store, embedder: needsVectors ? embedder : nil)
            let benchmark = RetrievalBenchmark(retriever: retriever, depth: depth, documentID: documentID)

            var means: [String: RetrievalScores] = [:]
            var seconds: [String: Double] = [:]
            var perQueryScores: [String: [String: RetrievalScores]] = [:]
            var runFiles: [String: String] = [:]
            var evaluatedQueries = 0
            for mode in searchModes {
                let progress = ProgressLine("\(mode.rawValue) queries", total: task.queries.queries.count)
                let start = Date()
                let run = try benchmark.run(task.queries, mode: mode) { progress.update($0) }
                seconds[mode.rawValue] = Date().timeIntervalSince(start)
                progress.finish(task.queries.queries.count)
                let evaluation = RetrievalMetrics.evaluate(run: run, qrels: task.qrels,
                                                           queries: task.queries.queries.map(\.id))
                means[mode.rawValue] = evaluation.mean
                evaluatedQueries = evaluation.count
                if perQuery { perQueryScores[mode.rawValue] = evaluation.perQuery }
                if let runFile {
                    let path = searchModes.count == 1 ? runFile : RetrievalBenchmark.path(runFile, inserting: mode.rawValue)
                    try run.write(to: path)
                    runFiles[mode.rawValue] = path
                }
            }
            let result = RetrievalReport(
                modes: means, queries: evaluatedQueries, seconds: seconds, perQuery: perQuery ? perQueryScores : nil,
                runFiles: runFile == nil ? nil : runFiles, embedder: embedder.name, database: database)
            if let report {
                try HTMLReport.retrieval(result, title: "Retrieval: \(corpus ?? dataset ?? database)").write(to: report)
            }
            if json {
                try Output.printJSON(result)
            } else {
                print(result.text)
            }
        }
    }
}

extension DatasetQueries.Level: ExpressibleByArgument {}

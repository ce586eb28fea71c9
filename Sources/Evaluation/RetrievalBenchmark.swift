import Embeddings
import Foundation
import Ingest
import Retrieval
import Store

/// Runs queries through a ``Retriever`` and turns the chunk rankings into document rankings (a ``TrecRun``).
///
/// A document's score is its best chunk's; chunks are fetched until `depth` distinct documents are found (or
/// the corpus runs out), starting at twice `depth` and doubling.
public struct RetrievalBenchmark: Sendable {
    public let retriever: Retriever
    /// Documents kept per query (recall@100 needs 100).
    public var depth: Int
    /// The document id a chunk counts as (nil: the chunk is ignored).
    public var documentID: @Sendable (StoredChunk) -> String?

    public init(retriever: Retriever, depth: Int = 100, documentID: @escaping @Sendable (StoredChunk) -> String?) {
        self.retriever = retriever
        self.depth = depth
        self.documentID = documentID
    }

    /// The run of `queries` in `mode`, tagged with the mode's name.
    /// - Parameter progress: called with the number of queries done.
    /// - Throws: ``RetrievalError``, ``StoreError`` or the embedder's errors (a query without any word gets
    ///   an empty result list instead).
    public func run(_ queries: QuerySet, mode: SearchMode, progress: (Int) -> Void = { _ in }) throws -> TrecRun {
        var run = TrecRun(tag: "rag-" + mode.rawValue)
        for (index, query) in queries.queries.enumerated() {
            run.results[query.id] = try documents(for: query.text, mode: mode)
            progress(index + 1)
        }
        return run
    }

    /// The best `depth` documents for one query.
    public func documents(for text: String, mode: SearchMode) throws -> [ScoredDocument] {
        var k = 2 * depth
        while true {
            let chunks: [RetrievedChunk]
            do {
                chunks = try retriever.search(text, options: SearchOptions(k: k, mode: mode))
            } catch RetrievalError.emptyQuery {
                return []
            }
            let mapped = chunks.compactMap { chunk in documentID(chunk.chunk).map { (document: $0, score: chunk.score) } }
            let documents = TrecOrder.documents(fromChunks: mapped, depth: depth)
            if documents.count >= depth || chunks.count < k || k >= 16 * depth { return documents }
            k *= 2
        }
    }

    /// Document ids for a BEIR corpus ingested from `corpusPath`: ingest names a record's document
    /// `ABSOLUTE-PATH#ID`, so the id is what follows that prefix.
    public static func corpusDocumentID(corpusPath: String) -> @Sendable (StoredChunk) -> String? {
        let prefix = FileWalker.absolute(corpusPath) + "#"
        return { chunk in
            chunk.documentPath.hasPrefix(prefix) ? String(chunk.documentPath.dropFirst(prefix.count)) : nil
        }
    }

    /// Ingests a BEIR `corpus.jsonl` (`_id`, `title`, `text`) into `store`; an unchanged corpus already in the
    /// database is recognised by its hash and not read again.
    /// - Throws: ``IngestError``, ``StoreError`` (for example a database built with another embedder).
    public static func ingest(corpus corpusPath: String, into store: CorpusStore, embedder: any Embedder,
                              progress: IngestPipeline.Progress? = nil) throws -> IngestSummary {
        var options = IngestOptions()
        options.arguments = "eval retrieval --corpus \(corpusPath)"
        let summary = try IngestPipeline(store: store, embedder: embedder, options: options)
            .run(paths: [corpusPath], progress: progress)
        if let failure = summary.failures.first {
            throw EvaluationError.cannotRead(path: failure.path, reason: failure.reason)
        }
        return summary
    }
}

import Embeddings
import Foundation
import Retrieval
import Store

/// Ingests files into a corpus database: find, extract, chunk, embed, write, index.
///
/// Three stages overlap on their own threads, joined by bounded queues (back pressure keeps memory flat):
/// 1. the reader reads, hashes, extracts and chunks files ahead (unchanged files stop at the hash);
/// 2. the embedder gathers chunks from several files into batches and embeds them (the native encoder
///    spreads a batch over all cores);
/// 3. the writer (the calling thread) commits finished files, several to a transaction, each file's old
///    documents replaced by its new ones, then mirrors the change in the HNSW index.
///
/// Crash safety: a file's documents, chunks, vectors and full-text rows are committed together or not at
/// all, and a file's hash is only recorded with them; the index file is derived and repaired from SQLite on
/// open. Killing a run at any moment and running it again ends with the same database as one clean run.
public struct IngestPipeline: Sendable {
    public let store: CorpusStore
    public let embedder: any Embedder
    public let options: IngestOptions

    public init(store: CorpusStore, embedder: any Embedder, options: IngestOptions) {
        self.store = store
        self.embedder = embedder
        self.options = options
    }

    /// Progress: files handled so far, files in total, chunks written so far.
    public typealias Progress = @Sendable (_ filesDone: Int, _ filesTotal: Int, _ chunks: Int) -> Void

    /// Ingests the files under `paths`.
    /// - Throws: ``IngestError/pathNotFound(path:)`` for a path that does not exist (before anything is
    ///   written); ``StoreError`` (for example an embedder mismatch) and embedder errors end the run.
    public func run(paths: [String], progress: Progress? = nil) throws -> IngestSummary {
        let start = Date()
        let databaseFiles = ["", "-wal", "-shm", "-journal"].map { store.path + $0 }
            + [CorpusStore.indexPath(forDatabase: store.path)]
        let walk = try FileWalker(includes: options.includes, excludes: options.excludes,
                                  ownFiles: options.ownFiles.union(databaseFiles)).walk(under: paths)
        let files = walk.files
        let info = EmbedderInfo(name: embedder.name, dimension: embedder.dimension, isNormalized: embedder.isNormalized)
        try store.bind(embedder: info)
        let chunker = try Chunker(tokenizer: embedder.tokenizer,
                                  tokenBudget: options.tokenBudget ?? max(8, embedder.maxTokens - 2),
                                  overlapTokens: options.overlapTokens)
        let fingerprints = try store.sourceFingerprints()
        let indexStart = Date()
        let index = try ChunkIndex.open(for: store, dimension: embedder.dimension)
        var summary = IngestSummary()
        summary.files = files.count
        summary.skipped = walk.skipped.count
        summary.skips = walk.skipped
        summary.indexRepair = index.repair.description + (index.saveFailure.map { "; not saved: \($0)" } ?? "")
        summary.indexSeconds = Date().timeIntervalSince(indexStart)
        let runID = try store.beginRun(arguments: options.arguments)

        let extracted = BoundedQueue<WorkItem>(capacity: 64)
        let embedded = BoundedQueue<WorkItem>(capacity: 64)
        let reader = Reader(files: files, fingerprints: fingerprints, chunker: chunker, options: options)
        let embedStage = EmbedStage(embedder: embedder, batchSize: options.batchSize)
        let readerDone = DispatchSemaphore(value: 0)
        let embedderDone = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            reader.run(into: extracted)
            readerDone.signal()
        }
        Thread.detachNewThread {
            embedStage.run(from: extracted, into: embedded)
            embedderDone.signal()
        }
        var writer = Writer(store: store, index: index, fingerprints: fingerprints, options: options,
                            total: files.count, progress: progress)
        do {
            try writer.run(from: embedded, summary: &summary)
        } catch {
            extracted.close()
            embedded.close()
            readerDone.wait()
            embedderDone.wait()
            try? store.finishRun(runID, status: "failed", summary: summary.run)
            throw error
        }
        readerDone.wait()
        embedderDone.wait()
        if let error = embedStage.error {
            try? store.finishRun(runID, status: "failed", summary: summary.run)
            throw error
        }
        if options.prune { try writer.prune(summary: &summary) }
        try writer.saveIndex(summary: &summary)
        summary.extractSeconds = reader.seconds
        summary.embedSeconds = embedStage.seconds
        summary.seconds = Date().timeIntervalSince(start)
        try store.finishRun(runID, status: "finished", summary: summary.run)
        return summary
    }
}

extension IngestSummary {
    /// The journal's view of the summary.
    var run: RunSummary {
        RunSummary(documents: documents, chunks: chunks, unchanged: unchanged, skipped: skipped, failed: failed,
                   removed: removed, seconds: seconds)
    }
}

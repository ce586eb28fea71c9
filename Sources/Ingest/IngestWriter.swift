import Foundation
import Retrieval
import Store

/// Stage 3: commits finished files to the store and mirrors each commit in the HNSW index.
struct Writer {
    let store: CorpusStore
    let index: ChunkIndex
    let fingerprints: [String: SourceFingerprint]
    let options: IngestOptions
    let total: Int
    let progress: IngestPipeline.Progress?
    private var done = 0
    private var lastSave = Date()

    init(store: CorpusStore, index: ChunkIndex, fingerprints: [String: SourceFingerprint], options: IngestOptions,
         total: Int, progress: IngestPipeline.Progress?) {
        self.store = store
        self.index = index
        self.fingerprints = fingerprints
        self.options = options
        self.total = total
        self.progress = progress
    }

    /// Writes everything the embedder hands over, several files to a transaction when they wait together.
    mutating func run(from input: BoundedQueue<WorkItem>, summary: inout IngestSummary) throws {
        while let first = input.pop() {
            var items = [first]
            var chunks = EmbedStage.chunkCount(first)
            while items.count < 64 && chunks < 4_096, let more = input.tryPop() {
                items.append(more)
                chunks += EmbedStage.chunkCount(more)
            }
            try write(items, summary: &summary)
            done += items.count
            progress?(done, total, summary.chunks)
            if Date().timeIntervalSince(lastSave) >= options.indexSaveInterval {
                try saveIndex(summary: &summary)
            }
        }
    }

    private mutating func write(_ items: [WorkItem], summary: inout IngestSummary) throws {
        var updates: [SourceUpdate] = []
        var vectors: [Float] = []
        var vanished: [String] = []
        for item in items {
            switch item {
            case .unchanged:
                summary.unchanged += 1
            case let .problem(error):
                let problem = FileProblem(path: error.path ?? "", reason: error.reason)
                if error.isSkip {
                    summary.skipped += 1
                    summary.skips.append(problem)
                    // A file that used to have text and has none now: its old documents go.
                    if let path = error.path, fingerprints[path] != nil { vanished.append(path) }
                } else {
                    summary.failed += 1
                    summary.failures.append(problem)
                }
            case let .source(source):
                var documents: [DocumentInput] = []
                for document in source.documents {
                    let chunks = zip(document.chunks, document.vectors).map { chunk, vector in
                        ChunkInput(ordinal: chunk.ordinal, text: chunk.text, characterRange: chunk.range,
                                   tokenCount: chunk.tokenCount, headingPath: chunk.headingPath, page: chunk.page,
                                   vector: vector)
                    }
                    for chunk in chunks { vectors += chunk.vector }
                    summary.tokens += document.chunks.reduce(0) { $0 + $1.tokenCount }
                    let extracted = document.extracted
                    documents.append(DocumentInput(
                        path: document.path, format: extracted.format.rawValue, title: extracted.title,
                        metadata: extracted.metadata, textLength: extracted.length, chunks: chunks))
                }
                summary.documents += documents.count
                summary.badLines += source.badLines
                if let encoding = source.encoding, encoding.isNoteworthy {
                    summary.decodingNotes.append(DecodingNote(path: source.source, encoding: encoding))
                    summary.replacedCharacters += encoding.replacements
                }
                summary.chunks += documents.reduce(0) { $0 + $1.chunks.count }
                summary.bytes += source.bytes
                updates.append(SourceUpdate(source: source.source, fingerprint: source.fingerprint, documents: documents))
            }
        }
        guard !updates.isEmpty || !vanished.isEmpty else { return }
        let start = Date()
        var replacement = try store.replace(updates)
        if !vanished.isEmpty {
            replacement.removedChunkIDs += try store.removeSources(vanished)
            summary.removed += vanished.count
        }
        let written = Date()
        summary.writeSeconds += written.timeIntervalSince(start)
        try index.apply(removed: replacement.removedChunkIDs, addedIDs: replacement.addedChunkIDs, vectors: vectors,
                        threads: options.indexThreads)
        summary.indexSeconds += Date().timeIntervalSince(written)
    }

    /// Removes the documents of source files that no longer exist.
    mutating func prune(summary: inout IngestSummary) throws {
        let gone = try store.sources().filter { !FileManager.default.fileExists(atPath: $0) }
        guard !gone.isEmpty else { return }
        let start = Date()
        let removed = try store.removeSources(gone)
        summary.writeSeconds += Date().timeIntervalSince(start)
        try index.apply(removed: removed, addedIDs: [], vectors: [])
        summary.removed += gone.count
    }

    /// Saves the index file.
    mutating func saveIndex(summary: inout IngestSummary) throws {
        let start = Date()
        try index.save()
        summary.indexVectors = index.index.count
        summary.indexSeconds += Date().timeIntervalSince(start)
        lastSave = Date()
    }
}

import ArgumentParser
import Embeddings
import Foundation
import Ingest
import Store

extension Rag {
    /// `rag ingest PATH... --db FILE`: extracts, chunks, embeds and indexes files into a corpus database.
    struct Ingest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ingest files into a corpus database (SQLite + FTS5 + HNSW).",
            discussion: """
                Reads text, Markdown, HTML, JSONL and PDF files (directories are walked), splits them into \
                chunks at headings, paragraphs and sentences within the embedder's token budget, embeds them \
                and stores everything in FILE, with the HNSW index beside it (FILE without extension + .hnsw). \
                Unchanged files (same content hash) are skipped; changed files replace their old chunks. \
                With --json, prints {"documents", "chunks", "skipped", "failed", "seconds", ...}.
                """
        )

        @Argument(help: "Files or directories to ingest.") var paths: [String]
        @Option(help: "The database file (created when missing).") var db: String
        @Option(name: .customLong("include"), help: "Only files matching this glob (repeatable), e.g. '*.html'.")
        var includes: [String] = []
        @Option(name: .customLong("exclude"), help: "Leave out files matching this glob (repeatable).")
        var excludes: [String] = []
        @Flag(help: "Remove documents whose files no longer exist.") var prune = false
        @Option(help: "Most tokens in a chunk (default: the embedder's maximum minus 2).") var chunkTokens: Int?
        @Option(help: "Tokens repeated from the previous chunk of the same section.") var overlap = 0
        @Option(help: "Chunks per embedding batch.") var batchSize = 64
        @Option(help: "JSONL: the field holding the text.") var textField = "text"
        @Option(help: "JSONL: the field holding the record id (default _id, then id).") var idField: String?
        @Flag(help: "JSONL: a bad line fails its whole file (default: good lines ingested, bad ones reported).")
        var strict = false
        @Option(help: "Skip files larger than this many megabytes.") var maxFileMb = 1_000.0
        @Option(help: "Seconds one file's extraction may take before it fails.") var fileTimeout = 300.0
        @Option(help: "Encoder threads (default: all cores).") var threads: Int?
        @OptionGroup var embedding: EmbedderOptions
        @Flag(help: "Print one JSON object.") var json = false

        func validate() throws {
            if batchSize <= 0 { throw ValidationError("--batch-size must be positive") }
            if let chunkTokens, chunkTokens < 8 { throw ValidationError("--chunk-tokens must be at least 8") }
            if overlap < 0 { throw ValidationError("--overlap must not be negative") }
            if maxFileMb <= 0 { throw ValidationError("--max-file-mb must be positive") }
            if fileTimeout <= 0 { throw ValidationError("--file-timeout must be positive") }
        }

        func run() async throws {
            for path in paths where !FileManager.default.fileExists(atPath: path) {
                throw IngestError.pathNotFound(path: path)
            }
            let embedder = try embedding.makeEmbedder(threads: threads)
            let store = try CorpusStore(path: db)
            var options = IngestOptions()
            options.includes = includes
            options.excludes = excludes
            options.prune = prune
            options.tokenBudget = chunkTokens
            options.overlapTokens = overlap
            options.batchSize = batchSize
            options.textField = textField
            options.idField = idField
            options.strictRecords = strict
            options.maxFileBytes = Int(maxFileMb * 1e6)
            options.fileTimeout = fileTimeout
            options.arguments = CommandLine.arguments.dropFirst().joined(separator: " ")
            let progressLine = ProgressBridge()
            let summary = try IngestPipeline(store: store, embedder: embedder, options: options)
                .run(paths: paths) { done, total, chunks in progressLine.update(done, total, chunks) }
            progressLine.finish()
            let statistics = try store.statistics()
            if json {
                try Output.printJSON(IngestReport(summary: summary, statistics: statistics, database: db), snakeCaseKeys: true)
            } else {
                print(Self.text(summary, statistics: statistics))
            }
        }

        static func text(_ s: IngestSummary, statistics: StoreStatistics) -> String {
            var lines = [
                String(format: "%d files: %d documents and %d chunks (%d tokens) written in %.1f s; "
                       + "%d unchanged, %d skipped, %d failed, %d removed",
                       s.files, s.documents, s.chunks, s.tokens, s.seconds, s.unchanged, s.skipped, s.failed, s.removed),
            ]
            if s.chunks > 0 {
                lines.append(String(format: "embedding %.1f s (%.0f%% of wall time); %.2f documents/s, %.3f MB/s, %.1f chunks/s",
                                    s.embedSeconds, 100 * s.embedSeconds / max(s.seconds, 1e-9),
                                    Double(s.documents) / max(s.seconds, 1e-9),
                                    Double(s.bytes) / 1e6 / max(s.seconds, 1e-9), Double(s.chunks) / max(s.seconds, 1e-9)))
            }
            lines.append("database: \(statistics.documents) documents, \(statistics.chunks) chunks; "
                         + "index: \(s.indexVectors) vectors (on open: \(s.indexRepair))")
            for failure in s.failures.prefix(20) { lines.append("failed: \(failure.path): \(failure.reason)") }
            if s.failures.count > 20 { lines.append("... and \(s.failures.count - 20) more failures (see --json)") }
            if !s.badLines.isEmpty {
                let files = Set(s.badLines.map(\.path)).count
                lines.append("\(s.badLines.count) bad JSONL lines left out in \(files) file(s) (good lines ingested):")
                for bad in s.badLines.prefix(10) { lines.append("  \(bad.path):\(bad.line ?? 0): \(bad.reason)") }
                if s.badLines.count > 10 { lines.append("  ... and \(s.badLines.count - 10) more (see --json)") }
            }
            if !s.decodingNotes.isEmpty {
                let byEncoding = Dictionary(grouping: s.decodingNotes, by: { "\($0.encoding.encoding) (\($0.encoding.source.rawValue))" })
                let encodings = byEncoding.sorted(by: { $0.key < $1.key }).map { "\($0.value.count) \($0.key)" }
                lines.append("decoded: \(encodings.joined(separator: ", ")); \(s.replacedCharacters) characters "
                             + "replaced by U+FFFD")
            }
            let reasons = Dictionary(grouping: s.skips, by: \.reason).mapValues(\.count)
            for (reason, count) in reasons.sorted(by: { $0.key < $1.key }) { lines.append("skipped \(count): \(reason)") }
            return lines.joined(separator: "\n")
        }
    }
}

/// Forwards pipeline progress (from the writer thread) to a progress line, created once the total is known.
private final class ProgressBridge: @unchecked Sendable {
    private let lock = NSLock()
    private var line: ProgressLine?
    private var done = 0

    func update(_ done: Int, _ total: Int, _ chunks: Int) {
        let line = lock.withLock {
            if self.line == nil { self.line = ProgressLine("ingest files", total: total) }
            self.done = done
            return self.line
        }
        line?.update(done)
    }

    func finish() {
        let (line, done) = lock.withLock { (self.line, self.done) }
        line?.finish(done)
    }
}

/// `rag ingest --json`: the summary plus rates and the database's totals.
struct IngestReport: Encodable {
    var documents, chunks, skipped, failed, unchanged, removed, files, bytes, tokens: Int
    var seconds, embedSeconds, extractSeconds, writeSeconds, indexSeconds, embedShare: Double
    var documentsPerSecond, mbPerSecond, chunksPerSecond: Double
    var indexRepair: String
    var database: String
    var totalDocuments, totalChunks: Int
    var failures, skips, badLines: [FileProblem]
    var decodingNotes: [DecodingNote]
    var replacedCharacters, indexVectors: Int

    init(summary s: IngestSummary, statistics: StoreStatistics, database: String) {
        let wall = max(s.seconds, 1e-9)
        documents = s.documents; chunks = s.chunks; skipped = s.skipped; failed = s.failed
        unchanged = s.unchanged; removed = s.removed; files = s.files; bytes = s.bytes; tokens = s.tokens
        seconds = s.seconds; embedSeconds = s.embedSeconds; extractSeconds = s.extractSeconds
        writeSeconds = s.writeSeconds; indexSeconds = s.indexSeconds; embedShare = s.embedSeconds / wall
        documentsPerSecond = Double(s.documents) / wall
        mbPerSecond = Double(s.bytes) / 1e6 / wall
        chunksPerSecond = Double(s.chunks) / wall
        indexRepair = s.indexRepair
        self.database = database
        totalDocuments = statistics.documents
        totalChunks = statistics.chunks
        failures = s.failures
        skips = s.skips
        badLines = s.badLines
        decodingNotes = s.decodingNotes
        replacedCharacters = s.replacedCharacters
        indexVectors = s.indexVectors
    }
}

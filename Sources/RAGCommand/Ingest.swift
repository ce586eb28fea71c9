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
                print(summary.text(statistics: statistics))
            }
        }
    }
}

/// How `IngestPipeline` runs.
public struct IngestOptions: Sendable {
    /// File globs to take (see ``FileWalker``); empty: every file of a supported format.
    public var includes: [String] = []
    /// File globs to leave out.
    public var excludes: [String] = []
    /// Remove documents whose source files no longer exist.
    public var prune = false
    /// Most tokens in a chunk without special tokens; nil: the embedder's `maxTokens - 2`.
    public var tokenBudget: Int?
    /// Tokens repeated from the previous chunk of the same section.
    public var overlapTokens = 0
    /// Chunks per embedding call.
    public var batchSize = 64
    /// JSONL: the field holding the text.
    public var textField = "text"
    /// JSONL: the field holding the record id (default `_id`, then `id`).
    public var idField: String?
    /// JSONL: a bad line fails its whole file (default: the good lines are ingested, the bad ones reported).
    public var strictRecords = false
    /// Files larger than this many bytes are skipped.
    public var maxFileBytes = 1_000_000_000
    /// Seconds one file's extraction may take before it fails (checked between stages of the loaders and
    /// enforced on `pdftotext`).
    public var fileTimeout = 300.0
    /// Paths never ingested: the target database, its `-wal`/`-shm` files and its index.
    public var ownFiles: Set<String> = []
    /// Threads inserting into the HNSW index while ingesting (the embedder has the others).
    public var indexThreads = 1
    /// Seconds between saves of the index file during a long run (it is always saved at the end).
    public var indexSaveInterval = 60.0
    /// Arguments recorded in the run journal.
    public var arguments = ""

    public init() {}
}

/// A file that was skipped or failed, and why.
public struct FileProblem: Sendable, Codable, Equatable {
    public var path: String
    public var reason: String
    /// The 1-based line, for a bad JSONL line.
    public var line: Int?

    public init(path: String, reason: String, line: Int? = nil) {
        self.path = path
        self.reason = reason
        self.line = line
    }
}

/// A file whose text needed help to decode: another encoding than UTF-8, or characters replaced.
public struct DecodingNote: Sendable, Codable, Equatable {
    public var path: String
    public var encoding: TextEncodingReport
}

/// What an ingest run did.
public struct IngestSummary: Sendable, Codable {
    /// Files found under the paths given.
    public var files = 0
    /// Documents written (new or changed; a JSONL file gives one per record).
    public var documents = 0
    /// Chunks written.
    public var chunks = 0
    /// Tokens in the chunks written.
    public var tokens = 0
    /// Files whose content hash matched the database: not read further.
    public var unchanged = 0
    /// Files with nothing to ingest (empty, binary, unsupported format).
    public var skipped = 0
    /// Files that could not be ingested (unreadable, malformed, timed out).
    public var failed = 0
    /// Source files removed by `prune` (or because they no longer yield any text).
    public var removed = 0
    /// Bytes of the files read and extracted.
    public var bytes = 0
    /// Wall time of the run.
    public var seconds = 0.0
    /// Wall time spent inside the embedder.
    public var embedSeconds = 0.0
    /// Time spent reading, hashing, extracting and chunking (on its own thread, overlapping the rest).
    public var extractSeconds = 0.0
    /// Time spent writing to SQLite.
    public var writeSeconds = 0.0
    /// Time spent inserting into and saving the HNSW index.
    public var indexSeconds = 0.0
    /// What opening the index found (for example `caught up: 12 added, 0 removed`).
    public var indexRepair = ""
    /// The skipped files and why.
    public var skips: [FileProblem] = []
    /// The failed files and why.
    public var failures: [FileProblem] = []
    /// JSONL lines not ingested (their files' good lines were), with line numbers and reasons.
    public var badLines: [FileProblem] = []
    /// Files decoded from another encoding than UTF-8 or with characters replaced.
    public var decodingNotes: [DecodingNote] = []
    /// Characters written as U+FFFD across all files.
    public var replacedCharacters = 0
    /// Vectors the index holds at the end of the run.
    public var indexVectors = 0

    public init() {}
}

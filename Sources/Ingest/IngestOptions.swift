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

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
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
    /// Files that could not be ingested (unreadable, undecodable, malformed).
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

    public init() {}
}

import Foundation

/// Free-form key/value metadata of a document or chunk. JSON values that are not strings keep their JSON
/// spelling (`42`, `true`, `["a","b"]`), so filters compare text with text.
public typealias Metadata = [String: String]

/// What the database remembers about a source file, to decide whether it changed since the last ingest.
public struct SourceFingerprint: Sendable, Equatable {
    /// Hex SHA-256 of the file's bytes.
    public var contentHash: String
    /// Size in bytes.
    public var size: Int
    /// Modification time, seconds since 1970.
    public var modified: Double

    public init(contentHash: String, size: Int, modified: Double) {
        self.contentHash = contentHash
        self.size = size
        self.modified = modified
    }
}

/// A chunk to write, with its vector.
public struct ChunkInput: Sendable {
    /// Position of the chunk in its document, from 0.
    public var ordinal: Int
    /// The chunk's text: exactly the document's extracted text over `characterRange`.
    public var text: String
    /// Span of the chunk in the document's extracted text, in Unicode scalars (code points).
    public var characterRange: Range<Int>
    /// Tokens the embedder's tokenizer counts (without special tokens).
    public var tokenCount: Int
    /// The headings the chunk sits under, outermost first.
    public var headingPath: [String]
    /// 1-based page number for paged formats (PDF).
    public var page: Int?
    public var metadata: Metadata
    /// The embedding, `EmbedderInfo.dimension` floats.
    public var vector: [Float]

    public init(ordinal: Int, text: String, characterRange: Range<Int>, tokenCount: Int, headingPath: [String],
                page: Int?, metadata: Metadata = [:], vector: [Float]) {
        self.ordinal = ordinal
        self.text = text
        self.characterRange = characterRange
        self.tokenCount = tokenCount
        self.headingPath = headingPath
        self.page = page
        self.metadata = metadata
        self.vector = vector
    }
}

/// A document to write: one file, or one record of a JSONL file.
public struct DocumentInput: Sendable {
    /// Unique address of the document: the file's path, or `path#id` for a record of a JSONL file.
    public var path: String
    /// Format name (`text`, `markdown`, `html`, `jsonl`, `pdf`).
    public var format: String
    public var title: String?
    public var metadata: Metadata
    /// Length of the extracted text in Unicode scalars.
    public var textLength: Int
    public var chunks: [ChunkInput]

    public init(path: String, format: String, title: String?, metadata: Metadata, textLength: Int,
                chunks: [ChunkInput]) {
        self.path = path
        self.format = format
        self.title = title
        self.metadata = metadata
        self.textLength = textLength
        self.chunks = chunks
    }
}

/// The result of replacing a source file's documents.
public struct SourceReplacement: Sendable {
    /// Chunk ids that existed before and are gone now (their index entries must go).
    public var removedChunkIDs: [Int64]
    /// Ids given to the new chunks, in input order (documents, then chunks).
    public var addedChunkIDs: [Int64]
}

/// A chunk read back from the database, with its document's path and title.
public struct StoredChunk: Sendable, Equatable {
    public var id: Int64
    public var documentID: Int64
    public var documentPath: String
    public var documentTitle: String?
    public var ordinal: Int
    public var text: String
    public var characterRange: Range<Int>
    public var tokenCount: Int
    public var headingPath: [String]
    public var page: Int?
    public var metadata: Metadata
}

/// Restricts a search to some chunks. An empty filter allows everything.
public struct ChunkFilter: Sendable, Equatable {
    /// Document path globs (SQLite `GLOB`: `*`, `?`, `[...]`, case-sensitive); a chunk passes if its
    /// document's path matches any of them.
    public var pathGlobs: [String]
    /// `key = value` pairs that must all hold, looked up in the chunk's metadata, then its document's
    /// metadata; the keys `format` and `title` also match the document's columns.
    public var metadata: [(key: String, value: String)]

    public init(pathGlobs: [String] = [], metadata: [(key: String, value: String)] = []) {
        self.pathGlobs = pathGlobs
        self.metadata = metadata
    }

    /// Whether the filter lets every chunk through.
    public var isEmpty: Bool { pathGlobs.isEmpty && metadata.isEmpty }

    public static func == (lhs: ChunkFilter, rhs: ChunkFilter) -> Bool {
        lhs.pathGlobs == rhs.pathGlobs && lhs.metadata.map { [$0.key, $0.value] } == rhs.metadata.map { [$0.key, $0.value] }
    }
}

/// One full-text hit: a chunk id and its BM25 score (higher is better).
public struct LexicalHit: Sendable, Equatable {
    public var chunkID: Int64
    public var score: Double
}

/// A summary of one ingest run, stored in the run journal.
public struct RunSummary: Sendable, Codable {
    public var documents: Int
    public var chunks: Int
    public var unchanged: Int
    public var skipped: Int
    public var failed: Int
    public var removed: Int
    public var seconds: Double

    public init(documents: Int, chunks: Int, unchanged: Int, skipped: Int, failed: Int, removed: Int, seconds: Double) {
        self.documents = documents
        self.chunks = chunks
        self.unchanged = unchanged
        self.skipped = skipped
        self.failed = failed
        self.removed = removed
        self.seconds = seconds
    }
}

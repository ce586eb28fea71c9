import Embeddings
import Foundation
import Store

/// What flows from the reader through the embedder to the writer, in file order.
enum WorkItem: Sendable {
    /// A changed or new file, extracted and chunked (vectors filled in by the embedder).
    case source(PreparedSource)
    /// A file whose content hash matches the database.
    case unchanged(path: String)
    /// A file skipped or failed.
    case problem(IngestError)
}

/// A file's documents, ready to embed and write.
struct PreparedSource: Sendable {
    var source: String
    var fingerprint: SourceFingerprint
    var documents: [PreparedDocument]
    var bytes: Int
    /// How the text was decoded (nil for PDF and JSONL, which are UTF-8 by definition).
    var encoding: TextEncodingReport?
    /// JSONL lines left out.
    var badLines: [FileProblem] = []

    var chunkCount: Int { documents.reduce(0) { $0 + $1.chunks.count } }
}

/// One document of a file with its chunks and (after the embedder) their vectors.
struct PreparedDocument: Sendable {
    var path: String
    var extracted: ExtractedDocument
    var chunks: [TextChunk]
    var vectors: [[Float]] = []
}

/// A duration accumulated on one thread and read on another after it finished.
final class Stopwatch: @unchecked Sendable {
    private let lock = NSLock()
    private var total = 0.0

    var seconds: Double { lock.withLock { total } }

    func time<T>(_ body: () throws -> T) rethrows -> T {
        let start = Date()
        defer { lock.withLock { total += Date().timeIntervalSince(start) } }
        return try body()
    }
}

/// Stage 1: reads, hashes, extracts and chunks files.
final class Reader: Sendable {
    let files: [String]
    let fingerprints: [String: SourceFingerprint]
    let chunker: Chunker
    let options: IngestOptions
    private let stopwatch = Stopwatch()

    var seconds: Double { stopwatch.seconds }

    init(files: [String], fingerprints: [String: SourceFingerprint], chunker: Chunker, options: IngestOptions) {
        self.files = files
        self.fingerprints = fingerprints
        self.chunker = chunker
        self.options = options
    }

    func run(into output: BoundedQueue<WorkItem>) {
        defer { output.close() }
        for path in files {
            let item = stopwatch.time { prepareWithinTimeLimit(path) }
            guard output.push(item) else { return }
        }
    }

    /// `prepare(path)` on a worker thread, given up after the per-file time limit: the run goes on and the
    /// file fails with that reason. (A thread cannot be stopped from outside; the abandoned one finishes or
    /// dies with the process, and its result is dropped. `pdftotext` is stopped for real.)
    func prepareWithinTimeLimit(_ path: String) -> WorkItem {
        let result = ResultBox()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread { [self] in
            result.set(prepare(path))
            done.signal()
        }
        // The PDF tools enforce the limit themselves (two of them may run); the margin lets them report first.
        if done.wait(timeout: .now() + 2 * options.fileTimeout + 5) == .timedOut {
            return .problem(.timedOut(path: path, seconds: options.fileTimeout))
        }
        return result.get() ?? .problem(.unreadable(path: path, reason: "extraction gave no result"))
    }

    /// One file's work item; never throws: problems become items.
    func prepare(_ path: String) -> WorkItem {
        guard let format = DocumentFormat(path: path) else {
            return .problem(.unsupportedFormat(path: path, fileExtension: DocumentFormat.fileExtension(path)))
        }
        let data: Data
        let modified: Double
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
            if size > options.maxFileBytes {
                return .problem(.tooLarge(path: path, bytes: size, limit: options.maxFileBytes))
            }
            modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            return .problem(.unreadable(path: path, reason: (error as NSError).localizedDescription))
        }
        let hash = ContentHash.hex(data)
        if fingerprints[path]?.contentHash == hash { return .unchanged(path: path) }
        do {
            var extracted: [ExtractedDocument]
            var encoding: TextEncodingReport?
            var badLines: [FileProblem] = []
            switch format {
            case .text, .markdown, .html:
                let decoded = try TextDecoding.decode(data, path: path, markup: format == .html)
                encoding = decoded.report
                switch format {
                case .text: extracted = [try PlainTextLoader().load(decoded, path: path)]
                case .markdown: extracted = [try MarkdownLoader().load(decoded, path: path)]
                default: extracted = [try HTMLLoader().load(decoded, path: path)]
                }
            case .jsonl:
                let records = try JSONLLoader(textField: options.textField, idField: options.idField,
                                              strict: options.strictRecords).load(data, path: path)
                extracted = records.documents
                badLines = records.badLines
            case .pdf:
                guard !data.isEmpty else { throw IngestError.empty(path: path) }
                extracted = [try PDFLoader().load(path: path, timeout: options.fileTimeout)]
            }
            let documents = extracted.map { document in
                PreparedDocument(path: document.recordID.map { path + "#" + $0 } ?? path, extracted: document,
                                 chunks: chunker.chunks(of: document))
            }
            return .source(PreparedSource(
                source: path, fingerprint: SourceFingerprint(contentHash: hash, size: data.count, modified: modified),
                documents: documents, bytes: data.count, encoding: encoding, badLines: badLines))
        } catch let error as IngestError {
            return .problem(error)
        } catch {
            return .problem(.unreadable(path: path, reason: "\(error)"))
        }
    }
}

/// A work item handed from the thread that prepared it.
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var item: WorkItem?
    func set(_ value: WorkItem) { lock.withLock { item = value } }
    func get() -> WorkItem? { lock.withLock { item } }
}

/// Stage 2: embeds chunks in batches gathered across files.
final class EmbedStage: @unchecked Sendable {
    let embedder: any Embedder
    let batchSize: Int
    private let stopwatch = Stopwatch()
    private let lock = NSLock()
    private var failure: (any Error)?

    var seconds: Double { stopwatch.seconds }
    /// The embedder's error, if it failed (the stage then closes both queues).
    var error: (any Error)? { lock.withLock { failure } }

    init(embedder: any Embedder, batchSize: Int) {
        self.embedder = embedder
        self.batchSize = max(1, batchSize)
    }

    func run(from input: BoundedQueue<WorkItem>, into output: BoundedQueue<WorkItem>) {
        defer { output.close() }
        while let first = input.pop() {
            // Gather files until a batch is full or the reader is done, so the encoder gets full batches.
            var items = [first]
            var pending = Self.chunkCount(first)
            while pending < batchSize, let more = input.pop() {
                items.append(more)
                pending += Self.chunkCount(more)
            }
            do {
                try embed(&items)
            } catch {
                lock.withLock { failure = error }
                input.close()
                return
            }
            for item in items {
                guard output.push(item) else { input.close(); return }
            }
        }
    }

    static func chunkCount(_ item: WorkItem) -> Int {
        if case let .source(source) = item { return source.chunkCount }
        return 0
    }

    /// Fills in the vectors of every source in `items`.
    private func embed(_ items: inout [WorkItem]) throws {
        var texts: [String] = []
        for case let .source(source) in items {
            for document in source.documents { texts += document.chunks.map(\.text) }
        }
        guard !texts.isEmpty else { return }
        var vectors: [[Float]] = []
        vectors.reserveCapacity(texts.count)
        for start in stride(from: 0, to: texts.count, by: batchSize) {
            let slice = Array(texts[start..<min(start + batchSize, texts.count)])
            let batch = try stopwatch.time { try embedder.embed(slice) }
            guard batch.count == slice.count, batch.allSatisfy({ $0.count == embedder.dimension }) else {
                throw EmbeddingError.dimensionMismatch(expected: embedder.dimension, actual: batch.first?.count ?? 0)
            }
            vectors += batch
        }
        var next = 0
        for index in items.indices {
            guard case var .source(source) = items[index] else { continue }
            for d in source.documents.indices {
                let count = source.documents[d].chunks.count
                source.documents[d].vectors = Array(vectors[next..<(next + count)])
                next += count
            }
            items[index] = .source(source)
        }
    }
}

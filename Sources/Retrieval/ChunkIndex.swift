import Foundation
import Store
import VectorIndex

/// What opening a chunk index found and did.
public enum IndexRepair: Sendable, Equatable, CustomStringConvertible {
    /// The file matched the database.
    case upToDate
    /// There was no file (or the database is empty): the index was built from the stored vectors.
    case created(count: Int)
    /// The file lagged behind the database: chunks added since its watermark were inserted and chunks
    /// deleted since were removed.
    case caughtUp(added: Int, removed: Int)
    /// The file could not be used (corrupt, truncated, foreign, another dimension): rebuilt from SQLite.
    case rebuilt(reason: String, count: Int)

    public var description: String {
        switch self {
        case .upToDate: "up to date"
        case let .created(count): count == 0 ? "new index" : "built from \(count) stored vectors"
        case let .caughtUp(added, removed): "caught up: \(added) added, \(removed) removed"
        case let .rebuilt(reason, count): "rebuilt with \(count) vectors (\(reason))"
        }
    }

    /// Whether the in-memory index differs from the file and should be saved.
    public var changedIndex: Bool { self != .upToDate }
}

/// The HNSW index over a database's chunk vectors, kept in step with SQLite.
///
/// The index is derived data: SQLite is the source of truth. The file beside the database (`DB.hnsw`) carries
/// as its watermark the last chunk id it covers. Chunk ids are never reused (AUTOINCREMENT), so on open:
/// - a missing, unreadable or mismatched file is rebuilt from the stored vectors;
/// - when the index holds exactly the stored vectors up to its watermark, only newer chunks are inserted;
/// - otherwise (chunks deleted since it was saved) the two id sets are compared and the differences removed
///   and inserted.
///
/// - Important: `Sendable`: searches may run from any number of threads; `apply` and `save` must not overlap
///   each other (the ingest writer calls them from one thread).
public final class ChunkIndex: @unchecked Sendable {
    /// The index file.
    public let path: String
    /// The HNSW graph. Labels are chunk ids.
    public let index: HNSWIndex
    /// What `open` found.
    public let repair: IndexRepair
    /// Why `open` could not save its repair to the file (the index in memory is whole; the next open repairs
    /// again), or nil.
    public internal(set) var saveFailure: String?
    /// The largest chunk id the index covers (all stored vectors with an id up to it are in the index).
    public var coveredThrough: Int64 { watermarkLock.withLock { watermark } }
    /// `coveredThrough`, under its lock: `apply` moves it while searches on other threads may read it.
    private var watermark: Int64
    private let watermarkLock = NSLock()

    let dimension: Int

    /// Default graph parameters: M = 16, efConstruction = 128, ef = 64, Int8 traversal with a Float32 re-rank.
    public static func configuration(dimension: Int) -> HNSWConfiguration {
        HNSWConfiguration(dimension: dimension, metric: .cosine, storage: .int8, connectivity: 16,
                          expansionAdd: 128, expansionSearch: 64, seed: 42)
    }

    init(path: String, index: HNSWIndex, repair: IndexRepair, coveredThrough: Int64) {
        self.path = path
        self.index = index
        self.repair = repair
        self.watermark = coveredThrough
        self.dimension = index.configuration.dimension
    }

    /// Reflects a committed change: removes `removed` chunk ids and inserts the new chunks' vectors.
    /// - Parameters:
    ///   - removed: ids of deleted chunks.
    ///   - added: ids of new chunks, ascending, and their vectors row-major.
    ///   - threads: insertion threads.
    public func apply(removed: [Int64], addedIDs: [Int64], vectors: [Float], threads: Int = 1) throws {
        for id in removed { _ = index.remove(UInt64(id)) }
        guard !addedIDs.isEmpty else { return }
        do {
            try index.add(vectors: vectors, labels: addedIDs.map { UInt64($0) }, threads: threads)
        } catch {
            throw RetrievalError.index(path: path, reason: "\(error)")
        }
        let newest = addedIDs.max() ?? 0
        watermarkLock.withLock { watermark = max(watermark, newest) }
    }

    /// Writes the index atomically with its watermark, compacting first when more than a quarter of its slots
    /// are tombstones.
    public func save() throws {
        do {
            if index.tombstoneCount > 0 && index.tombstoneCount * 4 > index.slotCount {
                try index.compact()
            }
            try index.save(to: path, watermark: UInt64(max(coveredThrough, 0)))
        } catch {
            throw RetrievalError.index(path: path, reason: "\(error)")
        }
    }

    /// The `k` chunks whose vectors are nearest `query`, with cosine similarity, best first.
    /// - Parameters:
    ///   - allowed: when given, only these chunk ids may be returned.
    ///   - ef: candidate list size (default: the index's).
    public func search(_ query: [Float], k: Int, ef: Int? = nil, allowed: Set<Int64>? = nil) throws
        -> [(chunkID: Int64, score: Float)]
    {
        try Self.search(index, path: path, query: query, k: k, ef: ef, allowed: allowed)
    }

    /// Searches any engine whose labels are chunk ids; scores are similarities (higher is nearer).
    static func search(_ engine: any VectorSearch, path: String, query: [Float], k: Int, ef: Int?,
                       allowed: Set<Int64>?) throws -> [(chunkID: Int64, score: Float)] {
        let filter = allowed.map { ids in SearchFilter.labels(Set(ids.map { UInt64($0) })) }
        do {
            return try engine.search(query, k: k, ef: ef, filter: filter).map {
                (Int64($0.label), engine.metric.score(fromDistance: $0.distance))
            }
        } catch {
            throw RetrievalError.index(path: path, reason: "\(error)")
        }
    }
}

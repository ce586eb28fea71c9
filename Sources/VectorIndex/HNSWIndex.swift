import Foundation

/// Parameters of an HNSW index, with readable names mapped to the paper's symbols (Malkov and Yashunin, 2018).
public struct HNSWConfiguration: Sendable, Equatable {
    /// Components of every vector.
    public var dimension: Int
    /// How vectors are compared.
    public var metric: Metric
    /// How vectors are stored for traversal. The default, `.int8` with a Float32 copy, walks the graph on
    /// 8-bit codes (a VNNI kernel where the CPU has it) and re-ranks every candidate the walk keeps (ef of them)
    /// exactly: faster than `.float32` at equal recall on both of issue 12's sets (README, ANN).
    public var storage: StorageKind
    /// M: neighbours a node keeps on levels above 0 (M0 = 2M on level 0). Also sets mL = 1/ln(M).
    public var connectivity: Int
    /// efConstruction: size of the candidate list while inserting.
    public var expansionAdd: Int
    /// ef: default size of the candidate list while searching (raised to k when smaller).
    public var expansionSearch: Int
    /// Seed of the level generator: the same seed and insertion order on one thread build the same graph.
    public var seed: UInt64
    /// For `.float16` and `.int8` storage, keep a Float32 copy of each vector to re-rank candidates.
    public var keepsFullPrecision: Bool
    /// A filtered search whose filter passes at most this many vectors scans them exactly instead of walking the
    /// graph (a graph walk loses recall when few nodes pass).
    public var exactFilterThreshold: Int

    public init(
        dimension: Int,
        metric: Metric = .cosine,
        storage: StorageKind = .int8,
        connectivity: Int = 16,
        expansionAdd: Int = 200,
        expansionSearch: Int = 64,
        seed: UInt64 = 42,
        keepsFullPrecision: Bool = true,
        exactFilterThreshold: Int = 2_000
    ) {
        self.dimension = dimension
        self.metric = metric
        self.storage = storage
        self.connectivity = connectivity
        self.expansionAdd = expansionAdd
        self.expansionSearch = expansionSearch
        self.seed = seed
        self.keepsFullPrecision = keepsFullPrecision
        self.exactFilterThreshold = exactFilterThreshold
    }

    func validate() throws {
        guard dimension > 0, dimension <= 65_536 else {
            throw IndexError.invalidParameter("dimension must be in 1...65536, got \(dimension)")
        }
        guard connectivity >= 2, connectivity <= 256 else {
            throw IndexError.invalidParameter("M (connectivity) must be in 2...256, got \(connectivity)")
        }
        guard expansionAdd >= 1 else {
            throw IndexError.invalidParameter("efConstruction must be at least 1, got \(expansionAdd)")
        }
        guard expansionSearch >= 1 else {
            throw IndexError.invalidParameter("ef must be at least 1, got \(expansionSearch)")
        }
    }
}

/// One search hit: the caller's label and its distance (smaller is closer; see `Metric`).
public struct SearchResult: Sendable, Equatable {
    public var label: UInt64
    public var distance: Float

    public init(label: UInt64, distance: Float) {
        self.label = label
        self.distance = distance
    }
}

/// Restricts a search to some labels.
public enum SearchFilter: Sendable {
    /// Only these labels may be returned.
    case labels(Set<UInt64>)
    /// Only labels for which the predicate is true may be returned.
    case predicate(@Sendable (UInt64) -> Bool)

    /// Whether `label` may be returned (public so that engines outside this module can honour filters).
    @inline(__always)
    public func allows(_ label: UInt64) -> Bool {
        switch self {
        case let .labels(set): set.contains(label)
        case let .predicate(p): p(label)
        }
    }
}

/// A hierarchical navigable small world graph over vectors (Malkov and Yashunin, 2018), for approximate
/// nearest-neighbour search.
///
/// The graph sees slots (dense `Int32` positions); callers see labels (`UInt64`, for example chunk row ids).
/// Deleting a label leaves a tombstone that is traversed but never returned; `compact()` rebuilds without them.
/// Adding a label that exists replaces its vector (the old slot becomes a tombstone).
///
/// - Important: thread safety. `lock` guards all state: searches hold it shared, so any number run at once;
///   `add`, `remove` and `compact` hold it exclusively. Inside `add`, worker threads insert in parallel and
///   guard each neighbour list with `nodeLocks`, and the entry point with `entryLock`.
public final class HNSWIndex: @unchecked Sendable {
    public let configuration: HNSWConfiguration
    /// A value the caller stores with the index (for example the last database row it covers); saved and
    /// loaded with the file.
    public var watermark: UInt64 {
        get { lock.withReadLock { _watermark } }
        set { lock.withWriteLock { _watermark = newValue } }
    }

    let storage: VectorStorage
    let graph: GraphLinks
    /// Label of each slot.
    var labels: [UInt64] = []
    /// Whether each slot is a tombstone.
    var isDeleted: [Bool] = []
    var labelToSlot: [UInt64: Int32] = [:]
    var deletedCount = 0
    /// Entry point: the slot on the top level, or -1 when empty. Guarded by `entryLock` during construction.
    var entryPoint: Int32 = -1
    var maxLevel = -1
    var levelGenerator: SplitMix64
    var _watermark: UInt64 = 0

    let lock = ReadWriteLock()
    let entryLock = Mutex()
    let nodeLocks = StripedLocks()
    let scratchPool: ScratchPool

    /// mL = 1/ln(M), the level normalisation factor.
    var levelMultiplier: Double { 1 / log(Double(configuration.connectivity)) }

    /// Creates an empty index.
    /// - Throws: `IndexError.invalidParameter` for a parameter out of range.
    public init(configuration: HNSWConfiguration) throws {
        try configuration.validate()
        var configuration = configuration
        configuration.keepsFullPrecision = configuration.storage != .float32 && configuration.keepsFullPrecision
        self.configuration = configuration
        storage = VectorStorage(
            kind: configuration.storage, metric: configuration.metric, dimension: configuration.dimension,
            keepsFullPrecision: configuration.keepsFullPrecision)
        graph = GraphLinks(maxNeighbors: configuration.connectivity)
        levelGenerator = SplitMix64(seed: configuration.seed)
        scratchPool = ScratchPool(stride: storage.stride, maxNeighbors: 2 * configuration.connectivity)
    }

    /// Vectors that can be returned (tombstones excluded).
    public var count: Int { lock.withReadLock { labels.count - deletedCount } }

    /// Slots in use, tombstones included.
    public var slotCount: Int { lock.withReadLock { labels.count } }

    /// Tombstones waiting for `compact()`.
    public var tombstoneCount: Int { lock.withReadLock { deletedCount } }

    /// Whether `label` is in the index (and not deleted).
    public func contains(_ label: UInt64) -> Bool {
        lock.withReadLock { labelToSlot[label] != nil }
    }

    /// All live labels, in slot order.
    public var allLabels: [UInt64] {
        lock.withReadLock { labels.indices.filter { !isDeleted[$0] }.map { labels[$0] } }
    }

    /// The stored vector of `label` (normalised for cosine; decoded when storage is compact and no Float32
    /// copy is kept), or nil.
    public func vector(for label: UInt64) -> [Float]? {
        lock.withReadLock {
            guard let slot = labelToSlot[label] else { return nil }
            return storage.vector(at: Int(slot))
        }
    }

    /// Approximate bytes of memory held by vectors and graph.
    public var memoryBytes: Int {
        lock.withReadLock {
            storage.memoryBytes(count: labels.count) + graph.memoryBytes(count: labels.count)
                + labels.count * (8 + 1 + 24)
        }
    }

    /// Marks `label` deleted: it is never returned again, but its node keeps routing searches until
    /// `compact()`. Returns whether it was present.
    @discardableResult
    public func remove(_ label: UInt64) -> Bool {
        lock.withWriteLock { removeLocked(label) }
    }

    func removeLocked(_ label: UInt64) -> Bool {
        guard let slot = labelToSlot.removeValue(forKey: label) else { return false }
        isDeleted[Int(slot)] = true
        deletedCount += 1
        return true
    }

    /// Rebuilds the graph from the live vectors, dropping tombstones and reclaiming their space. Labels keep
    /// their relative order, so the rebuild is deterministic on one thread.
    public func compact(threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        try lock.withWriteLock {
            guard deletedCount > 0 else { return }
            let live = labels.indices.filter { !isDeleted[$0] }
            var vectors = [Float]()
            vectors.reserveCapacity(live.count * configuration.dimension)
            for slot in live { vectors.append(contentsOf: storage.vector(at: slot)) }
            let liveLabels = live.map { labels[$0] }
            labels = []
            isDeleted = []
            labelToSlot = [:]
            deletedCount = 0
            entryPoint = -1
            maxLevel = -1
            levelGenerator = SplitMix64(seed: configuration.seed)
            try addLocked(vectors, labels: liveLabels, threads: threads)
        }
    }
}

/// Per-search working memory (visited set, heaps, query buffer, a neighbour-list copy), pooled so that a
/// search allocates nothing.
final class SearchScratch {
    let visited: VisitedSet
    let query: QueryBuffer
    var candidates = CandidateHeap<NearestFirst>(capacity: 256)
    var results = CandidateHeap<FarthestFirst>(capacity: 256)
    /// Room for one neighbour list, copied under its lock during construction.
    let neighborCopy: UnsafeMutablePointer<Int32>

    init(stride: Int, maxNeighbors: Int) {
        visited = VisitedSet(capacity: 1024)
        query = QueryBuffer(stride: stride)
        neighborCopy = .allocate(capacity: maxNeighbors + 1)
    }

    deinit {
        candidates.deallocate()
        results.deallocate()
        neighborCopy.deallocate()
    }
}

/// A lock-guarded stack of scratch objects.
final class ScratchPool: @unchecked Sendable {
    private let mutex = Mutex()
    private var free: [SearchScratch] = []
    private let stride: Int
    private let maxNeighbors: Int

    init(stride: Int, maxNeighbors: Int) {
        self.stride = stride
        self.maxNeighbors = maxNeighbors
    }

    func withScratch<R>(_ body: (SearchScratch) throws -> R) rethrows -> R {
        let scratch = mutex.withLock { free.popLast() } ?? SearchScratch(stride: stride, maxNeighbors: maxNeighbors)
        defer { mutex.withLock { free.append(scratch) } }
        return try body(scratch)
    }
}

import Foundation
import VectorIndex

/// Measures an HNSW index against exact search on the same data: recall@k and queries per second at several
/// ef values, build time and memory.
public struct ANNBenchmark: Sendable {
    /// What to build and measure.
    public struct Options: Sendable {
        public var metric: Metric = .cosine
        public var storage: StorageKind = .int8
        /// M.
        public var connectivity = 16
        /// efConstruction.
        public var expansionAdd = 200
        /// The ef values to measure.
        public var efValues = [16, 32, 64, 128, 256]
        public var k = 10
        /// Threads for the build and for batch queries.
        public var threads = ProcessInfo.processInfo.activeProcessorCount
        public var seed: UInt64 = 42

        public init() {}
    }

    /// One ef setting's measurements.
    public struct Point: Codable, Sendable, Equatable {
        public var ef: Int
        public var recallAt10: Double
        /// Queries per second, one at a time on one thread.
        public var qps: Double
        /// Queries per second, batched over `threads` threads.
        public var qpsBatch: Double

        enum CodingKeys: String, CodingKey {
            case ef
            case recallAt10 = "recall_at_10"
            case qps
            case qpsBatch = "qps_batch"
        }

        public init(ef: Int, recallAt10: Double, qps: Double, qpsBatch: Double) {
            self.ef = ef
            self.recallAt10 = recallAt10
            self.qps = qps
            self.qpsBatch = qpsBatch
        }
    }

    /// The whole measurement.
    public struct Report: Codable, Sendable {
        public var n: Int
        public var dimension: Int
        public var queries: Int
        public var metric: String
        public var storage: String
        public var m: Int
        public var efConstruction: Int
        public var threads: Int
        public var buildSeconds: Double
        public var indexBytes: Int
        /// Exact search (BLAS) over all queries, batched on `threads` threads.
        public var exactSeconds: Double
        public var points: [Point]

        enum CodingKeys: String, CodingKey {
            case n, dimension, queries, metric, storage, m, threads, points
            case efConstruction = "ef_construction"
            case buildSeconds = "build_seconds"
            case indexBytes = "index_bytes"
            case exactSeconds = "exact_seconds"
        }

        public init(n: Int, dimension: Int, queries: Int, metric: String, storage: String, m: Int, efConstruction: Int,
                    threads: Int, buildSeconds: Double, indexBytes: Int, exactSeconds: Double, points: [Point]) {
            self.n = n
            self.dimension = dimension
            self.queries = queries
            self.metric = metric
            self.storage = storage
            self.m = m
            self.efConstruction = efConstruction
            self.threads = threads
            self.buildSeconds = buildSeconds
            self.indexBytes = indexBytes
            self.exactSeconds = exactSeconds
            self.points = points
        }
    }

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    /// Builds the index on `base`, computes exact neighbours of `queries` with `FlatIndex`, and measures each ef.
    /// - Parameter progress: called with a line of text as each stage ends.
    public func run(base: VectorSet, queries: VectorSet, progress: (String) -> Void = { _ in }) throws -> Report {
        guard base.dimension == queries.dimension else {
            throw IndexError.dimensionMismatch(expected: base.dimension, actual: queries.dimension)
        }
        let labels = (0..<base.count).map { UInt64($0) }
        let k = options.k

        let exactStart = Date()
        let exact = try FlatIndex(dimension: base.dimension, metric: options.metric)
        try exact.add(vectors: base.values, labels: labels)
        let truth = try exact.search(batch: queries.values, k: k, threads: options.threads)
        let exactSeconds = Date().timeIntervalSince(exactStart)
        progress(String(format: "exact ground truth: %.2f s", exactSeconds))

        let configuration = HNSWConfiguration(
            dimension: base.dimension, metric: options.metric, storage: options.storage,
            connectivity: options.connectivity, expansionAdd: options.expansionAdd, seed: options.seed)
        let index = try HNSWIndex(configuration: configuration)
        let buildStart = Date()
        try index.add(vectors: base.values, labels: labels, threads: options.threads)
        let buildSeconds = Date().timeIntervalSince(buildStart)
        progress(String(format: "HNSW build: %.2f s", buildSeconds))

        let queryRows = queries.rows
        var points: [Point] = []
        for ef in options.efValues {
            var found: [[SearchResult]] = []
            found.reserveCapacity(queryRows.count)
            let singleStart = Date()
            for q in queryRows { found.append(try index.search(q, k: k, ef: ef)) }
            let singleSeconds = Date().timeIntervalSince(singleStart)
            let batchStart = Date()
            _ = try index.search(batch: queryRows, k: k, ef: ef, threads: options.threads)
            let batchSeconds = Date().timeIntervalSince(batchStart)
            let recall = Self.recall(found: found, truth: truth, k: k)
            let point = Point(
                ef: ef, recallAt10: recall, qps: Double(queryRows.count) / singleSeconds,
                qpsBatch: Double(queryRows.count) / batchSeconds)
            progress(String(format: "ef %d: recall@%d %.4f, %.0f QPS, %.0f QPS batch", ef, k, recall, point.qps, point.qpsBatch))
            points.append(point)
        }
        return Report(
            n: base.count, dimension: base.dimension, queries: queries.count, metric: options.metric.description,
            storage: options.storage.description, m: options.connectivity, efConstruction: options.expansionAdd,
            threads: options.threads, buildSeconds: buildSeconds, indexBytes: index.memoryBytes,
            exactSeconds: exactSeconds, points: points)
    }

    /// Mean over queries of |found ∩ truth| / k, on labels.
    public static func recall(found: [[SearchResult]], truth: [[SearchResult]], k: Int) -> Double {
        guard !truth.isEmpty else { return 0 }
        var total = 0.0
        for (f, t) in zip(found, truth) {
            let expected = Set(t.prefix(k).map(\.label))
            guard !expected.isEmpty else { continue }
            let hits = f.prefix(k).filter { expected.contains($0.label) }.count
            total += Double(hits) / Double(expected.count)
        }
        return total / Double(truth.count)
    }
}

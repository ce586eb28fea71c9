import COpenBLAS
import Foundation

/// Exact nearest-neighbour search: every query is compared with every vector, in blocks through `cblas_sgemm`.
///
/// It is the ground truth for the approximate index and the right choice for small collections: one GEMM
/// computes a block of 64 queries × 4,096 vectors at BLAS speed (about 8 ns a distance on one core here), and
/// a bounded heap per query keeps the top k.
///
/// - Important: thread safety. `lock` guards all state; searches share it, `add` and `remove` hold it alone.
///   Batched searches split queries across threads and run OpenBLAS single-threaded in each (two OpenBLAS
///   threads on these small shapes cost more than they gain).
public final class FlatIndex: @unchecked Sendable {
    public let dimension: Int
    public let metric: Metric

    private var vectors: [Float] = []
    private var squaredNorms: [Float] = []
    private var labels: [UInt64] = []
    private var isDeleted: [Bool] = []
    private var labelToRow: [UInt64: Int] = [:]
    private var deletedCount = 0
    private let lock = ReadWriteLock()

    static let queryBlock = 64
    static let baseBlock = 4_096

    public init(dimension: Int, metric: Metric = .cosine) throws {
        guard dimension > 0 else { throw IndexError.invalidParameter("dimension must be positive, got \(dimension)") }
        self.dimension = dimension
        self.metric = metric
        BLASThreads.useSingleThread()
    }

    /// Vectors that can be returned.
    public var count: Int { lock.withReadLock { labels.count - deletedCount } }

    /// Adds vectors (row-major, `dimension` floats each) under `labels`; a present label gets the new vector.
    public func add(vectors newVectors: [Float], labels newLabels: [UInt64]) throws {
        guard newVectors.count == newLabels.count * dimension else {
            throw IndexError.dimensionMismatch(
                expected: dimension, actual: newLabels.isEmpty ? newVectors.count : newVectors.count / newLabels.count)
        }
        lock.withWriteLock {
            vectors.reserveCapacity(vectors.count + newVectors.count)
            for (i, label) in newLabels.enumerated() {
                removeLocked(label)
                var row = Array(newVectors[(i * dimension)..<((i + 1) * dimension)])
                if metric == .cosine { Distance.normalize(&row) }
                squaredNorms.append(Distance.dot(row, row))
                vectors.append(contentsOf: row)
                labelToRow[label] = labels.count
                labels.append(label)
                isDeleted.append(false)
            }
        }
    }

    /// Adds vectors given one array each.
    public func add(_ newVectors: [[Float]], labels newLabels: [UInt64]) throws {
        for v in newVectors where v.count != dimension {
            throw IndexError.dimensionMismatch(expected: dimension, actual: v.count)
        }
        try add(vectors: newVectors.flatMap { $0 }, labels: newLabels)
    }

    /// Removes `label`; returns whether it was present.
    @discardableResult
    public func remove(_ label: UInt64) -> Bool {
        lock.withWriteLock { removeLocked(label) }
    }

    @discardableResult
    private func removeLocked(_ label: UInt64) -> Bool {
        guard let row = labelToRow.removeValue(forKey: label) else { return false }
        isDeleted[row] = true
        deletedCount += 1
        return true
    }

    /// The exact `k` nearest vectors to `query`, nearest first (ties broken by insertion order).
    public func search(_ query: [Float], k: Int, filter: SearchFilter? = nil) throws -> [SearchResult] {
        try search(batch: query, k: k, filter: filter, threads: 1)[0]
    }

    /// The exact `k` nearest vectors for each query.
    /// - Parameters:
    ///   - queries: row-major, `dimension` floats each.
    ///   - threads: query blocks are spread over this many threads.
    public func search(
        batch queries: [Float], k: Int, filter: SearchFilter? = nil,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount
    ) throws -> [[SearchResult]] {
        guard queries.count % dimension == 0 else {
            throw IndexError.dimensionMismatch(expected: dimension, actual: queries.count % dimension)
        }
        let queryCount = queries.count / dimension
        // A heap of size 0 has no threshold to compare with: nothing is asked for, nothing is returned.
        guard k > 0 else { return Array(repeating: [], count: queryCount) }
        var prepared = queries
        var queryNorms = [Float](repeating: 0, count: queryCount)
        prepared.withUnsafeMutableBufferPointer { buffer in
            for i in 0..<queryCount {
                let row = buffer.baseAddress! + i * dimension
                if metric == .cosine { HNSWIndex.normalize(row, count: dimension) }
                queryNorms[i] = Distance.dot(row, row, count: dimension)
            }
        }
        let preparedQueries = prepared
        let norms = queryNorms
        let blocks = (queryCount + Self.queryBlock - 1) / Self.queryBlock
        let results = ResultSlots<[SearchResult]>(count: queryCount)
        let workers = max(1, min(threads, blocks))
        lock.withReadLock {
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var scores = [Float](repeating: 0, count: Self.queryBlock * Self.baseBlock)
                var block = worker
                while block < blocks {
                    let first = block * Self.queryBlock
                    let rows = min(Self.queryBlock, queryCount - first)
                    let found = searchBlock(
                        preparedQueries, first: first, rows: rows, queryNorms: norms, k: k, filter: filter,
                        scores: &scores)
                    for (i, r) in found.enumerated() { results[first + i] = r }
                    block += workers
                }
            }
        }
        return results.values
    }

    /// Scores `rows` queries against all vectors, a base block at a time, keeping each query's top k.
    private func searchBlock(
        _ queries: [Float], first: Int, rows: Int, queryNorms: [Float], k: Int, filter: SearchFilter?,
        scores: inout [Float]
    ) -> [[SearchResult]] {
        var tops = (0..<rows).map { _ in TopK(k: k) }
        let n = labels.count
        let d = dimension
        var start = 0
        while start < n {
            let count = min(Self.baseBlock, n - start)
            queries.withUnsafeBufferPointer { q in
                vectors.withUnsafeBufferPointer { x in
                    scores.withUnsafeMutableBufferPointer { c in
                        // C[rows × count] = Q[rows × d] · X[count × d]ᵀ
                        cblas_sgemm(
                            CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(count), Int32(d),
                            1, q.baseAddress! + first * d, Int32(d), x.baseAddress! + start * d, Int32(d),
                            0, c.baseAddress!, Int32(count))
                    }
                }
            }
            for i in 0..<rows {
                let base = i * count
                for j in 0..<count {
                    let row = start + j
                    let s = scores[base + j]
                    let distance = metric == .l2 ? max(0, queryNorms[first + i] + squaredNorms[row] - 2 * s) : 1 - s
                    guard distance < tops[i].threshold, !isDeleted[row] else { continue }
                    if let filter, !filter.allows(labels[row]) { continue }
                    tops[i].offer(distance: distance, slot: Int32(row))
                }
            }
            start += count
        }
        return tops.map { top in top.sorted().map { SearchResult(label: labels[Int($0.slot)], distance: $0.distance) } }
    }
}

/// OpenBLAS runs single-threaded inside rag: callers spread work across cores themselves.
public enum BLASThreads {
    private static let once: Void = { openblas_set_num_threads(1) }()

    /// Sets OpenBLAS to one thread (once per process).
    public static func useSingleThread() { _ = once }
}

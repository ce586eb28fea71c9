import Foundation

extension HNSWIndex {
    /// The `k` nearest live vectors to `query`, nearest first, without duplicates.
    ///
    /// - Parameters:
    ///   - query: a vector of `dimension` floats (normalised here for cosine).
    ///   - k: how many results at most.
    ///   - ef: candidate list size (raised to `k`); defaults to the configuration's `expansionSearch`.
    ///   - filter: only labels it allows are returned. When it passes at most `exactFilterThreshold` vectors,
    ///     they are scanned exactly, since a graph walk finds few of a rare subset.
    /// - Throws: `IndexError.dimensionMismatch`.
    /// - Important: safe to call from any number of threads at once.
    public func search(_ query: [Float], k: Int, ef: Int? = nil, filter: SearchFilter? = nil) throws
        -> [SearchResult]
    {
        guard query.count == configuration.dimension else {
            throw IndexError.dimensionMismatch(expected: configuration.dimension, actual: query.count)
        }
        guard k > 0 else { return [] }
        var q = query
        if configuration.metric == .cosine { Distance.normalize(&q) }
        return lock.withReadLock {
            scratchPool.withScratch { scratch in
                q.withUnsafeBufferPointer { storage.prepare($0.baseAddress!, into: scratch.query) }
                return searchLocked(scratch, k: k, ef: max(ef ?? configuration.expansionSearch, k), filter: filter)
            }
        }
    }

    /// Searches many queries on `threads` threads; results are in query order.
    public func search(
        batch queries: [[Float]], k: Int, ef: Int? = nil, filter: SearchFilter? = nil,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount
    ) throws -> [[SearchResult]] {
        for q in queries where q.count != configuration.dimension {
            throw IndexError.dimensionMismatch(expected: configuration.dimension, actual: q.count)
        }
        let results = ResultSlots<Result<[SearchResult], any Error>>(count: queries.count)
        let workers = max(1, min(threads, queries.count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var i = worker
            while i < queries.count {
                results[i] = Result { try search(queries[i], k: k, ef: ef, filter: filter) }
                i += workers
            }
        }
        return try results.values.map { try $0.get() }
    }

    private func searchLocked(_ scratch: SearchScratch, k: Int, ef: Int, filter: SearchFilter?) -> [SearchResult] {
        guard entryPoint >= 0 else { return [] }
        if let filter, let exact = exactFilteredSearch(scratch, k: k, filter: filter) {
            return exact
        }
        var entry = entryPoint
        var entryDistance = storage.distance(scratch.query, Int(entry))
        if maxLevel > 0 {
            for level in stride(from: maxLevel, to: 0, by: -1) {
                greedyDescent(scratch, from: &entry, distance: &entryDistance, level: level, locking: false)
            }
        }
        let accepts: ((Int32) -> Bool)?
        if let filter {
            accepts = { [labels, isDeleted] slot in !isDeleted[Int(slot)] && filter.allows(labels[Int(slot)]) }
        } else if deletedCount > 0 {
            accepts = { [isDeleted] slot in !isDeleted[Int(slot)] }
        } else {
            accepts = nil
        }
        searchLayer(scratch, entry: entry, entryDistance: entryDistance, ef: ef, level: 0, locking: false,
                    accepts: accepts)
        var found = Array(scratch.results.items)
        if storage.reranks {
            for i in found.indices {
                found[i].distance = storage.exactDistance(scratch.query, Int(found[i].slot))
            }
        }
        found.sort { $0.distance < $1.distance || ($0.distance == $1.distance && $0.slot < $1.slot) }
        return found.prefix(k).map { SearchResult(label: labels[Int($0.slot)], distance: $0.distance) }
    }

    /// When `filter` passes few enough vectors, their exact top `k`; otherwise nil (walk the graph).
    private func exactFilteredSearch(_ scratch: SearchScratch, k: Int, filter: SearchFilter) -> [SearchResult]? {
        let threshold = configuration.exactFilterThreshold
        var slots: [Int32] = []
        switch filter {
        case let .labels(set):
            guard set.count <= threshold else { return nil }
            slots = set.compactMap { labelToSlot[$0] }
        case let .predicate(allows):
            // Estimate the passing share on an even sample before paying for a full scan.
            let n = labels.count
            let sampleSize = min(n, 512)
            var passing = 0
            for i in 0..<sampleSize {
                let slot = i * n / sampleSize
                if !isDeleted[slot], allows(labels[slot]) { passing += 1 }
            }
            let estimate = Double(passing) / Double(max(sampleSize, 1)) * Double(n)
            guard estimate <= Double(threshold) * 2 else { return nil }
            for slot in 0..<n where !isDeleted[slot] && allows(labels[slot]) {
                slots.append(Int32(slot))
                if slots.count > threshold { return nil }
            }
        }
        var top = TopK(k: k)
        for slot in slots {
            top.offer(distance: storage.exactDistance(scratch.query, Int(slot)), slot: slot)
        }
        return top.sorted().map { SearchResult(label: labels[Int($0.slot)], distance: $0.distance) }
    }

    /// Greedy search with ef = 1 on one level: moves `entry` to a local minimum of the distance to the query.
    func greedyDescent(
        _ scratch: SearchScratch, from entry: inout Int32, distance: inout Float, level: Int, locking: Bool
    ) {
        var changed = true
        while changed {
            changed = false
            for neighbor in neighbors(of: entry, level: level, locking: locking, scratch: scratch) {
                let d = storage.distance(scratch.query, Int(neighbor))
                if d < distance {
                    distance = d
                    entry = neighbor
                    changed = true
                }
            }
        }
    }

    /// The neighbours of `slot`: read in place during searches (no writer runs then), copied under the node's
    /// lock during construction.
    @inline(__always)
    private func neighbors(
        of slot: Int32, level: Int, locking: Bool, scratch: SearchScratch
    ) -> UnsafeBufferPointer<Int32> {
        guard locking else { return UnsafeBufferPointer(graph.neighbors(of: slot, onLevel: level)) }
        return nodeLocks.withLock(for: slot) {
            let list = graph.neighbors(of: slot, onLevel: level)
            scratch.neighborCopy.update(from: list.baseAddress!, count: list.count)
            return UnsafeBufferPointer(start: scratch.neighborCopy, count: list.count)
        }
    }

    /// Beam search on one level (paper, Algorithm 2). Leaves the best `ef` accepted nodes in `scratch.results`
    /// (farthest on top). Nodes that `accepts` rejects (tombstones, filtered out) are traversed but not kept, and
    /// the search goes on until `ef` accepted nodes are found or the reachable graph is exhausted.
    func searchLayer(
        _ scratch: SearchScratch, entry: Int32, entryDistance: Float, ef: Int, level: Int, locking: Bool,
        accepts: ((Int32) -> Bool)?
    ) {
        let visited = scratch.visited
        visited.reset(count: labels.count)
        // The heaps are structs over unsafe buffers: work on local copies and store them back at the end.
        var candidates = scratch.candidates
        var results = scratch.results
        defer {
            scratch.candidates = candidates
            scratch.results = results
        }
        candidates.removeAll()
        results.removeAll()
        _ = visited.testAndSet(entry)
        candidates.push(Candidate(distance: entryDistance, slot: entry))
        if accepts?(entry) ?? true {
            results.push(Candidate(distance: entryDistance, slot: entry))
        }
        var bound = results.isEmpty ? Float.infinity : results.top.distance

        while !candidates.isEmpty {
            let current = candidates.top
            if current.distance > bound && results.count >= ef { break }
            candidates.pop()
            let list = neighbors(of: current.slot, level: level, locking: locking, scratch: scratch)
            if let first = list.first { storage.prefetch(Int(first)) }
            for (i, neighbor) in list.enumerated() {
                if i &+ 1 < list.count { storage.prefetch(Int(list[i &+ 1])) }
                if visited.testAndSet(neighbor) { continue }
                let d = storage.distance(scratch.query, Int(neighbor))
                guard results.count < ef || d < bound else { continue }
                // Its neighbour list will be read when it is expanded: start loading it now (perf showed a
                // third of search time stalled on that read).
                graph.prefetchList(of: neighbor, onLevel: level)
                candidates.push(Candidate(distance: d, slot: neighbor))
                if accepts?(neighbor) ?? true {
                    results.push(Candidate(distance: d, slot: neighbor))
                    if results.count > ef { results.pop() }
                }
                if !results.isEmpty { bound = results.top.distance }
            }
        }
    }
}

/// Per-index result slots written by several threads, each to its own index.
final class ResultSlots<Element>: @unchecked Sendable {
    private var storage: [Element?]
    private let mutex = Mutex()

    init(count: Int) { storage = Array(repeating: nil, count: count) }

    subscript(index: Int) -> Element {
        get { mutex.withLock { storage[index]! } }
        set { mutex.withLock { storage[index] = newValue } }
    }

    var values: [Element] { mutex.withLock { storage.map { $0! } } }
}

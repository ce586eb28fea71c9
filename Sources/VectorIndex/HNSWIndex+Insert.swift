import Foundation

extension HNSWIndex {
    /// Adds one vector under `label` (replacing the vector of an existing label).
    /// - Throws: `IndexError.dimensionMismatch` when the vector's length is not the index dimension.
    /// - Complexity: O(efConstruction · M · log n) distance computations.
    public func add(_ vector: [Float], label: UInt64) throws {
        try add(vectors: vector, labels: [label], threads: 1)
    }

    /// Adds a batch of vectors, inserting them on `threads` threads.
    ///
    /// Levels are drawn from the seeded generator in input order, so the same seed and input on one thread
    /// give the same graph; with several threads the levels are the same but links depend on timing.
    /// - Parameters:
    ///   - vectors: `labels.count` vectors, row-major, `dimension` floats each.
    ///   - labels: one label a vector; a label already present gets the new vector.
    ///   - threads: worker threads for the parallel insert.
    /// - Throws: `IndexError.dimensionMismatch` when `vectors.count` is not `labels.count × dimension`.
    public func add(
        vectors: [Float], labels newLabels: [UInt64],
        threads: Int = ProcessInfo.processInfo.activeProcessorCount
    ) throws {
        try lock.withWriteLock { try addLocked(vectors, labels: newLabels, threads: threads) }
    }

    /// Adds vectors given one array each; see `add(vectors:labels:threads:)`.
    public func add(
        _ vectors: [[Float]], labels newLabels: [UInt64],
        threads: Int = ProcessInfo.processInfo.activeProcessorCount
    ) throws {
        for v in vectors where v.count != configuration.dimension {
            throw IndexError.dimensionMismatch(expected: configuration.dimension, actual: v.count)
        }
        try add(vectors: vectors.flatMap { $0 }, labels: newLabels, threads: threads)
    }

    func addLocked(_ input: [Float], labels newLabels: [UInt64], threads: Int) throws {
        let d = configuration.dimension
        let n = newLabels.count
        guard input.count == n * d else {
            throw IndexError.dimensionMismatch(expected: d, actual: n == 0 ? input.count : input.count / n)
        }
        guard n > 0 else { return }
        var vectors = input
        if configuration.metric == .cosine {
            vectors.withUnsafeMutableBufferPointer { buffer in
                for i in 0..<n { Self.normalize(buffer.baseAddress! + i * d, count: d) }
            }
        }

        let first = labels.count
        let needed = first + n
        if needed > storage.capacity {
            let newCapacity = max(needed, storage.capacity + storage.capacity / 2, 1024)
            storage.reserve(newCapacity, preserving: first)
            graph.reserve(newCapacity, preserving: first)
        }
        labels.reserveCapacity(needed)
        isDeleted.reserveCapacity(needed)
        vectors.withUnsafeBufferPointer { buffer in
            for i in 0..<n {
                let label = newLabels[i]
                _ = removeLocked(label)
                let slot = first + i
                storage.setRow(slot, from: buffer.baseAddress! + i * d)
                graph.initialize(Int32(slot), level: drawLevel())
                labels.append(label)
                isDeleted.append(false)
                labelToSlot[label] = Int32(slot)
            }
        }

        vectors.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress!
            var start = 0
            if entryPoint < 0 {
                insertLinks(Int32(first), vector: base, locking: false)
                start = 1
            }
            let workers = max(1, min(threads, n - start))
            if workers == 1 {
                for i in start..<n { insertLinks(Int32(first + i), vector: base + i * d, locking: false) }
            } else {
                let shared = UncheckedSendable(base)
                let firstParallel = start
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    var i = firstParallel + worker
                    while i < n {
                        insertLinks(Int32(first + i), vector: shared.value + i * d, locking: true)
                        i += workers
                    }
                }
            }
        }
        if n >= 64 { relinkUnreachable() }
    }

    /// Links every live node that no search can reach (pruning can drop a node's last incoming link, most
    /// often among repeated vectors) from its nearest out-neighbour, until all are reachable or four passes
    /// are done. Runs after batch inserts: one breadth-first pass costs O(slots · M0).
    func relinkUnreachable() {
        guard entryPoint >= 0 else { return }
        for _ in 0..<4 {
            let unreachable = unreachableSlots()
            guard !unreachable.isEmpty else { return }
            for slot in unreachable {
                let out = graph.neighbors(of: slot, onLevel: 0)
                guard var nearest = out.first else { continue }
                var best = storage.distance(Int(slot), Int(nearest))
                for n in out.dropFirst() {
                    let d = storage.distance(Int(slot), Int(n))
                    if d < best {
                        best = d
                        nearest = n
                    }
                }
                forceLink(nearest, to: slot, level: 0)
            }
        }
    }

    /// Draws a level: floor(-ln(U) · mL), U uniform in (0, 1].
    func drawLevel() -> Int {
        let u = max(Double(levelGenerator.next() >> 11) * 0x1.0p-53, 1e-300)
        return min(Int(-log(u) * levelMultiplier), 32)
    }

    static func normalize(_ v: UnsafeMutablePointer<Float>, count: Int) {
        let norm = Distance.dot(v, v, count: count)
        guard norm > 0 else { return }
        let inv = 1 / norm.squareRoot()
        for i in 0..<count { v[i] *= inv }
    }

    /// Links slot `q` into the graph (paper, Algorithm 1): greedy descent to its level, then on each level
    /// below a beam search for efConstruction candidates, the neighbour-selection heuristic, and mutual links.
    ///
    /// - Parameter locking: whether other threads insert at the same time; if so, neighbour lists are read and
    ///   written only under `nodeLocks` (a lone inserter skips them: they cost a tenth of a build).
    func insertLinks(_ q: Int32, vector: UnsafePointer<Float>, locking: Bool) {
        scratchPool.withScratch { scratch in
            storage.prepare(vector, into: scratch.query)
            let level = graph.level(of: q)

            entryLock.lock()
            var entry = entryPoint
            let top = maxLevel
            let raisesTop = level > top
            if !raisesTop { entryLock.unlock() }
            defer {
                if raisesTop {
                    entryPoint = q
                    maxLevel = level
                    entryLock.unlock()
                }
            }
            guard entry >= 0 else { return }

            var entryDistance = storage.distance(scratch.query, Int(entry))
            if top > level {
                for lc in stride(from: top, to: level, by: -1) {
                    greedyDescent(scratch, from: &entry, distance: &entryDistance, level: lc, locking: locking)
                }
            }
            for lc in stride(from: min(top, level), through: 0, by: -1) {
                searchLayer(
                    scratch, entry: entry, entryDistance: entryDistance, ef: configuration.expansionAdd,
                    level: lc, locking: locking, accepts: nil)
                let found = scratch.results.items.sorted { $0.distance < $1.distance }
                let selected = selectNeighbors(found, maxCount: configuration.connectivity)
                withNodeLock(q, if: locking) {
                    graph.setNeighbors(of: q, onLevel: lc, to: selected.lazy.map(\.slot))
                }
                var isLinkedBack = false
                for neighbor in selected {
                    withNodeLock(neighbor.slot, if: locking) {
                        if connect(neighbor.slot, to: q, distance: neighbor.distance, level: lc) { isLinkedBack = true }
                    }
                }
                // When every neighbour's heuristic pruned q away, nothing links to it and no search could
                // reach it: its nearest neighbour gives up its own farthest link for q.
                if !isLinkedBack, let nearest = selected.first {
                    withNodeLock(nearest.slot, if: locking) {
                        forceLink(nearest.slot, to: q, level: lc)
                    }
                }
                entry = found[0].slot
                entryDistance = found[0].distance
            }
        }
    }

    @inline(__always)
    private func withNodeLock(_ slot: Int32, if locking: Bool, _ body: () -> Void) {
        if locking { nodeLocks.withLock(for: slot, body) } else { body() }
    }

    /// Puts `q` in the list of `node` on `level`, in place of the neighbour farthest from `node` if full.
    func forceLink(_ node: Int32, to q: Int32, level: Int) {
        let list = graph.list(of: node, onLevel: level)
        let count = Int(list[0])
        for i in 0..<count where list[1 + i] == q { return }
        if count < graph.maxNeighbors(onLevel: level) {
            list[1 + count] = q
            list[0] = Int32(count + 1)
            return
        }
        var farthest = 0
        var farthestDistance = -Float.infinity
        for i in 0..<count {
            let d = storage.distance(Int(node), Int(list[1 + i]))
            if d > farthestDistance {
                farthestDistance = d
                farthest = i
            }
        }
        list[1 + farthest] = q
    }

    /// Adds `q` to the list of `node` on `level`; when the list is full, re-selects it with the heuristic.
    /// The caller holds the node's lock when other threads insert.
    /// - Returns: whether `q` is in the list afterwards.
    @discardableResult
    private func connect(_ node: Int32, to q: Int32, distance: Float, level: Int) -> Bool {
        do {
            let list = graph.list(of: node, onLevel: level)
            let count = Int(list[0])
            for i in 0..<count where list[1 + i] == q { return true }
            let limit = graph.maxNeighbors(onLevel: level)
            if count < limit {
                list[1 + count] = q
                list[0] = Int32(count + 1)
                return true
            }
            var candidates = [Candidate(distance: distance, slot: q)]
            candidates.reserveCapacity(count + 1)
            for i in 0..<count {
                let other = list[1 + i]
                candidates.append(Candidate(distance: storage.distance(Int(node), Int(other)), slot: other))
            }
            candidates.sort { $0.distance < $1.distance }
            let kept = selectNeighbors(candidates, maxCount: limit)
            graph.setNeighbors(of: node, onLevel: level, to: kept.lazy.map(\.slot))
            return kept.contains { $0.slot == q }
        }
    }
}

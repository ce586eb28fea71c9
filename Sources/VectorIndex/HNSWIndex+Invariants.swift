extension HNSWIndex {
    /// Audits the graph: entry point and top level agree, every list is within its size bound, holds no
    /// self-link and no duplicate, and names only slots that exist on that level; labels and slots map one to
    /// one. Returns the first problem found, or nil.
    /// - Complexity: O(slots · M0).
    func integrityProblem() -> String? {
        let slots = labels.count
        guard isDeleted.count == slots else { return "tombstone flags for \(isDeleted.count) of \(slots) slots" }
        if slots == 0 { return entryPoint == -1 ? nil : "empty index with entry point \(entryPoint)" }
        guard entryPoint >= 0, Int(entryPoint) < slots else { return "entry point \(entryPoint) out of range" }
        guard graph.level(of: entryPoint) == maxLevel else {
            return "entry point is on level \(graph.level(of: entryPoint)), top level is \(maxLevel)"
        }
        var seen = Set<Int32>()
        for slot in 0..<Int32(slots) {
            let level = graph.level(of: slot)
            guard level >= 0, level <= maxLevel else { return "slot \(slot) on level \(level) above the top" }
            for l in 0...level {
                let list = graph.list(of: slot, onLevel: l)
                let count = Int(list[0])
                guard count >= 0, count <= graph.maxNeighbors(onLevel: l) else {
                    return "slot \(slot) has \(count) neighbours on level \(l)"
                }
                seen.removeAll(keepingCapacity: true)
                for i in 0..<count {
                    let n = list[1 + i]
                    guard n >= 0, Int(n) < slots else { return "slot \(slot) links to missing slot \(n)" }
                    guard n != slot else { return "slot \(slot) links to itself" }
                    guard graph.level(of: n) >= l else { return "slot \(slot) links on level \(l) to slot \(n) below it" }
                    guard seen.insert(n).inserted else { return "slot \(slot) links twice to \(n)" }
                }
            }
        }
        var live = 0
        for slot in 0..<slots where !isDeleted[slot] {
            live += 1
            guard labelToSlot[labels[slot]] == Int32(slot) else { return "label of slot \(slot) maps elsewhere" }
        }
        guard live == labelToSlot.count, slots - live == deletedCount else { return "label map out of step" }
        return nil
    }

    /// Live labels no search can reach: not connected to the entry point through level-0 links. HNSW does not
    /// guarantee there are none (pruning can drop a node's last incoming link); insertion keeps one link back to
    /// every new node, and `compact()` rebuilds.
    /// - Complexity: O(slots · M0).
    public func unreachableLabels() -> [UInt64] {
        lock.withReadLock { unreachableSlots().map { labels[Int($0)] } }
    }

    /// Live slots not connected to the entry point through level-0 links (caller holds the lock).
    func unreachableSlots() -> [Int32] {
        guard entryPoint >= 0 else { return [] }
        var reached = [Bool](repeating: false, count: labels.count)
        var stack = [entryPoint]
        reached[Int(entryPoint)] = true
        while let slot = stack.popLast() {
            for n in graph.neighbors(of: slot, onLevel: 0) where !reached[Int(n)] {
                reached[Int(n)] = true
                stack.append(n)
            }
        }
        return labels.indices.filter { !reached[$0] && !isDeleted[$0] }.map { Int32($0) }
    }

    /// Throws `IndexError.corrupt` describing the first structural problem `integrityProblem()` finds.
    public func checkIntegrity() throws {
        if let problem = lock.withReadLock({ integrityProblem() }) {
            throw IndexError.corrupt(path: "(in memory)", reason: problem)
        }
    }
}

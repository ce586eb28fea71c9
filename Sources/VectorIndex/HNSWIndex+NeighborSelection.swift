extension HNSWIndex {
    /// The neighbour-selection heuristic (paper, Algorithm 4, without extending or keeping pruned candidates):
    /// walking `candidates` from nearest to farthest, keep one only when it is closer to the base node than to
    /// every neighbour kept so far. This spreads links over directions and keeps clusters connected.
    /// - Parameters:
    ///   - candidates: sorted by distance to the base node, nearest first.
    ///   - maxCount: the most to keep (M, or M0 on level 0).
    /// - Returns: the kept candidates, nearest first.
    /// - Complexity: O(candidates · maxCount) distance computations.
    func selectNeighbors(_ candidates: [Candidate], maxCount: Int) -> [Candidate] {
        guard candidates.count > maxCount else { return candidates }
        var selected: [Candidate] = []
        selected.reserveCapacity(maxCount)
        for candidate in candidates {
            if selected.count >= maxCount { break }
            var isDiverse = true
            for kept in selected
            where storage.distance(Int(candidate.slot), Int(kept.slot)) < candidate.distance {
                isDiverse = false
                break
            }
            if isDiverse { selected.append(candidate) }
        }
        return selected
    }
}

/// Maximal marginal relevance (Carbonell and Goldstein, 1998): picks results one by one, each maximising
/// `λ · sim(query, d) − (1 − λ) · max over picked p of sim(d, p)`, so near-duplicates of what is already
/// picked fall back.
public enum MaximalMarginalRelevance {
    /// The indices of up to `k` candidates in MMR order, with their MMR scores.
    /// - Parameters:
    ///   - query: the query vector (unit length for cosine).
    ///   - candidates: candidate vectors (unit length).
    ///   - lambda: 1 = relevance only, 0 = diversity only.
    /// - Complexity: O(k · n · d).
    public static func select(query: [Float], candidates: [[Float]], k: Int, lambda: Double) -> [(index: Int, score: Double)] {
        let relevance = candidates.map { Double(dot(query, $0)) }
        var maxSimilarity = [Double](repeating: -.infinity, count: candidates.count)
        var picked: [(Int, Double)] = []
        var available = Set(candidates.indices)
        while picked.count < k, !available.isEmpty {
            var best = -1
            var bestScore = -Double.infinity
            for index in available.sorted() {
                let redundancy = picked.isEmpty ? 0 : maxSimilarity[index]
                let score = lambda * relevance[index] - (1 - lambda) * redundancy
                if score > bestScore { best = index; bestScore = score }
            }
            picked.append((best, bestScore))
            available.remove(best)
            for index in available {
                maxSimilarity[index] = max(maxSimilarity[index], Double(dot(candidates[index], candidates[best])))
            }
        }
        return picked
    }

    static func dot(_ a: [Float], _ b: [Float]) -> Float {
        var sum: Float = 0
        for i in 0..<min(a.count, b.count) { sum += a[i] * b[i] }
        return sum
    }
}

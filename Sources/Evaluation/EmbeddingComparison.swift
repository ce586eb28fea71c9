import Foundation
import VectorIndex

/// Comparisons in embedding space, on L2-normalised vectors (cosine similarity = inner product).
public enum EmbeddingComparison {
    /// The samples that have another sample at cosine similarity `threshold` or more, found with an exact
    /// ``FlatIndex`` search.
    /// - Returns: for each sample, the index of its nearest other sample when that one is that close.
    public static func nearDuplicates(_ vectors: [[Float]], threshold: Double = 0.95,
                                      threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> [Int?] {
        guard vectors.count > 1, let dimension = vectors.first?.count else { return vectors.map { _ in nil } }
        let index = try FlatIndex(dimension: dimension, metric: .cosine)
        try index.add(vectors.map(Distance.normalized), labels: (0..<vectors.count).map(UInt64.init))
        let found = try index.search(batch: vectors.flatMap(Distance.normalized), k: 2, threads: threads)
        return found.enumerated().map { i, hits in
            guard let other = hits.first(where: { $0.label != UInt64(i) }) else { return nil }
            return Double(1 - other.distance) >= threshold ? Int(other.label) : nil
        }
    }

    /// Cosine distance (1 − cos) between the mean vectors of two sets: 0 when their centres point the same way.
    public static func meanDistance(_ a: [[Float]], _ b: [[Float]]) -> Double {
        guard let dimension = a.first?.count, !b.isEmpty else { return 0 }
        func mean(_ set: [[Float]]) -> [Float] {
            var sum = [Float](repeating: 0, count: dimension)
            for v in set { for j in 0..<dimension { sum[j] += v[j] } }
            return Distance.normalized(sum)
        }
        return Double(1 - Distance.dot(mean(a), mean(b)))
    }

    /// Improved precision and recall of generative models (Kynkäänniemi et al., 2019) with cosine distance:
    /// each real sample covers a ball reaching its `k`-th nearest real neighbour; precision is the share of
    /// generated samples inside some real ball, recall the share of real samples inside some generated ball.
    /// - Complexity: O(|generated| · |real| · dimension).
    public static func precisionRecall(generated: [[Float]], real: [[Float]], k: Int = 3) throws
        -> (precision: Double, recall: Double) {
        let g = generated.map(Distance.normalized), r = real.map(Distance.normalized)
        guard g.count > k, r.count > k else { return (0, 0) }
        let realRadii = try radii(r, k: k)
        let generatedRadii = try radii(g, k: k)
        // One pass over all pairs; distance = 1 - dot.
        var generatedCovered = [Bool](repeating: false, count: g.count)
        var realCovered = [Bool](repeating: false, count: r.count)
        for (i, x) in g.enumerated() {
            for (j, y) in r.enumerated() {
                let distance = 1 - Distance.dot(x, y)
                if distance <= realRadii[j] { generatedCovered[i] = true }
                if distance <= generatedRadii[i] { realCovered[j] = true }
            }
        }
        return (Double(generatedCovered.filter { $0 }.count) / Double(g.count),
                Double(realCovered.filter { $0 }.count) / Double(r.count))
    }

    /// Distance from each vector to its `k`-th nearest other vector of the same set.
    static func radii(_ set: [[Float]], k: Int) throws -> [Float] {
        let index = try FlatIndex(dimension: set[0].count, metric: .innerProduct)
        try index.add(set, labels: (0..<set.count).map(UInt64.init))
        let found = try index.search(batch: set.flatMap { $0 }, k: k + 1)
        return found.enumerated().map { i, hits in
            let others = hits.filter { $0.label != UInt64(i) }
            return others.count >= k ? others[k - 1].distance : (others.last?.distance ?? 0)
        }
    }
}

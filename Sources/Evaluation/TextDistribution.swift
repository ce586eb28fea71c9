import Foundation

/// Distributions of values compared by Jensen–Shannon divergence (words come from ``WordTokenizer``, distinct-n
/// from ``DistinctNGrams``).
public enum TextDistribution {
    /// Relative frequencies of the values.
    public static func frequencies<T: Hashable>(_ values: [T]) -> [T: Double] {
        var counts: [T: Double] = [:]
        for value in values { counts[value, default: 0] += 1 }
        let total = Double(values.count)
        return total == 0 ? [:] : counts.mapValues { $0 / total }
    }

    /// Jensen–Shannon divergence of two distributions, in bits: 0 for identical ones, 1 for disjoint ones.
    /// - Complexity: O(|p| + |q|).
    public static func jensenShannon<T: Hashable>(_ p: [T: Double], _ q: [T: Double]) -> Double {
        var divergence = 0.0
        for key in Set(p.keys).union(q.keys) {
            let a = p[key] ?? 0, b = q[key] ?? 0
            let m = (a + b) / 2
            if a > 0 { divergence += 0.5 * a * log2(a / m) }
            if b > 0 { divergence += 0.5 * b * log2(b / m) }
        }
        return min(max(divergence, 0), 1)
    }
}

/// A summary of a length distribution (in words).
public struct LengthSummary: Sendable, Codable, Equatable {
    public var count: Int
    public var min: Int
    public var max: Int
    public var mean: Double
    public var median: Double
    public var p90: Int

    /// The summary of `lengths` (all zero when empty).
    public init(_ lengths: [Int]) {
        let sorted = lengths.sorted()
        count = sorted.count
        min = sorted.first ?? 0
        max = sorted.last ?? 0
        mean = sorted.isEmpty ? 0 : Double(sorted.reduce(0, +)) / Double(sorted.count)
        if sorted.isEmpty {
            median = 0
        } else if sorted.count % 2 == 1 {
            median = Double(sorted[sorted.count / 2])
        } else {
            median = Double(sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }
        p90 = sorted.isEmpty ? 0 : sorted[Swift.min(sorted.count - 1, Int((Double(sorted.count) * 0.9).rounded(.up)) - 1)]
    }
}

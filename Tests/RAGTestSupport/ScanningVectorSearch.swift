import Foundation
import VectorIndex

/// A test fake behind ``VectorSearch``: a dictionary of vectors scanned with plain loops in Double, with no
/// BLAS, no graph and no cleverness, so that it is obviously right and can judge the real engines.
public final class ScanningVectorSearch: VectorSearch, @unchecked Sendable {
    public let dimension: Int
    public let metric: Metric
    private var vectors: [UInt64: [Float]] = [:]
    private let lock = NSLock()

    public init(dimension: Int, metric: Metric) {
        self.dimension = dimension
        self.metric = metric
    }

    public var count: Int { lock.withLock { vectors.count } }

    public func add(vectors newVectors: [Float], labels: [UInt64], threads: Int) throws {
        guard newVectors.count == labels.count * dimension else {
            throw IndexError.dimensionMismatch(expected: dimension, actual: newVectors.count / max(labels.count, 1))
        }
        lock.withLock {
            for (row, label) in labels.enumerated() {
                vectors[label] = Array(newVectors[(row * dimension)..<((row + 1) * dimension)])
            }
        }
    }

    @discardableResult
    public func remove(_ label: UInt64) -> Bool { lock.withLock { vectors.removeValue(forKey: label) != nil } }

    public func search(_ query: [Float], k: Int, ef: Int?, filter: SearchFilter?) throws -> [SearchResult] {
        guard query.count == dimension else { throw IndexError.dimensionMismatch(expected: dimension, actual: query.count) }
        let snapshot = lock.withLock { vectors }
        let scored = snapshot.filter { filter?.allows($0.key) ?? true }.map { label, vector in
            (label: label, distance: Self.distance(query, vector, metric: metric))
        }
        return scored.sorted { $0.distance < $1.distance || ($0.distance == $1.distance && $0.label < $1.label) }
            .prefix(k).map { SearchResult(label: $0.label, distance: Float($0.distance)) }
    }

    /// The distance of `metric`, as the engines define it (cosine and inner product as 1 − similarity).
    public static func distance(_ a: [Float], _ b: [Float], metric: Metric) -> Double {
        let dot = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        switch metric {
        case .l2: return zip(a, b).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
        case .innerProduct: return 1 - dot
        case .cosine:
            let norms = a.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
                * b.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            return norms > 0 ? 1 - dot / norms : 1
        }
    }
}

import Foundation
import VectorIndex

/// Shared fixtures: seeded clustered data and a naive exact oracle (plain loops, Double accumulation).
enum TestData {
    static func clustered(count: Int, dimension: Int, clusters: Int = 40, seed: UInt64 = 7) -> VectorSet {
        VectorSet.gaussianMixture(count: count, dimension: dimension, clusters: clusters, seed: seed)
    }

    /// Base vectors and queries drawn from one mixture (queries fall near the same clusters, as real ones do).
    static func baseAndQueries(
        count: Int, queries: Int, dimension: Int, clusters: Int = 40, seed: UInt64 = 7
    ) -> (base: VectorSet, queries: VectorSet) {
        let all = clustered(count: count + queries, dimension: dimension, clusters: clusters, seed: seed)
        return (VectorSet(dimension: dimension, values: Array(all.values[0..<(count * dimension)])),
                VectorSet(dimension: dimension, values: Array(all.values[(count * dimension)...])))
    }

    static func naiveDistance(_ a: [Float], _ b: [Float], metric: Metric) -> Double {
        switch metric {
        case .l2:
            return zip(a, b).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
        case .innerProduct:
            return 1 - zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        case .cosine:
            let dot = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            let na = a.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            let nb = b.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            return 1 - dot / (na * nb)
        }
    }

    /// Exact top-k labels by brute force over `rows` (label = row index), skipping what `allowed` rejects.
    static func naiveTopK(
        _ query: [Float], rows: [[Float]], k: Int, metric: Metric, allowed: (UInt64) -> Bool = { _ in true }
    ) -> [UInt64] {
        var scored: [(label: UInt64, distance: Double)] = []
        for (i, row) in rows.enumerated() where allowed(UInt64(i)) {
            scored.append((UInt64(i), naiveDistance(query, row, metric: metric)))
        }
        scored.sort { a, b in a.distance < b.distance || (a.distance == b.distance && a.label < b.label) }
        return scored.prefix(k).map { $0.label }
    }

    static func recall(_ found: [[SearchResult]], _ truth: [[SearchResult]]) -> Double {
        ANNRecall.recall(found: found, truth: truth)
    }

    /// A new path in this test process's directory, which is removed when the process exits.
    static func temporaryPath(_ name: String) -> String {
        processDirectory.appendingPathComponent("\(UUID().uuidString)-\(name)").path
    }

    private static let processDirectory: URL = {
        let dir = directoryOfThisProcess()
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: directoryOfThisProcess()) }
        return dir
    }()
}

private func directoryOfThisProcess() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("rag-tests-\(getpid())")
}

/// Recall helper local to the tests (the Evaluation module has its own; VectorIndex tests do not import it).
enum ANNRecall {
    static func recall(found: [[SearchResult]], truth: [[SearchResult]]) -> Double {
        var total = 0.0
        for (f, t) in zip(found, truth) {
            let expected = Set(t.map(\.label))
            total += Double(f.filter { expected.contains($0.label) }.count) / Double(max(expected.count, 1))
        }
        return total / Double(max(truth.count, 1))
    }
}

import Foundation
import RAGTestSupport
import Testing
import VectorIndex

/// Every engine behind `VectorSearch` honours the same contract; the exact ones are judged against a plain
/// scanning fake, and HNSW against the flat BLAS index, its oracle.
@Suite struct VectorSearchTests {
    static let dimension = 24
    static let count = 1_500

    enum Engine: String, CaseIterable, Sendable {
        case hnsw, flat, scanning

        func make(metric: Metric) throws -> any VectorSearch {
            switch self {
            case .hnsw:
                try HNSWIndex(configuration: HNSWConfiguration(
                    dimension: VectorSearchTests.dimension, metric: metric, connectivity: 16, expansionAdd: 100,
                    expansionSearch: 64, seed: 3))
            case .flat: try FlatIndex(dimension: VectorSearchTests.dimension, metric: metric)
            case .scanning: ScanningVectorSearch(dimension: VectorSearchTests.dimension, metric: metric)
            }
        }
    }

    /// Adds the base set, removes every tenth label and replaces label 1 with a copy of label 2's vector.
    func filled(_ engine: Engine, metric: Metric) throws -> (any VectorSearch, VectorSet, VectorSet) {
        let (base, queries) = TestData.baseAndQueries(count: Self.count, queries: 40, dimension: Self.dimension)
        let search = try engine.make(metric: metric)
        try search.add(vectors: base.values, labels: (0..<UInt64(Self.count)).map { $0 }, threads: 2)
        for label in stride(from: 0, to: UInt64(Self.count), by: 10) { #expect(search.remove(label)) }
        #expect(!search.remove(0), "a removed label is not present any more")
        try search.add(vectors: Array(base.values[(2 * Self.dimension)..<(3 * Self.dimension)]), labels: [1], threads: 1)
        return (search, base, queries)
    }

    @Test(arguments: Engine.allCases, [Metric.cosine, .l2])
    func keepsTheContract(engine: Engine, metric: Metric) throws {
        let (search, base, queries) = try filled(engine, metric: metric)
        #expect(search.count == Self.count - Self.count / 10)
        #expect(search.dimension == Self.dimension && search.metric == metric)
        let oracle = try Engine.scanning.make(metric: metric)
        try oracle.add(vectors: base.values, labels: (0..<UInt64(Self.count)).map { $0 }, threads: 1)
        for label in stride(from: 0, to: UInt64(Self.count), by: 10) { oracle.remove(label) }
        try oracle.add(vectors: Array(base.values[(2 * Self.dimension)..<(3 * Self.dimension)]), labels: [1], threads: 1)

        let odd = SearchFilter.labels(Set(stride(from: 1, to: UInt64(Self.count), by: 2)))
        var found: [[SearchResult]] = [], truth: [[SearchResult]] = []
        for row in 0..<queries.count {
            let query = Array(queries.values[(row * Self.dimension)..<((row + 1) * Self.dimension)])
            for filter in [nil, odd] {
                let hits = try search.search(query, k: 10, ef: 128, filter: filter)
                #expect(hits.count == 10)
                #expect(hits.allSatisfy { $0.label % 10 != 0 }, "a removed label came back")
                if filter != nil { #expect(hits.allSatisfy { $0.label % 2 == 1 }, "the filter was ignored") }
                #expect(zip(hits, hits.dropFirst()).allSatisfy { $0.distance <= $1.distance + 1e-5 }, "not nearest first")
                found.append(hits)
                truth.append(try oracle.search(query, k: 10, ef: nil, filter: filter))
            }
        }
        let recall = TestData.recall(found, truth)
        // Exact engines must agree with the scan (up to float ties); HNSW must come close.
        #expect(recall >= (engine == .hnsw ? 0.95 : 0.995), "\(engine) \(metric): recall \(recall)")
        // Label 1 now holds label 2's vector: searching with it finds both at distance 0.
        let copied = Array(base.values[(2 * Self.dimension)..<(3 * Self.dimension)])
        let nearest = try search.search(copied, k: 2, ef: 64, filter: nil)
        #expect(Set(nearest.map(\.label)) == [1, 2])
        #expect(try search.search(copied, k: 0, ef: nil, filter: nil).isEmpty)
        #expect(throws: IndexError.self) { try search.search([1, 2, 3], k: 1, ef: nil, filter: nil) }
    }
}

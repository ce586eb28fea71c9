import Testing
import VectorIndex

@Suite struct FlatIndexTests {
    @Test(arguments: Metric.allCases)
    func batchSearchMatchesBruteForce(metric: Metric) throws {
        let (data, queries) = TestData.baseAndQueries(count: 5_000, queries: 40, dimension: 24, seed: 3)
        let index = try FlatIndex(dimension: 24, metric: metric)
        try index.add(vectors: data.values, labels: (0..<5_000).map(UInt64.init))
        let results = try index.search(batch: queries.values, k: 10, threads: 2)
        let rows = data.rows
        var agree = 0
        for (i, q) in queries.rows.enumerated() {
            let truth = TestData.naiveTopK(q, rows: rows, k: 10, metric: metric)
            let got = results[i].map(\.label)
            #expect(got.count == 10)
            #expect(Set(got).count == got.count)
            // Float32 GEMM and Double loops can swap near-ties; the sets must agree almost everywhere.
            agree += Set(got).intersection(truth).count
            let distances = results[i].map(\.distance)
            #expect(distances == distances.sorted())
        }
        #expect(Double(agree) / Double(queries.count * 10) > 0.99)
    }

    @Test func removedAndFilteredLabelsAreNeverReturned() throws {
        let data = TestData.clustered(count: 2_000, dimension: 16)
        let index = try FlatIndex(dimension: 16)
        try index.add(vectors: data.values, labels: (0..<2_000).map(UInt64.init))
        for label in stride(from: 0, to: 2_000, by: 3) { index.remove(UInt64(label)) }
        let filter = SearchFilter.predicate { $0 % 2 == 0 }
        for q in data.rows.prefix(50) {
            let found = try index.search(q, k: 20, filter: filter)
            #expect(found.count == 20)
            #expect(found.allSatisfy { $0.label % 3 != 0 && $0.label % 2 == 0 })
        }
        #expect(index.count == 2_000 - 667)
    }

    @Test func rejectsWrongDimension() throws {
        let index = try FlatIndex(dimension: 8)
        #expect(throws: IndexError.dimensionMismatch(expected: 8, actual: 7)) {
            try index.add(vectors: [Float](repeating: 0, count: 7), labels: [1])
        }
    }
}

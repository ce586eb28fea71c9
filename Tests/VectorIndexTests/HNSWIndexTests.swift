import Foundation
import Testing
import VectorIndex

/// A 20,000-vector clustered set with exact neighbours, built once and shared by the suite's tests.
final class Fixture: Sendable {
    static let shared = try! Fixture()

    let dimension = 48
    let base: VectorSet
    let queries: VectorSet
    let truth: [[SearchResult]]
    let index: HNSWIndex

    init() throws {
        (base, queries) = TestData.baseAndQueries(count: 20_000, queries: 200, dimension: dimension, clusters: 50, seed: 11)
        let flat = try FlatIndex(dimension: dimension, metric: .cosine)
        try flat.add(vectors: base.values, labels: (0..<UInt64(base.count)).map { $0 })
        truth = try flat.search(batch: queries.values, k: 10)
        index = try HNSWIndex(configuration: HNSWConfiguration(dimension: dimension, expansionAdd: 100))
        try index.add(vectors: base.values, labels: (0..<UInt64(base.count)).map { $0 }, threads: 2)
    }
}

@Suite struct HNSWIndexTests {
    let fixture = Fixture.shared

    @Test func recallAt10IsAtLeast095OnClusteredData() throws {
        let found = try fixture.index.search(batch: fixture.queries.rows, k: 10, ef: 64)
        let recall = TestData.recall(found, fixture.truth)
        #expect(recall >= 0.95, "recall@10 = \(recall)")
        try fixture.index.checkIntegrity()
    }

    @Test func resultsAreSortedAndFreeOfDuplicates() throws {
        for q in fixture.queries.rows.prefix(50) {
            let found = try fixture.index.search(q, k: 50, ef: 80)
            #expect(found.count == 50)
            #expect(Set(found.map(\.label)).count == found.count)
            #expect(found.map(\.distance) == found.map(\.distance).sorted())
        }
    }

    @Test func concurrentSearchesGiveTheSameAnswersAsSerialOnes() throws {
        let rows = fixture.queries.rows
        let serial = try rows.map { try fixture.index.search($0, k: 10, ef: 48) }
        let parallel = try fixture.index.search(batch: rows, k: 10, ef: 48, threads: 4)
        #expect(serial == parallel)
        // And from Swift concurrency tasks as well.
        let index = fixture.index
        let fromTasks = try awaitAll(rows.count) { i in try index.search(rows[i], k: 10, ef: 48) }
        #expect(fromTasks == serial)
    }

    @Test func sameSeedAndOrderOnOneThreadBuildTheSameGraph() throws {
        let data = TestData.clustered(count: 3_000, dimension: 16)
        let labels = (0..<UInt64(3_000)).map { $0 }
        var files: [Data] = []
        for _ in 0..<2 {
            let index = try HNSWIndex(configuration: HNSWConfiguration(dimension: 16, seed: 5))
            try index.add(vectors: data.values, labels: labels, threads: 1)
            let path = TestData.temporaryPath("same.hnsw")
            try index.save(to: path)
            files.append(try Data(contentsOf: URL(fileURLWithPath: path)))
        }
        #expect(files[0] == files[1])
        let other = try HNSWIndex(configuration: HNSWConfiguration(dimension: 16, seed: 6))
        try other.add(vectors: data.values, labels: labels, threads: 1)
        let path = TestData.temporaryPath("other.hnsw")
        try other.save(to: path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) != files[0])
    }

    @Test func deletedLabelsAreNeverReturnedAndCompactionReclaimsThem() throws {
        let data = TestData.clustered(count: 5_000, dimension: 24)
        let index = try HNSWIndex(configuration: HNSWConfiguration(dimension: 24, expansionAdd: 100))
        try index.add(vectors: data.values, labels: (0..<UInt64(5_000)).map { $0 })
        var deleted = Set<UInt64>()
        for label in stride(from: UInt64(0), to: 5_000, by: 4) {
            #expect(index.remove(label))
            deleted.insert(label)
        }
        #expect(!index.remove(0))
        #expect(index.count == 5_000 - deleted.count)
        #expect(index.tombstoneCount == deleted.count)
        for i in 0..<100 {
            let found = try index.search(data[i * 50], k: 20, ef: 64)
            #expect(found.count == 20)
            #expect(found.allSatisfy { !deleted.contains($0.label) })
        }
        try index.compact()
        #expect(index.tombstoneCount == 0 && index.slotCount == 5_000 - deleted.count)
        try index.checkIntegrity()
        let flat = try FlatIndex(dimension: 24)
        let live = (0..<5_000).filter { !deleted.contains(UInt64($0)) }
        try flat.add(live.map { data[$0] }, labels: live.map(UInt64.init))
        let queries = (0..<100).map { data[$0 * 50 + 1] }
        let found = try index.search(batch: queries, k: 10, ef: 64)
        #expect(found.allSatisfy { $0.allSatisfy { !deleted.contains($0.label) } })
        #expect(TestData.recall(found, try flat.search(batch: queries.flatMap { $0 }, k: 10)) >= 0.95)
    }

    @Test func addingAnExistingLabelUpdatesItsVector() throws {
        let data = TestData.clustered(count: 2_000, dimension: 16)
        let index = try HNSWIndex(configuration: HNSWConfiguration(dimension: 16))
        try index.add(vectors: data.values, labels: (0..<UInt64(2_000)).map { $0 })
        let target = data[1_500]
        #expect(try index.search(target, k: 1).first?.label == 1_500)
        try index.add(target, label: 7)
        #expect(index.count == 2_000)
        let top = try index.search(target, k: 2).map(\.label)
        #expect(top.contains(7))
        #expect(try index.search(data[7], k: 5).allSatisfy { $0.label != 7 || $0.distance < 1e-3 })
        try index.checkIntegrity()
    }

    @Test func filtersAreRespectedAndKeepRecall() throws {
        let index = fixture.index
        let rows = fixture.queries.rows
        // A filter passing half: graph walk.
        let half = SearchFilter.predicate { $0 % 2 == 0 }
        // A filter passing 1%: exact scan over the allowed ids.
        let rare = Set((0..<UInt64(200)).map { $0 * 100 + 3 })
        let flat = try FlatIndex(dimension: fixture.dimension)
        try flat.add(vectors: fixture.base.values, labels: (0..<UInt64(fixture.base.count)).map { $0 })
        for filter in [half, SearchFilter.labels(rare)] {
            let found = try index.search(batch: rows, k: 10, ef: 64, filter: filter)
            let truth = try flat.search(batch: fixture.queries.values, k: 10, filter: filter)
            for result in found {
                #expect(result.count == 10)
                switch filter {
                case .labels(let set): #expect(result.allSatisfy { set.contains($0.label) })
                case .predicate: #expect(result.allSatisfy { $0.label % 2 == 0 })
                }
            }
            let recall = TestData.recall(found, truth)
            #expect(recall >= 0.95, "filtered recall \(recall)")
        }
        // A predicate passing 0.5%: must fall back to the exact path and still find all 10.
        let veryRare = SearchFilter.predicate { $0 % 200 == 1 }
        let found = try index.search(rows[0], k: 10, filter: veryRare)
        let truth = try flat.search(rows[0], k: 10, filter: veryRare)
        #expect(found.map(\.label) == truth.map(\.label))
    }

    @Test(arguments: [StorageKind.float16, .int8])
    func compactStorageKeepsRecallWithReranking(storage: StorageKind) throws {
        let index = try HNSWIndex(configuration: HNSWConfiguration(
            dimension: fixture.dimension, storage: storage, expansionAdd: 100))
        try index.add(vectors: fixture.base.values, labels: (0..<UInt64(fixture.base.count)).map { $0 })
        let found = try index.search(batch: fixture.queries.rows, k: 10, ef: 64)
        let recall = TestData.recall(found, fixture.truth)
        #expect(recall >= 0.93, "\(storage) recall@10 = \(recall)")
        // Re-ranked distances are the exact Float32 ones.
        let q = Distance.normalized(fixture.queries[0])
        for r in found[0] {
            let v = Distance.normalized(fixture.base[Int(r.label)])
            #expect(abs(r.distance - (1 - Distance.dot(q, v))) < 1e-5)
        }
    }

    @Test func rejectsBadParametersAndDimensions() throws {
        #expect(throws: IndexError.self) { try HNSWIndex(configuration: HNSWConfiguration(dimension: 8, connectivity: 1)) }
        #expect(throws: IndexError.self) { try HNSWIndex(configuration: HNSWConfiguration(dimension: 0)) }
        let index = try HNSWIndex(configuration: HNSWConfiguration(dimension: 8))
        #expect(throws: IndexError.dimensionMismatch(expected: 8, actual: 9)) {
            try index.add([Float](repeating: 1, count: 9), label: 1)
        }
        #expect(try index.search([Float](repeating: 1, count: 8), k: 5).isEmpty)
        #expect(throws: IndexError.dimensionMismatch(expected: 8, actual: 3)) { try index.search([1, 2, 3], k: 5) }
    }

    @Test(arguments: Metric.allCases)
    func everyMetricFindsTheExactNeighbours(metric: Metric) throws {
        let (data, queries) = TestData.baseAndQueries(count: 4_000, queries: 50, dimension: 32, seed: 21)
        let index = try HNSWIndex(configuration: HNSWConfiguration(dimension: 32, metric: metric))
        try index.add(vectors: data.values, labels: (0..<UInt64(4_000)).map { $0 })
        let flat = try FlatIndex(dimension: 32, metric: metric)
        try flat.add(vectors: data.values, labels: (0..<UInt64(4_000)).map { $0 })
        let recall = TestData.recall(
            try index.search(batch: queries.rows, k: 10, ef: 100), try flat.search(batch: queries.values, k: 10))
        #expect(recall >= 0.97, "\(metric) recall \(recall)")
    }
}

/// Runs `count` closures as concurrent tasks and returns their results in order.
func awaitAll<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) throws -> T) throws -> [T] {
    let results = LockedArray<T?>(repeating: nil, count: count)
    let group = DispatchGroup()
    for i in 0..<count {
        group.enter()
        DispatchQueue.global().async {
            results[i] = try? body(i)
            group.leave()
        }
    }
    group.wait()
    return try results.values.map { try #require($0) }
}

final class LockedArray<T>: @unchecked Sendable {
    private var items: [T]
    private let lock = NSLock()
    init(repeating value: T, count: Int) { items = Array(repeating: value, count: count) }
    subscript(i: Int) -> T {
        get { lock.withLock { items[i] } }
        set { lock.withLock { items[i] = newValue } }
    }
    var values: [T] { lock.withLock { items } }
}

@Suite struct ReachabilityTests {
    /// Many small batches with replaced and deleted labels and repeated vectors (what incremental ingest of
    /// real documents does: boilerplate chunks repeat) must not leave live nodes that no search can reach.
    /// The neighbour heuristic prunes a copy of an already-linked vector from every list. Insertion links every
    /// new node back from its nearest neighbour, but a later pruning can still drop a node's last incoming
    /// link (HNSW gives no guarantee), so the bound is a rate: at most 0.1% of live nodes.
    @Test func smallBatchesWithUpdatesLeaveNoUnreachableNodes() throws {
        var data = TestData.clustered(count: 6_000, dimension: 16, clusters: 30, seed: 77)
        for i in stride(from: 5, to: 6_000, by: 5) {
            let copy = data[i / 3]
            for j in 0..<16 { data.values[i * 16 + j] = copy[j] }
        }
        let index = try HNSWIndex(configuration: HNSWConfiguration(dimension: 16, connectivity: 8, expansionAdd: 64))
        var label: UInt64 = 0
        for start in stride(from: 0, to: 6_000, by: 7) {
            let end = min(start + 7, 6_000)
            let batch = Array(data.values[(start * 16)..<(end * 16)])
            let labels = (start..<end).map { UInt64($0) }
            try index.add(vectors: batch, labels: labels, threads: 1)
            if start % 49 == 0, start > 100 {
                index.remove(UInt64(start - 50))                       // a delete
                try index.add(data[start - 30], label: UInt64(start - 60))  // an update
            }
            label = UInt64(end)
        }
        #expect(label == 6_000)
        let unreachable = index.unreachableLabels()
        #expect(unreachable.count * 1_000 <= index.count, "\(unreachable.count) unreachable labels")
        // One thread: a parallel rebuild links in a different order each run, and this bound is near its edge.
        try index.compact(threads: 1)
        #expect(index.unreachableLabels().count * 1_000 <= index.count)
        try index.checkIntegrity()
    }
}

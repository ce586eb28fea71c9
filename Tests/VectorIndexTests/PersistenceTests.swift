import Foundation
import Testing
import VectorIndex

@Suite struct PersistenceTests {
    func builtIndex(storage: StorageKind = .float32, deleting: Bool = false) throws -> (HNSWIndex, VectorSet) {
        let data = TestData.clustered(count: 3_000, dimension: 20, seed: 31)
        let index = try HNSWIndex(configuration: HNSWConfiguration(dimension: 20, storage: storage))
        try index.add(vectors: data.values, labels: (0..<UInt64(3_000)).map { $0 * 3 + 1 })
        if deleting { for l in stride(from: UInt64(1), to: 9_000, by: 30) { index.remove(l) } }
        return (index, data)
    }

    @Test(arguments: StorageKind.allCases)
    func saveThenLoadGivesIdenticalResults(storage: StorageKind) throws {
        let (index, data) = try builtIndex(storage: storage, deleting: true)
        let path = TestData.temporaryPath("index.hnsw")
        try index.save(to: path, watermark: 123_456)
        let loaded = try HNSWIndex.load(from: path)
        #expect(loaded.watermark == 123_456)
        #expect(loaded.configuration == index.configuration)
        #expect(loaded.count == index.count && loaded.tombstoneCount == index.tombstoneCount)
        try loaded.checkIntegrity()
        for i in stride(from: 0, to: 3_000, by: 37) {
            #expect(try loaded.search(data[i], k: 10) == index.search(data[i], k: 10))
        }
        // The loaded index keeps growing the same way as the original.
        let extra = TestData.clustered(count: 10, dimension: 20, seed: 99)
        try index.add(vectors: extra.values, labels: (100_000..<100_010).map { $0 }, threads: 1)
        try loaded.add(vectors: extra.values, labels: (100_000..<100_010).map { $0 }, threads: 1)
        #expect(try loaded.search(extra[3], k: 10) == index.search(extra[3], k: 10))
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp-\(getpid())"))
    }

    @Test func truncatedFileIsRejected() throws {
        let (index, _) = try builtIndex()
        let path = TestData.temporaryPath("t.hnsw")
        try index.save(to: path)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        for cut in [data.count - 1, data.count / 2, 200, 100, 4] {
            try data.prefix(cut).write(to: URL(fileURLWithPath: path))
            #expect(throws: IndexError.self) { try HNSWIndex.load(from: path) }
            do {
                _ = try HNSWIndex.load(from: path)
            } catch let error as IndexError {
                switch error {
                case .truncated, .foreignFile: break
                default: Issue.record("cut at \(cut): expected truncated, got \(error)")
                }
            }
        }
    }

    @Test func corruptPayloadOrHeaderIsRejected() throws {
        let (index, _) = try builtIndex()
        let path = TestData.temporaryPath("c.hnsw")
        try index.save(to: path)
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        for offset in [20, 40, 130, original.count / 2, original.count - 3] {
            var bytes = original
            bytes[offset] ^= 0x10
            try bytes.write(to: URL(fileURLWithPath: path))
            #expect {
                try HNSWIndex.load(from: path)
            } throws: { error in
                guard case .corrupt = error as? IndexError else { return false }
                return true
            }
        }
        var appended = original
        appended.append(contentsOf: [1, 2, 3, 4, 5, 6, 7, 8])
        try appended.write(to: URL(fileURLWithPath: path))
        #expect(throws: IndexError.self) { try HNSWIndex.load(from: path) }
    }

    @Test func foreignAndMissingFilesAreRejected() throws {
        let path = TestData.temporaryPath("foreign.hnsw")
        try Data("SQLite format 3\0 and then some more bytes to pass the length check".utf8)
            .write(to: URL(fileURLWithPath: path))
        #expect(throws: IndexError.foreignFile(path: path)) { try HNSWIndex.load(from: path) }
        #expect {
            try HNSWIndex.load(from: "/nonexistent/dir/x.hnsw")
        } throws: { error in
            guard case .io(let p, _) = error as? IndexError else { return false }
            return p == "/nonexistent/dir/x.hnsw"
        }
    }

    @Test func emptyIndexRoundTrips() throws {
        let index = try HNSWIndex(configuration: HNSWConfiguration(dimension: 4))
        let path = TestData.temporaryPath("empty.hnsw")
        try index.save(to: path)
        let loaded = try HNSWIndex.load(from: path)
        #expect(loaded.count == 0)
        #expect(try loaded.search([1, 0, 0, 0], k: 3).isEmpty)
    }
}

@Suite struct VectorFileTests {
    @Test(arguments: ["fvecs", "npy"])
    func roundTrip(ext: String) throws {
        let set = TestData.clustered(count: 33, dimension: 7)
        let path = TestData.temporaryPath("v.\(ext)")
        try set.write(path: path)
        #expect(try VectorSet.read(path: path) == set)
    }

    @Test func badFilesNameTheProblem() throws {
        let path = TestData.temporaryPath("bad.fvecs")
        try Data([1, 0, 0, 0, 0, 0]).write(to: URL(fileURLWithPath: path))
        #expect {
            try VectorSet.read(path: path)
        } throws: { error in
            guard case .badVectorFile(let p, let reason) = error as? IndexError else { return false }
            return p == path && reason.contains("multiple")
        }
        let npy = TestData.temporaryPath("bad.npy")
        try Data("not numpy at all".utf8).write(to: URL(fileURLWithPath: npy))
        #expect(throws: IndexError.self) { try VectorSet.read(path: npy) }
    }
}

import RAGTestSupport
import Foundation
import Testing
import Retrieval
import Store

@Suite struct ChunkIndexTests {
    /// A store with `count` single-chunk sources.
    func makeStore(_ dir: TemporaryDirectory, count: Int) throws -> CorpusStore {
        let store = try CorpusStore(path: dir.file("db.sqlite"))
        try store.bind(embedder: StoreFixtures.embedder)
        _ = try store.replace((0..<count).map { StoreFixtures.update("/doc\($0).txt", ["text \($0)"], seed: $0 * 7) })
        return store
    }

    func labels(_ index: ChunkIndex) -> Set<Int64> { Set(index.index.allLabels.map { Int64($0) }) }

    @Test func missingIndexIsBuiltFromTheDatabase() throws {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir, count: 50)
        let index = try ChunkIndex.open(for: store, dimension: 8)
        #expect(index.repair == .created(count: 50))
        #expect(labels(index) == Set(try store.vectorChunkIDs()))
        #expect(FileManager.default.fileExists(atPath: store.indexPath))
        #expect(try ChunkIndex.open(for: store, dimension: 8).repair == .upToDate)
        #expect(try ChunkIndex.health(of: store).status == "ok")
    }

    @Test func staleIndexCatchesUpWithAddedAndDeletedChunks() throws {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir, count: 30)
        _ = try ChunkIndex.open(for: store, dimension: 8)
        // Changes made behind the index's back, as by a run killed before it saved the index.
        _ = try store.replace([StoreFixtures.update("/new.txt", ["fresh", "more"], seed: 99)])
        #expect(try ChunkIndex.health(of: store).status == "stale")
        let caughtUp = try ChunkIndex.open(for: store, dimension: 8)
        #expect(caughtUp.repair == .caughtUp(added: 2, removed: 0))
        _ = try store.removeSources(["/doc3.txt", "/doc4.txt"])
        _ = try store.replace([StoreFixtures.update("/doc5.txt", ["changed"], hash: "new", seed: 1234)])
        let repaired = try ChunkIndex.open(for: store, dimension: 8)
        #expect(repaired.repair == .caughtUp(added: 1, removed: 3))
        #expect(labels(repaired) == Set(try store.vectorChunkIDs()))
        #expect(try ChunkIndex.health(of: store).status == "ok")
    }

    @Test(arguments: ["corrupt", "truncated", "foreign"])
    func damagedIndexIsRebuilt(damage: String) throws {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir, count: 40)
        _ = try ChunkIndex.open(for: store, dimension: 8)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: store.indexPath))
        switch damage {
        case "corrupt": bytes[bytes.count - 10] ^= 0xFF
        case "truncated": bytes = bytes.prefix(bytes.count / 2)
        default: bytes = Data("not an index at all".utf8)
        }
        try bytes.write(to: URL(fileURLWithPath: store.indexPath))
        #expect(try ChunkIndex.health(of: store).status == "unreadable")
        let index = try ChunkIndex.open(for: store, dimension: 8)
        guard case let .rebuilt(_, count) = index.repair else {
            Issue.record("expected a rebuild, got \(index.repair)")
            return
        }
        #expect(count == 40)
        #expect(labels(index) == Set(try store.vectorChunkIDs()))
        #expect(try ChunkIndex.open(for: store, dimension: 8).repair == .upToDate)
    }

    @Test func searchFindsTheStoredVector() throws {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir, count: 20)
        let index = try ChunkIndex.open(for: store, dimension: 8)
        let ids = try store.vectorChunkIDs()
        let hits = try index.search(StoreFixtures.vector(7 * 7), k: 1)
        #expect(hits.first?.chunkID == ids[7])
        let filtered = try index.search(StoreFixtures.vector(7 * 7), k: 3, allowed: [ids[1], ids[2]])
        #expect(Set(filtered.map(\.chunkID)).isSubset(of: [ids[1], ids[2]]))
    }

    @Test func newDatabaseDiscardsALeftoverIndexFile() throws {
        let dir = TemporaryDirectory()
        let store = try makeStore(dir, count: 5)
        _ = try ChunkIndex.open(for: store, dimension: 8)
        try FileManager.default.removeItem(atPath: store.path)
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: store.path + suffix) }
        let fresh = try CorpusStore(path: store.path)
        #expect(!FileManager.default.fileExists(atPath: fresh.indexPath))
    }
}

import RAGTestSupport
import Foundation
import GRDB
import Testing
import Store

@Suite struct CorpusStoreTests {
    @Test func writesAndReadsBackDocumentsChunksAndVectors() throws {
        let dir = TemporaryDirectory()
        let store = try CorpusStore(path: dir.file("db.sqlite"))
        try store.bind(embedder: StoreFixtures.embedder)
        let result = try store.replace([StoreFixtures.update("/a.txt", ["alpha beta", "gamma delta"])])
        #expect(result.removedChunkIDs.isEmpty)
        #expect(result.addedChunkIDs.count == 2)
        let chunks = try store.chunks(ids: result.addedChunkIDs.reversed())
        #expect(chunks.map(\.text) == ["gamma delta", "alpha beta"])
        #expect(chunks[1].headingPath == ["Top", "Section 0"])
        #expect(chunks[1].documentTitle == "Title of /a.txt")
        let vectors = try store.vectors(ids: result.addedChunkIDs, dimension: 8)
        #expect(vectors[result.addedChunkIDs[0]] == StoreFixtures.vector(0))
        #expect(try store.integrityProblems().isEmpty)
    }

    @Test func replacingASourceRemovesItsOldChunksVectorsAndFullTextRows() throws {
        let dir = TemporaryDirectory()
        let store = try CorpusStore(path: dir.file("db.sqlite"))
        let first = try store.replace([StoreFixtures.update("/a.txt", ["walrus tusk", "penguin"])])
        let second = try store.replace([StoreFixtures.update("/a.txt", ["zebra stripes"], hash: "h2")])
        #expect(Set(second.removedChunkIDs) == Set(first.addedChunkIDs))
        #expect(try store.fullTextSearch(expression: "\"walrus\"", limit: 10).isEmpty)
        #expect(try store.fullTextSearch(expression: "\"zebra\"", limit: 10).map(\.chunkID) == second.addedChunkIDs)
        #expect(try store.vectorChunkIDs() == second.addedChunkIDs)
        #expect(try store.sourceFingerprints()["/a.txt"]?.contentHash == "h2")
        #expect(second.addedChunkIDs.allSatisfy { $0 > first.addedChunkIDs.max()! }, "chunk ids are never reused")
        #expect(try store.integrityProblems().isEmpty)
    }

    @Test func removingSourcesDeletesEverythingOfThem() throws {
        let dir = TemporaryDirectory()
        let store = try CorpusStore(path: dir.file("db.sqlite"))
        _ = try store.replace([StoreFixtures.update("/a.txt", ["one"]), StoreFixtures.update("/b.txt", ["two"], seed: 5)])
        let removed = try store.removeSources(["/a.txt"])
        #expect(removed.count == 1)
        #expect(try store.sources() == ["/b.txt"])
        #expect(try store.statistics().chunks == 1)
        #expect(try store.integrityProblems().isEmpty)
    }

    @Test func refusesAnotherEmbedder() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("db.sqlite")
        try CorpusStore(path: path).bind(embedder: StoreFixtures.embedder)
        let reopened = try CorpusStore(path: path)
        let other = EmbedderInfo(name: "other-model", dimension: 8, isNormalized: true)
        #expect(throws: StoreError.embedderMismatch(path: path, stored: StoreFixtures.embedder, requested: other)) {
            try reopened.bind(embedder: other)
        }
        #expect("\(StoreError.embedderMismatch(path: path, stored: StoreFixtures.embedder, requested: other))"
            .contains("was built with embedder test-8"))
        try reopened.bind(embedder: StoreFixtures.embedder)
    }

    /// Opening a current database only reads: it succeeds while another connection holds the write lock (a
    /// running ingest) instead of waiting for it, and sees what that writer has committed.
    @Test func opensWhileAnotherConnectionIsWriting() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("db.sqlite")
        // Kept open, as an ingest keeps its store: the database stays in WAL mode with a non-empty log.
        let ingest = try CorpusStore(path: path)
        _ = try ingest.replace([StoreFixtures.update("/a.txt", ["walrus tusk"])])
        var configuration = Configuration()
        configuration.busyMode = .immediateError
        let writer = try DatabaseQueue(path: path, configuration: configuration)
        try writer.inTransaction(.immediate) { db in
            try db.execute(sql: "DELETE FROM documents")
            let reader = try CorpusStore(path: path, create: false)
            #expect(try reader.documentPaths() == ["/a.txt"])
            return .rollback
        }
        withExtendedLifetime(ingest) {}
    }

    /// Commands creating the same new database at once all succeed: one switches it to WAL and migrates, the
    /// others wait for that and accept it (without the retry about a third of the rounds failed with "database is
    /// locked" or "table ... already exists").
    @Test func concurrentOpensOfANewDatabaseAllSucceed() throws {
        let dir = TemporaryDirectory()
        let failures = Failures()
        for round in 0..<60 {
            let path = dir.file("db\(round).sqlite")
            DispatchQueue.concurrentPerform(iterations: 4) { _ in
                do { _ = try CorpusStore(path: path) } catch { failures.add("\(error)") }
            }
        }
        #expect(failures.all.isEmpty, "\(failures.all)")
    }

    @Test func missingDatabaseIsAClearError() throws {
        let dir = TemporaryDirectory()
        #expect(throws: StoreError.databaseNotFound(path: dir.file("none.sqlite"))) {
            _ = try CorpusStore(path: dir.file("none.sqlite"), create: false)
        }
    }

    @Test func notADatabaseIsAClearError() throws {
        let dir = TemporaryDirectory()
        try dir.write("junk.sqlite", String(repeating: "this is not sqlite\n", count: 100))
        #expect {
            _ = try CorpusStore(path: dir.file("junk.sqlite"))
        } throws: { error in
            guard case let StoreError.cannotOpen(path, _) = error else { return false }
            return path == dir.file("junk.sqlite")
        }
    }

    @Test func filtersByPathGlobAndMetadata() throws {
        let dir = TemporaryDirectory()
        let store = try CorpusStore(path: dir.file("db.sqlite"))
        let a = try store.replace([StoreFixtures.update("/docs/a.txt", ["shared words here"], metadata: ["lang": "en"])])
        let b = try store.replace([StoreFixtures.update("/other/b.txt", ["shared words there"], seed: 3,
                                                        metadata: ["lang": "de"])])
        #expect(try store.chunkIDs(matching: ChunkFilter(pathGlobs: ["/docs/*"])) == Set(a.addedChunkIDs))
        #expect(try store.chunkIDs(matching: ChunkFilter(metadata: [("lang", "de")])) == Set(b.addedChunkIDs))
        #expect(try store.chunkIDs(matching: ChunkFilter(metadata: [("format", "text")])).count == 2)
        let hits = try store.fullTextSearch(expression: "\"shared\"", limit: 10, filter: ChunkFilter(metadata: [("lang", "en")]))
        #expect(hits.map(\.chunkID) == a.addedChunkIDs)
    }
}

private final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []
    func add(_ message: String) { lock.withLock { messages.append(message) } }
    var all: [String] { lock.withLock { messages } }
}

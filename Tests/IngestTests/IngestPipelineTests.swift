import RAGTestSupport
import Embeddings
import Foundation
import Retrieval
import Store
import Testing
import Ingest

@Suite struct IngestPipelineTests {
    let embedder = HashingEmbedder(dimension: 64)

    /// A directory of small files of every text format.
    func makeCorpus() throws -> TemporaryDirectory {
        let dir = TemporaryDirectory()
        try dir.write("docs/guide.md", "# Guide\n\nThe walrus lives in the Arctic.\n\n## Food\n\nIt eats clams.")
        try dir.write("docs/notes.txt", "Notes\n\nPenguins live in the south.")
        try dir.write("docs/page.html", "<html><title>Page</title><body><h1>Page</h1><p>Zebras have stripes.</p></body></html>")
        try dir.write("docs/records.jsonl", "{\"_id\": \"r1\", \"title\": \"Owls\", \"text\": \"Owls hunt at night.\"}\n"
                      + "{\"_id\": \"r2\", \"text\": \"Bats too.\", \"kind\": \"mammal\"}\n")
        return dir
    }

    func ingest(_ paths: [String], db: String, prune: Bool = false, embedder: (any Embedder)? = nil) throws -> IngestSummary {
        var options = IngestOptions()
        options.prune = prune
        return try IngestPipeline(store: try CorpusStore(path: db), embedder: embedder ?? self.embedder, options: options)
            .run(paths: paths)
    }

    @Test func firstRunIngestsEverythingAndARerunIsANoOp() throws {
        let dir = try makeCorpus()
        let db = dir.file("db.sqlite")
        let first = try ingest([dir.file("docs")], db: db)
        #expect(first.files == 4)
        #expect(first.documents == 5, "one a file, one a JSONL record")
        #expect(first.failed == 0 && first.skipped == 0)
        let store = try CorpusStore(path: db)
        let before = try store.statistics()
        #expect(before.chunks == first.chunks)
        #expect(try store.documentPaths().contains(dir.file("docs/records.jsonl") + "#r2"))

        let second = try ingest([dir.file("docs")], db: db)
        #expect(second.documents == 0 && second.chunks == 0)
        #expect(second.unchanged == 4)
        #expect(try store.statistics().chunks == before.chunks)
        #expect(try store.integrityProblems().isEmpty)
        #expect(try ChunkIndex.health(of: store).status == "ok")
    }

    @Test func changedFileReplacesItsChunks() throws {
        let dir = try makeCorpus()
        let db = dir.file("db.sqlite")
        _ = try ingest([dir.file("docs")], db: db)
        try dir.write("docs/notes.txt", "Notes\n\nAlbatrosses glide for hours.")
        let summary = try ingest([dir.file("docs")], db: db)
        #expect(summary.documents == 1 && summary.unchanged == 3)
        let store = try CorpusStore(path: db)
        #expect(try store.lexicalSearch("penguins", limit: 5).isEmpty)
        #expect(try store.lexicalSearch("albatrosses", limit: 5).count == 1)
        #expect(try ChunkIndex.health(of: store).status == "ok")
        #expect(try store.integrityProblems().isEmpty)
    }

    @Test func pruneRemovesDocumentsOfDeletedFiles() throws {
        let dir = try makeCorpus()
        let db = dir.file("db.sqlite")
        _ = try ingest([dir.file("docs")], db: db)
        try FileManager.default.removeItem(atPath: dir.file("docs/page.html"))
        let withoutPrune = try ingest([dir.file("docs")], db: db)
        #expect(withoutPrune.removed == 0)
        #expect(try CorpusStore(path: db).sources().contains(dir.file("docs/page.html")))
        let pruned = try ingest([dir.file("docs")], db: db, prune: true)
        #expect(pruned.removed == 1)
        let store = try CorpusStore(path: db)
        #expect(!(try store.sources().contains(dir.file("docs/page.html"))))
        #expect(try store.lexicalSearch("zebras", limit: 5).isEmpty)
        #expect(try ChunkIndex.health(of: store).status == "ok")
    }

    @Test func badFilesAreCountedAndNeverStopARun() throws {
        let dir = try makeCorpus()
        try dir.write("docs/empty.txt", "")
        try Data([0x89, 0x50, 0x4E, 0x47, 0, 0, 0, 0]).write(to: URL(fileURLWithPath: dir.file("docs/image.txt")))
        try Data([0x63, 0x61, 0x66, 0xE9]).write(to: URL(fileURLWithPath: dir.file("docs/latin1.txt")))
        try dir.write("docs/broken.jsonl", "{\"text\": \"fine\"}\nnot json\n")
        try dir.write("docs/picture.png", "not really")
        try dir.write("docs/broken.pdf", "%PDF-1.4 nonsense")
        let summary = try ingest([dir.file("docs")], db: dir.file("db.sqlite"))
        #expect(summary.documents == 7, "the corpus, latin1.txt and the good line of broken.jsonl")
        #expect(summary.skipped == 3, "empty, binary, unsupported .png")
        #expect(summary.failed == 1, "broken pdf")
        let reasons = Dictionary(uniqueKeysWithValues: (summary.failures + summary.skips).map {
            (URL(fileURLWithPath: $0.path).lastPathComponent, $0.reason)
        })
        #expect(summary.badLines == [FileProblem(path: dir.file("docs/broken.jsonl"), reason: "invalid JSON", line: 2)])
        #expect(summary.decodingNotes.map(\.encoding) == [TextEncodingReport(encoding: "windows-1252", source: .guessed,
                                                                              replacements: 0)])
        #expect(reasons["empty.txt"] == "empty (no text)")
        #expect(reasons["image.txt"] == "binary file")
        #expect(reasons["picture.png"] == "unsupported format .png")
        #expect(reasons["broken.pdf"] == "PDF damaged or cut short, nothing readable: Syntax Error: Couldn't find trailer dictionary; "
                + "Syntax Error: Couldn't read xref table", "poppler's own words")
    }

    @Test func includeAndExcludeGlobs() throws {
        let dir = try makeCorpus()
        var options = IngestOptions()
        options.includes = ["*.md", "*.txt"]
        options.excludes = ["notes.*"]
        let summary = try IngestPipeline(store: try CorpusStore(path: dir.file("db.sqlite")), embedder: embedder,
                                         options: options).run(paths: [dir.file("docs")])
        #expect(summary.files == 1 && summary.documents == 1)
    }

    @Test func anotherEmbedderIsRefused() throws {
        let dir = try makeCorpus()
        let db = dir.file("db.sqlite")
        _ = try ingest([dir.file("docs")], db: db)
        #expect {
            _ = try ingest([dir.file("docs")], db: db, embedder: HashingEmbedder(dimension: 32))
        } throws: { error in
            guard case let StoreError.embedderMismatch(_, stored, requested) = error else { return false }
            return stored.name == "hash-64" && requested.name == "hash-32"
        }
    }

    @Test func missingPathIsAnErrorNamingIt() throws {
        let dir = TemporaryDirectory()
        #expect(throws: IngestError.pathNotFound(path: dir.file("nope"))) {
            _ = try ingest([dir.file("nope")], db: dir.file("db.sqlite"))
        }
    }
}

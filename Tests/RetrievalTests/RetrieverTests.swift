import RAGTestSupport
import Embeddings
import Foundation
import Ingest
import Store
import Testing
import Retrieval

@Suite struct RetrieverTests {
    let embedder = HashingEmbedder(dimension: 128)

    /// A database of 60 Cranfield abstracts, each a document of the JSONL file, and one Markdown file.
    func makeDatabase(_ dir: TemporaryDirectory) throws -> CorpusStore {
        let lines = try String(contentsOfFile: SharedData.path("retrieval/cranfield/corpus.jsonl"), encoding: .utf8)
            .split(separator: "\n").prefix(60)
        try dir.write("corpus/cranfield.jsonl", lines.joined(separator: "\n"))
        try dir.write("corpus/notes/guide.md", "# Guide\n\nBoundary layer notes: the walrus of aerodynamics.")
        let store = try CorpusStore(path: dir.file("db.sqlite"))
        _ = try IngestPipeline(store: store, embedder: embedder, options: IngestOptions()).run(paths: [dir.file("corpus")])
        return store
    }

    @Test func everyModeFindsAnExactPassage() throws {
        let dir = TemporaryDirectory()
        let store = try makeDatabase(dir)
        let retriever = try Retriever(store: store, embedder: embedder)
        let target = try #require(try store.chunks(documentPath: dir.file("corpus/cranfield.jsonl") + "#12").first)
        for mode in SearchMode.allCases {
            let results = try retriever.search(target.text, options: SearchOptions(k: 5, mode: mode))
            #expect(results.first?.chunk.id == target.id, "\(mode)")
            #expect(results.count == 5)
        }
        let hybrid = try retriever.search(target.text, options: SearchOptions(k: 5, mode: .hybrid))
        #expect(hybrid.first?.denseRank == 1 && hybrid.first?.lexicalRank == 1)
    }

    @Test func filtersRestrictEveryMode() throws {
        let dir = TemporaryDirectory()
        let store = try makeDatabase(dir)
        let retriever = try Retriever(store: store, embedder: embedder)
        for mode in SearchMode.allCases {
            let byPath = try retriever.search("boundary layer", options: SearchOptions(
                k: 5, mode: mode, filter: ChunkFilter(pathGlobs: ["*/notes/*"])))
            #expect(byPath.map(\.chunk.documentPath) == [dir.file("corpus/notes/guide.md")], "\(mode)")
            let byMetadata = try retriever.search("boundary layer", options: SearchOptions(
                k: 5, mode: mode, filter: ChunkFilter(metadata: [("_id", "7")])))
            #expect(byMetadata.allSatisfy { $0.chunk.documentPath.hasSuffix("#7") }, "\(mode)")
            #expect(byMetadata.count == 1, "\(mode)")
        }
    }

    @Test func mmrReturnsKDistinctResults() throws {
        let dir = TemporaryDirectory()
        let retriever = try Retriever(store: try makeDatabase(dir), embedder: embedder)
        let results = try retriever.search("boundary layer flow", options: SearchOptions(k: 6, mode: .hybrid, mmrLambda: 0.5))
        #expect(results.count == 6)
        #expect(Set(results.map(\.chunk.id)).count == 6)
    }

    @Test func lexicalSearchNeedsNoEmbedderAndSurvivesPunctuation() throws {
        let dir = TemporaryDirectory()
        let retriever = try Retriever(store: try makeDatabase(dir), embedder: nil)
        for query in ["\"boundary-layer\" AND (flow OR", "NEAR(wing*, 3) -- ;", "col:value ^ {x}"] {
            _ = try retriever.search(query, options: SearchOptions(k: 3, mode: .lexical))
        }
        #expect(throws: RetrievalError.embedderRequired(mode: "dense")) {
            _ = try retriever.search("wing", options: SearchOptions(mode: .dense))
        }
        #expect(throws: RetrievalError.emptyQuery) { _ = try retriever.search("  ", options: SearchOptions()) }
    }

    @Test func anotherEmbedderIsRefused() throws {
        let dir = TemporaryDirectory()
        let store = try makeDatabase(dir)
        #expect(throws: StoreError.self) { _ = try Retriever(store: store, embedder: HashingEmbedder(dimension: 64)) }
    }
}

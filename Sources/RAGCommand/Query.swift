import ArgumentParser
import Embeddings
import Foundation
import Retrieval
import Store

extension Rag {
    /// `rag query TEXT --db FILE`: dense, lexical or hybrid search over a corpus database.
    struct Query: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Search a corpus database.",
            discussion: """
                dense: nearest chunk vectors in the HNSW index; lexical: SQLite FTS5 ranked by BM25 (the query's \
                words are quoted, so punctuation is safe); hybrid: reciprocal rank fusion (k = 60) of both. \
                The embedder must be the one the database was built with. With --json, prints \
                {"results": [{"chunk_id", "document", "score", "text", ...}]}.
                """
        )

        @Argument(help: "The query text.") var text: String
        @Option(help: "The database file.") var db: String
        @Option(name: .short, help: "Number of results.") var k = 10
        @Option(help: "dense, lexical or hybrid.") var mode: SearchMode = .hybrid
        @Option(name: .customLong("where"), help: "Metadata filter KEY=VALUE (repeatable; all must hold).")
        var conditions: [String] = []
        @Option(name: .customLong("path"), help: "Only documents whose path matches this glob (repeatable).")
        var pathGlobs: [String] = []
        @Option(help: "Diversify with maximal marginal relevance, LAMBDA in 0...1 (1 = relevance only).")
        var mmr: Double?
        @Option(help: "HNSW candidate list size.") var ef: Int?
        @Flag(help: "Dense search by an exact scan of all stored vectors instead of HNSW.") var exact = false
        @OptionGroup var embedding: EmbedderOptions
        @Flag(help: "Print one JSON object.") var json = false

        func validate() throws {
            if k <= 0 { throw ValidationError("-k must be positive") }
            if let mmr, !(0...1).contains(mmr) { throw ValidationError("--mmr must be in 0...1") }
            for condition in conditions where !condition.contains("=") || condition.hasPrefix("=") {
                throw ValidationError("--where takes KEY=VALUE, got \(condition)")
            }
        }

        func run() async throws {
            let store = try CorpusStore(path: db, create: false)
            let needsEmbedder = mode != .lexical || mmr != nil
            let embedder = needsEmbedder ? try embedding.makeEmbedder() : nil
            let retriever = try Retriever(store: store, embedder: embedder)
            var options = SearchOptions(k: k, mode: mode, mmrLambda: mmr, ef: ef)
            options.exact = exact
            options.filter = ChunkFilter(pathGlobs: pathGlobs.map(Self.absoluteGlob), metadata: conditions.map {
                let parts = $0.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                return (String(parts[0]), String(parts[1]))
            })
            let results = try retriever.search(text, options: options)
            if json {
                try Output.printJSON(QueryReport(query: text, mode: mode.rawValue, results: results), snakeCaseKeys: true)
            } else if results.isEmpty {
                print("no results")
            } else {
                for (rank, result) in results.enumerated() {
                    let chunk = result.chunk
                    var heading = chunk.headingPath.joined(separator: " > ")
                    if let page = chunk.page { heading += heading.isEmpty ? "page \(page)" : ", page \(page)" }
                    print(String(format: "%2d. %.4f  ", rank + 1, result.score) + Output.display(chunk.documentPath)
                          + (heading.isEmpty ? "" : "  [\(heading)]"))
                    print("    " + Self.snippet(chunk.text))
                }
            }
        }

        /// The first 240 characters of `text` on one line.
        static func snippet(_ text: String, limit: Int = 240) -> String {
            let line = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            return line.count <= limit ? line : String(line.prefix(limit)) + "…"
        }

        /// Documents are stored under absolute paths: a relative glob is anchored at the working directory
        /// unless it starts with a wildcard.
        static func absoluteGlob(_ glob: String) -> String {
            if glob.hasPrefix("/") || glob.hasPrefix("*") { return glob }
            return FileManager.default.currentDirectoryPath + "/" + glob
        }
    }
}

extension SearchMode: ExpressibleByArgument {}

import RAGTestSupport
import Embeddings
import Foundation
import Ingest
import Store
import Testing
import Retrieval

/// Hybrid search against its two halves on a labelled set: a Cranfield subset (the first 60 queries, their
/// relevant abstracts and as many others, about 500 documents) with the real MiniLM model.
@Suite(.serialized) struct HybridCranfieldTests {
    struct Labelled {
        var queries: [(id: String, text: String)]
        var relevant: [String: Set<String>]
    }

    /// Writes the subset corpus and returns the queries with their relevant document ids.
    static func makeSubset(in dir: TemporaryDirectory, queryCount: Int = 60) throws -> Labelled {
        let root = SharedData.path("retrieval/cranfield")
        var relevant: [String: Set<String>] = [:]
        for line in try String(contentsOfFile: root + "/qrels/test.tsv", encoding: .utf8).split(separator: "\n").dropFirst() {
            let fields = line.split(separator: "\t").map(String.init)
            if fields.count >= 3, fields[2] != "0" { relevant[fields[0], default: []].insert(fields[1]) }
        }
        var queries: [(String, String)] = []
        for line in try String(contentsOfFile: root + "/queries.jsonl", encoding: .utf8).split(separator: "\n") {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let id = object["_id"] as? String, let text = object["text"] as? String, relevant[id] != nil
            else { continue }
            queries.append((id, text))
            if queries.count == queryCount { break }
        }
        let needed = queries.reduce(into: Set<String>()) { $0.formUnion(relevant[$1.0] ?? []) }
        var lines: [Substring] = []
        var others = 0
        for line in try String(contentsOfFile: root + "/corpus.jsonl", encoding: .utf8).split(separator: "\n") {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let id = object["_id"] as? String else { continue }
            if needed.contains(id) {
                lines.append(line)
            } else if others < needed.count {
                lines.append(line)
                others += 1
            }
        }
        try dir.write("cranfield.jsonl", lines.joined(separator: "\n"))
        return Labelled(queries: queries, relevant: relevant)
    }

    @Test func hybridIsAtLeastAsGoodAsEitherMode() throws {
        guard let embedder = try? BERTEmbedder(locating: nil) else { return }
        let dir = TemporaryDirectory()
        let labelled = try Self.makeSubset(in: dir)
        let store = try CorpusStore(path: dir.file("db.sqlite"))
        _ = try IngestPipeline(store: store, embedder: embedder, options: IngestOptions()).run(paths: [dir.file("cranfield.jsonl")])
        let retriever = try Retriever(store: store, embedder: embedder)
        var recall: [SearchMode: Double] = [:]
        var reciprocalRank: [SearchMode: Double] = [:]
        for mode in SearchMode.allCases {
            for (id, text) in labelled.queries {
                let results = try retriever.search(text, options: SearchOptions(k: 10, mode: mode))
                let found = results.map { $0.chunk.documentPath.split(separator: "#").last.map(String.init) ?? "" }
                let relevant = labelled.relevant[id] ?? []
                recall[mode, default: 0] += Double(Set(found).intersection(relevant).count) / Double(relevant.count)
                if let first = found.firstIndex(where: relevant.contains) {
                    reciprocalRank[mode, default: 0] += 1 / Double(first + 1)
                }
            }
        }
        let n = Double(labelled.queries.count)
        let report = SearchMode.allCases.map {
            String(format: "%@ recall@10 %.3f MRR@10 %.3f", $0.rawValue, recall[$0, default: 0] / n,
                   reciprocalRank[$0, default: 0] / n)
        }.joined(separator: "; ")
        print("cranfield subset, \(labelled.queries.count) queries: \(report)")
        #expect(recall[.hybrid, default: 0] >= recall[.dense, default: 0], "\(report)")
        #expect(recall[.hybrid, default: 0] >= recall[.lexical, default: 0], "\(report)")
    }
}

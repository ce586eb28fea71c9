import RAGTestSupport
import Foundation
import Testing

/// The README's main command on the shipped corpus, with the real MiniLM model.
@Suite(.serialized) struct ShippedCorpusTests {
    @Test func ingestAndQueryTheSampleWithMiniLM() async throws {
        guard RagProcess.binary != nil else {
            Issue.record("rag binary not found beside the tests; build it or set RAG_BINARY")
            return
        }
        let dir = TemporaryDirectory()
        let corpus = SharedData.packageRoot + "/corpora/postgresql-sample"
        let ingest = try await RagProcess.run(["ingest", corpus, "--db", "demo.sqlite", "--json"], in: dir.path)
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let summary = try RagProcess.json(ingest.stdout)
        #expect(summary["failed"] as? Int == 0)
        #expect(summary["documents"] as? Int == 18)
        #expect((summary["chunks"] as? Int ?? 0) > 100)

        let expectations = [
            ("how do I stop vacuum from blocking writes", "routine-vacuuming.html"),
            ("which index types does postgres support", "indexes-types.html"),
            ("store and query JSON documents", "datatype-json.html"),
            ("dump a database to a file for backup", "backup-dump.html"),
        ]
        for (query, document) in expectations {
            for mode in ["dense", "hybrid"] {
                let run = try await RagProcess.run(["query", query, "--db", "demo.sqlite", "-k", "3", "--mode", mode, "--json"],
                                                   in: dir.path)
                #expect(run.status == 0, "\(run.stderr)")
                let documents = (try RagProcess.json(run.stdout)["results"] as? [[String: Any]] ?? [])
                    .compactMap { $0["document"] as? String }
                #expect(documents.contains { $0.hasSuffix(document) }, "\(mode) \(query): \(documents)")
            }
        }
        let rerun = try await RagProcess.run(["ingest", corpus, "--db", "demo.sqlite", "--json"], in: dir.path)
        #expect(try RagProcess.json(rerun.stdout)["documents"] as? Int == 0)
    }
}

import RAGTestSupport
import Foundation
import Store
import Testing

/// `rag export`: a dataset generated from the shipped corpus, written in every format and opened in the real
/// libraries (datasets, ragas, deepeval, pytrec_eval from PyPI, in the venv scripts/setup.sh makes), and the
/// BEIR export scored by `rag eval retrieval` against the original dataset.
@Suite(.serialized) struct ExportTests {
    static var python: String {
        let venv = ProcessInfo.processInfo.environment["RAG_EXPORT_VENV"]
            ?? FileManager.default.homeDirectoryForCurrentUser.path + "/.cache/rag/export-venv"
        return venv + "/bin/python"
    }

    @Test func everyFormatLoadsInItsLibraryAndBEIRGivesTheSameFigures() async throws {
        let dir = TemporaryDirectory()
        let corpus = SharedData.packageRoot + "/corpora/postgresql-sample"
        let ingest = try await RagProcess.run(["ingest", corpus, "--db", "x.db", "--json"], in: dir.path)
        try #require(ingest.status == 0, "\(ingest.stderr)")
        try dir.write("task.yaml", """
            domain: PostgreSQL manual
            kind: qa
            count: 8
            seed: 7
            qa: {types: {factoid: 1.0}, answer_style: span}
            """)
        let generate = try await RagProcess.run(["generate", "--task", "task.yaml", "--db", "x.db", "--out", "d.jsonl",
                                                 "--offline", "--json"], in: dir.path)
        try #require(generate.status == 0, "\(generate.stderr)")
        let kept = try #require(try RagProcess.json(generate.stdout)["kept"] as? Int)
        try #require(kept >= 4)

        try FileManager.default.createDirectory(atPath: dir.file("out"), withIntermediateDirectories: true)
        for (format, name) in [("ragas", "ragas.jsonl"), ("deepeval", "deepeval.json"), ("squad", "squad.json"),
                               ("beir", "beir"), ("hf", "hf")] {
            let export = try await RagProcess.run(["export", "d.jsonl", "--db", "x.db", "--format", format,
                                                   "--out", "out/" + name, "--json"], in: dir.path)
            try #require(export.status == 0, "\(format): \(export.stderr)")
            #expect(try RagProcess.json(export.stdout)["samples"] as? Int == kept, "\(format)")
        }

        try #require(FileManager.default.isExecutableFile(atPath: Self.python),
                     "no export-check venv at \(Self.python): run scripts/setup.sh")
        let check = try await Subprocess.run(Self.python, [SharedData.packageRoot + "/Tests/Export/check_export.py",
                                                           dir.file("out"), String(kept)])
        #expect(check.status == 0, "\(check.stdout)\n\(check.stderr.suffix(2_000))")
        let loaded = try RagProcess.json(check.stdout.split(separator: "\n").last.map(String.init) ?? "")
        #expect((loaded["problems"] as? [String])?.isEmpty == true)
        #expect((loaded["hf"] as? [String: Any])?["license"] as? String == "postgresql",
                "the licence comes from the corpus's COPYRIGHT.debian")

        // BEIR round trip: the exported files score exactly as the dataset does on its own database.
        let original = try await RagProcess.run(["eval", "retrieval", "--dataset", "d.jsonl", "--db", "x.db", "--json"],
                                                in: dir.path)
        try #require(original.status == 0, "\(original.stderr)")
        let exported = try await RagProcess.run([
            "eval", "retrieval", "--corpus", "out/beir/corpus.jsonl", "--queries", "out/beir/queries.jsonl",
            "--qrels", "out/beir/qrels/test.tsv", "--db", "beir.db", "--json",
        ], in: dir.path)
        try #require(exported.status == 0, "\(exported.stderr)")
        let before = try RagProcess.json(original.stdout)["modes"] as? [String: [String: Double]] ?? [:]
        let after = try RagProcess.json(exported.stdout)["modes"] as? [String: [String: Double]] ?? [:]
        #expect(Set(before.keys) == ["dense", "lexical", "hybrid"])
        for (mode, measures) in before {
            for (name, value) in measures where name.contains("_at_") {
                #expect(abs(value - (after[mode]?[name] ?? -1)) < 1e-9, "\(mode) \(name): \(value) vs \(after[mode]?[name] ?? -1)")
            }
        }
    }

    @Test func badRequestsGetOneLineAndWriteNothing() async throws {
        let dir = TemporaryDirectory()
        let corpus = SharedData.packageRoot + "/corpora/postgresql-sample"
        let ingest = try await RagProcess.run(["ingest", corpus, "--db", "x.db", "--embedder", "hash"], in: dir.path)
        try #require(ingest.status == 0, "\(ingest.stderr)")
        try dir.write("task.yaml", "domain: PostgreSQL manual\nkind: qa\ncount: 3\nseed: 1\n")
        let generate = try await RagProcess.run(["generate", "--task", "task.yaml", "--db", "x.db", "--out", "d.jsonl",
                                                 "--offline", "--embedder", "hash"], in: dir.path)
        try #require(generate.status == 0, "\(generate.stderr)")

        try dir.write("taken.jsonl", "already here\n")
        let exists = try await RagProcess.run(["export", "d.jsonl", "--db", "x.db", "--format", "ragas", "--out", "taken.jsonl"],
                                              in: dir.path)
        #expect(exists.status != 0)
        #expect(exists.stderr.contains("exists (add --force"))
        #expect(exists.stderr.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1)
        #expect(try String(contentsOfFile: dir.file("taken.jsonl"), encoding: .utf8) == "already here\n")
        let forced = try await RagProcess.run(["export", "d.jsonl", "--db", "x.db", "--format", "ragas", "--out", "taken.jsonl",
                                               "--force"], in: dir.path)
        #expect(forced.status == 0, "\(forced.stderr)")

        // --reviewed: only what a reviewer accepted, with the edit applied.
        let ids = try String(contentsOfFile: dir.file("d.jsonl"), encoding: .utf8).split(separator: "\n")
            .compactMap { try RagProcess.json(String($0))["id"] as? String }
        try #require(ids.count >= 2)
        let store = try CorpusStore(path: dir.file("x.db"), create: false)
        try store.record(review: SampleReview(dataset: "d.jsonl", sampleID: ids[0], reviewer: "ann", verdict: .accept,
                                              edited: "{\"answer\": \"Edited by ann.\"}", automaticallyKept: true))
        try store.record(review: SampleReview(dataset: "d.jsonl", sampleID: ids[1], reviewer: "ann", verdict: .reject,
                                              automaticallyKept: true))
        let reviewed = try await RagProcess.run(["export", "d.jsonl", "--db", "x.db", "--format", "deepeval", "--out",
                                                 "r.json", "--reviewed"], in: dir.path)
        try #require(reviewed.status == 0, "\(reviewed.stderr)")
        let goldens = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.file("r.json"))))
            as? [[String: Any]] ?? []
        #expect(goldens.map { $0["name"] as? String } == [ids[0]])
        #expect(goldens.first?["expected_output"] as? String == "Edited by ann.")

        let unknown = try await RagProcess.run(["export", "d.jsonl", "--db", "x.db", "--format", "csv", "--out", "u.csv"],
                                               in: dir.path)
        #expect(unknown.status != 0 && unknown.stderr.contains("'csv' is invalid"))

        let queries = SharedData.path("retrieval/cranfield/queries.jsonl")
        let stranger = try await RagProcess.run(["export", queries, "--db", "x.db", "--format", "squad", "--out", "s.json"],
                                                in: dir.path)
        #expect(stranger.status != 0 && stranger.stderr.contains("not a rag dataset line"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            .filter { $0.hasPrefix("u.csv") || $0.hasPrefix("s.json") || $0.contains(".partial-") }
        #expect(leftovers.isEmpty, "nothing written: \(leftovers)")
    }
}

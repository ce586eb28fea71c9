import RAGTestSupport
import Foundation
import Store
import Testing

/// Runs the built `rag` binary: kill -9 during ingest, rerun, compare with a clean run.
@Suite(.serialized) struct CrashRecoveryTests {
    static let corpus = SharedData.path("corpora/debian-handbook-11-en")
    static let queries = ["upgrade packages with apt", "configure the network interface", "kernel compilation",
                          "LDAP directory", "backup with rsync"]

    /// Every chunk as (document, ordinal, text), sorted: chunk ids differ between databases, contents must not.
    func dump(_ path: String) throws -> [String] {
        let store = try CorpusStore(path: path, create: false)
        return try store.documentPaths().flatMap { document in
            try store.chunks(documentPath: document).map { "\(document)#\($0.ordinal)\n\($0.text)" }
        }
    }

    /// The (document, text) of each result of a query, in order. Dense search is exact here: two HNSW graphs
    /// built in different orders may legitimately disagree on a near tie, and the point is the data.
    func results(_ query: String, mode: String, db: String, in dir: String) async throws -> [String] {
        let run = try await RagProcess.run(["query", query, "--db", db, "--embedder", "hash", "--mode", mode, "-k", "5",
                                      "--exact", "--json"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let results = try RagProcess.json(run.stdout)["results"] as? [[String: Any]] ?? []
        return results.map { "\($0["document"] ?? "")\n\($0["text"] ?? "")" }
    }

    @Test func killedTwiceThenRerunEqualsACleanRun() async throws {
        guard RagProcess.binary != nil else {
            Issue.record("rag binary not found beside the tests; build it or set RAG_BINARY")
            return
        }
        let dir = TemporaryDirectory()
        let ingest = { (db: String) in ["ingest", Self.corpus, "--db", db, "--embedder", "hash", "--batch-size", "16"] }

        let clean = try await RagProcess.run(ingest("clean.sqlite") + ["--json"], in: dir.path)
        #expect(clean.status == 0, "\(clean.stderr)")
        let cleanDocuments = try CorpusStore(path: dir.file("clean.sqlite"), create: false).documentPaths().count

        // Two kills, each once the interrupted database holds a seeded random share of the documents (the first
        // in the first half, the second in the second half, of the resumed run): a kill timed by a clock misses
        // when the machine's load changes between the clean run and this one.
        // The empty database is created here and opened once: opening runs the migrator, which must not race
        // the ingest's own, and which waits for the writer; counting documents does neither.
        let reader = try CorpusStore(path: dir.file("crashed.sqlite"))
        var generator = SplitMix(seed: 20_240_601)
        var kills = 0
        for half in 0..<2 {
            let share = (Double(half) + 0.1 + Double(generator.next() % 1_000) / 1_000 * 0.8) / 2
            let target = max(1, Int(share * Double(cleanDocuments)))
            let process = try RagProcess.start(ingest("crashed.sqlite"), in: dir.path)
            let killed = await process.kill(when: { ((try? reader.documentPaths().count) ?? 0) >= target })
            if killed { kills += 1 }
        }
        #expect(kills == 2, "both kills should land while ingest runs")
        let rerun = try await RagProcess.run(ingest("crashed.sqlite") + ["--json"], in: dir.path)
        #expect(rerun.status == 0, "\(rerun.stderr)")

        let cleanDump = try dump(dir.file("clean.sqlite"))
        let crashedDump = try dump(dir.file("crashed.sqlite"))
        #expect(cleanDump.count == crashedDump.count)
        #expect(cleanDump == crashedDump)
        for query in Self.queries {
            for mode in ["lexical", "dense", "hybrid"] {
                let fromClean = try await results(query, mode: mode, db: "clean.sqlite", in: dir.path)
                let fromCrashed = try await results(query, mode: mode, db: "crashed.sqlite", in: dir.path)
                #expect(fromClean == fromCrashed, "\(mode): \(query)")
            }
        }
        let stats = try await RagProcess.run(["stats", "--db", "crashed.sqlite", "--check", "--json"], in: dir.path)
        let report = try RagProcess.json(stats.stdout)
        #expect(report["integrity"] as? [String] == ["ok"])
        #expect((report["index"] as? [String: Any])?["status"] as? String == "ok")
    }

    /// `rag eval grounding` refuses an impossible precision target and a missing data file, naming each.
    @Test func evalGroundingNamesBadOptionsAndFiles() async throws {
        guard RagProcess.binary != nil else { return }
        let dir = TemporaryDirectory()
        try dir.write("set.jsonl", #"{"question": "Who?", "answer": "Ann", "context": "Ann did.", "supported": true}"# + "\n")
        let precision = try await RagProcess.run(["eval", "grounding", "--data", "set.jsonl", "--tune-split", "tune",
                                                  "--minimum-precision", "2", "--embedder", "hash"], in: dir.path)
        #expect(precision.status != 0 && precision.stderr.contains("--minimum-precision"), "\(precision.stderr)")
        let missing = try await RagProcess.run(["eval", "grounding", "--data", "absent.jsonl", "--embedder", "hash"],
                                               in: dir.path)
        #expect(missing.status != 0 && missing.stderr.contains("absent.jsonl"), "\(missing.stderr)")
    }

    @Test func missingPathFailsWithAMessageNamingIt() async throws {
        guard RagProcess.binary != nil else { return }
        let dir = TemporaryDirectory()
        let run = try await RagProcess.run(["ingest", "no/such/dir", "--db", "x.sqlite", "--embedder", "hash"], in: dir.path)
        #expect(run.status != 0)
        #expect(run.stderr.contains("no/such/dir"))
        #expect(run.stderr.contains("no such file or directory"))
        let query = try await RagProcess.run(["query", "x", "--db", "missing.sqlite", "--mode", "lexical"], in: dir.path)
        #expect(query.status != 0)
        #expect(query.stderr.contains("missing.sqlite"))
    }

    @Test func queryWithAnotherEmbedderIsRefused() async throws {
        guard RagProcess.binary != nil else { return }
        let dir = TemporaryDirectory()
        try dir.write("a.txt", "Some text about walruses.")
        #expect(try await RagProcess.run(["ingest", "a.txt", "--db", "db.sqlite", "--embedder", "hash"], in: dir.path).status == 0)
        let run = try await RagProcess.run(["query", "walrus", "--db", "db.sqlite", "--embedder", "hash",
                                      "--embed-dimension", "128"], in: dir.path)
        #expect(run.status != 0)
        #expect(run.stderr.contains("was built with embedder hash-384"))
    }
}

/// A seeded generator for test schedules.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

import Foundation
import Generation
import RAGTestSupport
import Store
import Testing
import LanguageModels

/// Runs the built `rag` binary: ingest the shipped sample corpus, generate with the real local llama.cpp server
/// and model (installed by scripts/install-llm.sh, as .ci/run does), check provenance, and resume.
@Suite(.serialized) struct GenerateEndToEndTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The `rag` executable beside the test bundle.
    static var ragBinary: String {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent("rag").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return repository.appendingPathComponent(".build/release/rag").path
    }

    typealias Run = Subprocess.Outcome

    @discardableResult
    static func rag(_ arguments: [String]) async throws -> Run {
        try await Subprocess.run(ragBinary, arguments)
    }

    /// A fresh database holding the shipped sample corpus, in a new directory the caller removes (hashing embedder: fast, and the model is not the
    /// point here).
    static func ingestedDatabase() async throws -> (dir: String, db: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rag-gen-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let db = dir + "/corpus.db"
        let corpus = repository.appendingPathComponent("corpora/postgresql-sample").path
        let run = try await rag(["ingest", corpus, "--db", db, "--embedder", "hash", "--json"])
        #expect(run.status == 0, "ingest failed: \(run.stderr)")
        return (dir, db)
    }

    static func writeTask(_ dir: String, count: Int, types: String) throws -> String {
        let path = dir + "/task.yaml"
        try """
            domain: "PostgreSQL 15 administration and SQL"
            kind: qa
            count: \(count)
            seed: 11
            qa:
              types: {\(types)}
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func report(_ run: Run) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    }

    /// Every span of every kept sample quotes the stored chunk text at its offsets.
    static func checkSpans(output: String, db: String) throws -> Int {
        let store = try CorpusStore(path: db, create: false)
        var spans = 0
        for line in try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n") {
            let sample = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let sampleSpans = try #require(sample["spans"] as? [[String: Any]])
            #expect(!sampleSpans.isEmpty, "kept sample without spans: \(line)")
            for span in sampleSpans {
                let chunkID = try #require(span["chunk_id"] as? Int)
                let chunk = try #require(try store.chunks(ids: [Int64(chunkID)]).first)
                let start = try #require(span["start"] as? Int) - chunk.characterRange.lowerBound
                let end = try #require(span["end"] as? Int) - chunk.characterRange.lowerBound
                let text = Array(chunk.text)
                #expect(start >= 0 && end <= text.count && start < end)
                if start >= 0, end <= text.count, start < end {
                    #expect(String(text[start..<end]) == span["text"] as? String)
                }
                spans += 1
            }
        }
        return spans
    }

    @Test func offlineExtractiveGenerationIsGroundedByConstruction() async throws {
        let (dir, db) = try await Self.ingestedDatabase()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let task = try Self.writeTask(dir, count: 8, types: "factoid: 3, definition: 1")
        let run = try await Self.rag(["generate", "--task", task, "--db", db, "--out", dir + "/out.jsonl", "--offline", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try Self.report(run)
        #expect(report["generator"] as? String == "extractive")
        #expect(report["kept"] as? Int == 8)
        #expect(try Self.checkSpans(output: dir + "/out.jsonl", db: db) >= 8)
        #expect(FileManager.default.fileExists(atPath: dir + "/out.card.md"))
    }

    @Test func localLLMGenerationResumesWithoutRepeatingCalls() async throws {
        try #require(LocalLLMServer.isInstalled(), "the local LLM is not installed: run bash scripts/install-llm.sh")
        let (dir, db) = try await Self.ingestedDatabase()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let task = try Self.writeTask(dir, count: 3, types: "factoid: 2, procedural: 1")
        // The grounding filter is tested on its own; here it would make the 0.5B model's run long and its
        // length unpredictable, and this test is about provenance and the journal.
        let arguments = ["--db", db, "--out", dir + "/out.jsonl", "--no-grounding", "--sources-per-sample", "4", "--writer", "small",
                         "--closed-book", "--json"]
        let first = try await Self.rag(["generate", "--task", task] + arguments)
        #expect(first.status == 0, "\(first.stderr)")
        let report = try Self.report(first)
        #expect(report["generator"] as? String == "llm")
        let calls = try #require(report["model_calls"] as? Int)
        #expect(calls >= 3)
        let kept = try #require(report["kept"] as? Int)
        #expect(kept == 3 || report["shortfall"] != nil)
        _ = try Self.checkSpans(output: dir + "/out.jsonl", db: db)
        // The closed-book check ran on every kept sample and is counted in the report.
        let lines = try String(contentsOfFile: dir + "/out.jsonl", encoding: .utf8).split(separator: "\n")
        for line in lines {
            let checks = (try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["checks"] as? [[String: Any]]
            #expect(checks?.contains { $0["name"] as? String == "closed_book" } == true, "\(line)")
        }
        #expect((report["closed_book_answered"] as? Int).map { $0 <= kept } == true)

        let firstOutput = try String(contentsOfFile: dir + "/out.jsonl", encoding: .utf8)
        let again = try await Self.rag(["generate", "--task", task, "--resume"] + arguments)
        #expect(again.status == 0, "\(again.stderr)")
        let replay = try Self.report(again)
        #expect(replay["model_calls"] as? Int == 0)
        #expect(replay["replayed_calls"] as? Int == calls)
        #expect(try String(contentsOfFile: dir + "/out.jsonl", encoding: .utf8) == firstOutput)
    }

    /// kill -9 in the middle of a run, then `--resume`: the journaled calls are replayed, none is made twice,
    /// and the run ends with the requested count.
    @Test func killedRunResumesWithoutRepeatingCalls() async throws {
        try #require(LocalLLMServer.isInstalled(), "the local LLM is not installed: run bash scripts/install-llm.sh")
        let (dir, db) = try await Self.ingestedDatabase()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let task = try Self.writeTask(dir, count: 4, types: "factoid: 3, definition: 1")
        let arguments = ["generate", "--task", task, "--db", db, "--out", dir + "/out.jsonl", "--no-grounding",
                         "--sources-per-sample", "4", "--writer", "small", "--json"]
        let process = try Subprocess(Self.ragBinary, arguments)
        let store = try CorpusStore(path: db, create: false)
        // Polled on a thread of its own: a cooperative pool busy with other tests could let the run finish first.
        let killed = await process.kill(when: { ((try? store.journaledCallCount()) ?? 0) >= 2 }, every: 0.05)
        #expect(killed, "the run ended before it could be killed")
        let journaled = try store.journaledCallCount()
        #expect(journaled >= 2)
        #expect(!FileManager.default.fileExists(atPath: dir + "/out.jsonl"), "a killed run wrote its output")

        let resumed = try await Self.rag(arguments + ["--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let report = try Self.report(resumed)
        let replayed = try #require(report["replayed_calls"] as? Int)
        let made = try #require(report["model_calls"] as? Int)
        #expect(replayed == journaled)
        // Each new call added its own journal row: no request was sent twice.
        #expect(try store.journaledCallCount() == journaled + made)
        #expect(report["kept"] as? Int == 4 || report["shortfall"] != nil)
        _ = try Self.checkSpans(output: dir + "/out.jsonl", db: db)
    }

    /// The real verifier (Qwen2.5-Coder-1.5B through the local llama.cpp server) on lines of the SQuAD-2.0-style
    /// development set: every line is scored from log-probabilities, and questions the passage answers get a
    /// higher P(Yes), on average, than questions edited to be unanswerable.
    @Test func theLocalVerifierScoresAnswerableAboveUnanswerable() async throws {
        try #require(LocalLLMServer.isInstalled(.large), "the 1.5B model is not installed: run bash scripts/install-llm.sh")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rag-verify-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let all = try String(contentsOf: Self.repository.appendingPathComponent("Benchmarks/grounding/squad2_dev.jsonl"),
                             encoding: .utf8).split(separator: "\n")
        let test = all.filter { $0.contains(#""split": "test""#) }
        let lines = test.filter { $0.contains(#""supported": true"#) }.prefix(5)
            + test.filter { $0.contains(#""supported": false"#) }.prefix(5)
        try (lines.joined(separator: "\n") + "\n").write(toFile: dir + "/set.jsonl", atomically: true, encoding: .utf8)
        let run = try await Self.rag(["eval", "grounding", "--data", dir + "/set.jsonl", "--embedder", "hash",
                                      "--verifier", "local", "--verifier-gate", "0",
                                      // P(Yes) first on every line (the recording order), not reader first.
                                      "--reader-confidence", "2", "--verdicts", dir + "/v.jsonl", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try Self.report(run)
        let verifier = try #require(report["verifier"] as? [String: Any])
        #expect(verifier["asked"] as? Int == 10 && verifier["scored"] as? Int == 10 && verifier["failed"] as? Int == 0)
        #expect((report["checks"] as? [String: Any])?["verifier"] != nil)
        var yes: [Bool: [Double]] = [:]
        for line in try String(contentsOfFile: dir + "/v.jsonl", encoding: .utf8).split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let checks = try #require(object["checks"] as? [[String: Any]])
            let verdict = try #require(checks.first { $0["name"] as? String == "verifier" })
            yes[object["supported"] as? Bool ?? false, default: []].append(verdict["score"] as? Double ?? -1)
        }
        let mean = { (values: [Double]) in values.reduce(0, +) / Double(max(values.count, 1)) }
        #expect(yes[true]?.count == 5 && yes[false]?.count == 5)
        #expect(mean(yes[true] ?? []) > mean(yes[false] ?? []), "\(yes)")
    }

    /// `rag filter` on labelled lines of the XQuAD development set: what it keeps is supported, and it rejects
    /// most of what is not.
    @Test func filterKeepsSupportedLinesOfAnOutsideDataset() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rag-filter-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let lines = try String(contentsOf: Self.repository.appendingPathComponent("Benchmarks/grounding/xquad_dev.jsonl"),
                               encoding: .utf8).split(separator: "\n").prefix(80)
        try (lines.joined(separator: "\n") + "\n").write(toFile: dir + "/in.jsonl", atomically: true, encoding: .utf8)
        let run = try await Self.rag(["filter", dir + "/in.jsonl", "--out", dir + "/kept.jsonl", "--embedder", "hash",
                                      "--verifier", "none", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        func load(_ path: String) throws -> [[String: Any]] {
            try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
        }
        let kept = try load(dir + "/kept.jsonl")
        let rejected = try load(dir + "/kept.rejected.jsonl")
        #expect(kept.count + rejected.count == lines.count)
        #expect(kept.allSatisfy { $0["supported"] as? Bool == true && $0["checks"] != nil })
        let unsupported = (kept + rejected).filter { $0["supported"] as? Bool == false }.count
        let caught = rejected.filter { $0["supported"] as? Bool == false }.count
        #expect(Double(caught) >= 0.8 * Double(unsupported), "rejected \(caught) of \(unsupported) unsupported lines")
    }

    /// One checking stage: `rag filter`, given the task and the database a grounded `rag generate` run used,
    /// keeps exactly what the run kept and rejects what the checking stage rejected, for the same reason. The
    /// verifier's calls replay from the database's journal (with their log-probabilities), so the real 1.5B
    /// model's judgements are the run's own.
    @Test func filterReachesGeneratesDecisionsOnTheSameDatabase() async throws {
        try #require(LocalLLMServer.isInstalled(.large), "the 1.5B model is not installed: run bash scripts/install-llm.sh")
        let (dir, db) = try await Self.ingestedDatabase()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let task = try Self.writeTask(dir, count: 2, types: "factoid: 1, definition: 1")
        let run = try await Self.rag(["generate", "--task", task, "--db", db, "--out", dir + "/out.jsonl",
                                      "--sources-per-sample", "3", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        func load(_ path: String) throws -> [[String: Any]] {
            try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
        }
        func firstFailure(_ line: [String: Any]) -> String? {
            (line["checks"] as? [[String: Any]])?.first { $0["passed"] as? Bool == false }?["name"] as? String
        }
        let kept = try load(dir + "/out.jsonl")
        try #require(!kept.isEmpty, "the run kept nothing: \(run.stdout)")
        let refiltered = try await Self.rag(["filter", dir + "/out.jsonl", "--db", db, "--task", task, "--embedder", "hash",
                                            "--out", dir + "/kept-again.jsonl", "--json"])
        #expect(refiltered.status == 0, "\(refiltered.stderr)")
        #expect(try load(dir + "/kept-again.jsonl").map { $0["id"] as? String } == kept.map { $0["id"] as? String })

        // The rejections the checking stage made (not the writer's own failures, such as a phrase it did not
        // find, nor near-duplicates of samples kept later in the run).
        let stage = { (name: String) in ["format", "question_contains_answer", "question_coverage"].contains(name)
            || name.hasPrefix("unsupported_") }
        let rejected = try load(dir + "/out.rejected.jsonl").filter { line in
            firstFailure(line).map(stage) == true && line["question"] is String && line["answer"] is String
        }
        guard !rejected.isEmpty else { return }
        let input = try rejected.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
        try (input.joined(separator: "\n") + "\n").write(toFile: dir + "/rejected-in.jsonl", atomically: true, encoding: .utf8)
        let again = try await Self.rag(["filter", dir + "/rejected-in.jsonl", "--db", db, "--task", task, "--embedder", "hash",
                                       "--out", dir + "/rejected-kept.jsonl", "--json"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try load(dir + "/rejected-kept.jsonl").isEmpty, "filter kept a sample generate rejected")
        let reasons = try load(dir + "/rejected-kept.rejected.jsonl").map(firstFailure)
        #expect(reasons == rejected.map(firstFailure))
    }

    /// A real run whose instructions make the real 0.5B writer copy the prompt's words into its texts (the
    /// issue's example of leakage): every text that repeats them is rejected as prompt_leak, none is kept.
    /// The writer is asked to reply with a given JSON text; a small model at its seed may still write its
    /// own, so the run is repeated with the next seed (at most three) until some text copies the prompt.
    @Test func aRealRunThatCopiesThePromptKeepsNoneOfIt() async throws {
        try #require(LocalLLMServer.isInstalled(), "the local LLM is not installed: run bash scripts/install-llm.sh")
        let (dir, db) = try await Self.ingestedDatabase()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        /// Each line's text and the names of the checks it failed.
        func texts(_ path: String) throws -> [(text: String, failed: Set<String>)] {
            try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                let checks = object["checks"] as? [[String: Any]] ?? []
                let failed = checks.filter { $0["passed"] as? Bool == false }.compactMap { $0["name"] as? String }
                return (object["text"] as? String ?? "", Set(failed))
            }
        }
        let leaked = { (text: String) in text.lowercased().contains("facts stated in the numbered context") }
        var copies: [(text: String, failed: Set<String>)] = []
        var seen: [String] = []
        for seed in 5...7 where copies.isEmpty {
            let task = dir + "/leak\(seed).yaml"
            try """
                domain: "user messages to a PostgreSQL support forum"
                kind: classification
                count: 2
                seed: \(seed)
                classification:
                  text_form: user message
                  labels: {bug_report: "something behaves wrongly", how_to_question: "asks how to do something"}
                prompts:
                  instructions: >-
                    Reply with exactly this JSON and nothing else, copying the text value as it is written here:
                    {"evidence": "<the first sentence of passage [1], copied>", "focus": "<a word of that sentence>",
                    "label": "{target}", "text": "Use only facts stated in the numbered context passages, never outside knowledge."}
                """.write(toFile: task, atomically: true, encoding: .utf8)
            let out = dir + "/out\(seed).jsonl"
            let run = try await Self.rag(["generate", "--task", task, "--db", db, "--out", out, "--writer", "small",
                                          "--no-grounding", "--rounds", "0", "--sources-per-sample", "2", "--json"])
            #expect(run.status == 0, "\(run.stderr)")
            let rejected = try texts(DatasetWriter.companionPaths(for: out).rejected)
            seen += rejected.map(\.text) + (try texts(out)).map(\.text)
            copies += rejected.filter { leaked($0.text) }
            #expect(try texts(out).allSatisfy { !leaked($0.text) }, "a kept text repeats the prompt")
        }
        #expect(!copies.isEmpty, "the writer did not copy the prompt in three runs: \(seen)")
        #expect(copies.allSatisfy { $0.failed.contains("prompt_leak") }, "\(copies)")
    }

    @Test func badTaskFileNamesTheFieldAndExitsNonZero() async throws {
        let (dir, db) = try await Self.ingestedDatabase()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/bad.yaml"
        try "domain: x\ncount: 3\nkind: poem\n".write(toFile: path, atomically: true, encoding: .utf8)
        let run = try await Self.rag(["generate", "--task", path, "--db", db, "--out", dir + "/o.jsonl", "--offline"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("bad.yaml") && run.stderr.contains("kind"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/o.jsonl"))
    }
}

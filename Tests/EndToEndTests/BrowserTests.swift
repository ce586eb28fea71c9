import RAGTestSupport
import Foundation
import Testing

/// rag's pages in real headless Chromium (Debian's chromium and chromium-driver, driven through selenium by
/// `Tests/Browser/browser_check.py`). Runs wherever those are installed, and always in CI, where a missing
/// browser is a failure rather than a skip.
@Suite(.serialized, .enabled(if: Browser.isAvailable || ProcessInfo.processInfo.environment["CI"] != nil))
struct BrowserTests {
    /// The review page: clicks in the browser are stored in SQLite, survive a reload, and reach the export.
    @Test func reviewPageStoresClicksAndExportsTheReviewedDataset() async throws {
        let dir = TemporaryDirectory()
        let corpus = SharedData.packageRoot + "/corpora/postgresql-sample"
        let ingest = try await RagProcess.run(["ingest", corpus, "--db", "r.sqlite", "--json"], in: dir.path)
        try #require(ingest.status == 0, "\(ingest.stderr)")
        try dir.write("task.yaml", """
            domain: PostgreSQL manual
            kind: qa
            count: 6
            seed: 3
            qa: {types: {factoid: 1.0}, answer_style: span}
            """)
        let generate = try await RagProcess.run(["generate", "--task", "task.yaml", "--db", "r.sqlite", "--out", "d.jsonl",
                                           "--offline", "--json"], in: dir.path)
        try #require(generate.status == 0, "\(generate.stderr)")
        let keptIDs = try String(contentsOfFile: dir.file("d.jsonl"), encoding: .utf8).split(separator: "\n")
            .map { try RagProcess.json(String($0))["id"] as? String }
        try #require(keptIDs.count >= 3)

        let check = try await Browser.run(["review", "--rag", RagProcess.binary!, "--db", dir.file("r.sqlite"),
                                     "--dataset", dir.file("d.jsonl"), "--screenshot", dir.file("review.png")])
        #expect(check.status == 0, "\(check.stderr)")
        let summary = try RagProcess.json(check.stdout)
        #expect(summary["reviewed"] as? [String] == Array(keptIDs.prefix(3)).compactMap { $0 })
        #expect(FileManager.default.fileExists(atPath: dir.file("review.png")))

        // The same state, read back through the command line from the database.
        let agreement = try await RagProcess.run(["review", "d.jsonl", "--db", "r.sqlite", "--agreement", "--json",
                                            "--export", "reviewed.jsonl"], in: dir.path)
        #expect(agreement.status == 0, "\(agreement.stderr)")
        let result = try RagProcess.json(agreement.stdout)
        let counts = result["agreement"] as? [String: Any] ?? [:]
        #expect(counts["reviewed"] as? Int == 3)
        #expect(counts["accepted_kept"] as? Int == 2)
        #expect(counts["rejected_kept"] as? Int == 1)
        #expect(counts["edited"] as? Int == 1)
        #expect(result["exported"] as? Int == 2)
        let exported = try String(contentsOfFile: dir.file("reviewed.jsonl"), encoding: .utf8).split(separator: "\n")
            .map { try RagProcess.json(String($0)) }
        #expect(exported.map { $0["id"] as? String } == [keptIDs[0], keptIDs[2]])
        #expect((exported.last?["answer"] as? String)?.hasPrefix("Edited in the browser: ") == true)
    }

    /// Report pages render their inline SVG charts with a size and marks.
    @Test func reportPagesRenderTheirCharts() async throws {
        let dir = TemporaryDirectory()
        let bench = try await RagProcess.run(["bench", "ann", "--n", "3000", "--dim", "32", "--queries", "100",
                                        "--ef", "16,64", "--report", "ann.html"], in: dir.path)
        try #require(bench.status == 0, "\(bench.stderr)")
        let check = try await Browser.run(["report", "--html", dir.file("ann.html"), "--screenshot", dir.file("ann.png")])
        #expect(check.status == 0, "\(check.stderr)")
        #expect((try RagProcess.json(check.stdout)["charts"] as? Int ?? 0) >= 1)
    }
}

enum Browser {
    static let script = SharedData.packageRoot + "/Tests/Browser/browser_check.py"

    static var isAvailable: Bool {
        let manager = FileManager.default
        return ["/usr/bin/chromium", "/usr/bin/chromedriver"].allSatisfy { manager.isExecutableFile(atPath: $0) }
    }

    /// Runs the browser check script with `arguments`.
    static func run(_ arguments: [String]) async throws -> RagProcess.Result {
        try await Subprocess.run("/usr/bin/env", ["python3", script] + arguments, in: NSTemporaryDirectory())
    }
}

import ArgumentParser
import Foundation
import Retrieval
import Store

extension Rag {
    /// `rag stats --db FILE`: counts, sizes, the embedder and the index's health.
    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what a corpus database holds and whether its index file is in step.",
            discussion: "With --check, also runs SQLite's integrity check and FTS5's. With --json, one JSON object."
        )

        @Option(help: "The database file.") var db: String
        @Flag(help: "Run PRAGMA integrity_check and the FTS5 integrity check.") var check = false
        @Flag(help: "Print one JSON object.") var json = false

        func run() async throws {
            let store = try CorpusStore(path: db, create: false)
            let statistics = try store.statistics()
            let health = try ChunkIndex.health(of: store)
            let problems = check ? try store.integrityProblems() : nil
            if json {
                try Output.printJSON(StatsReport(database: db, statistics: statistics, index: health,
                                                 integrity: problems.map { $0.isEmpty ? ["ok"] : $0 }), snakeCaseKeys: true)
                return
            }
            let s = statistics
            print("database   \(db): \(Self.megabytes(s.databaseBytes + s.walBytes))")
            print("documents  \(s.documents) from \(s.sources) files; formats: "
                  + s.formats.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value) chunks" }.joined(separator: ", "))
            print("chunks     \(s.chunks) (\(s.tokens) tokens, \(s.chunks == 0 ? 0 : s.tokens / s.chunks) per chunk), vectors \(s.vectors)")
            print("embedder   \(s.embedder.map(\.description) ?? "none yet")")
            var index = "index      \(store.indexPath): \(health.status)"
            if let count = health.count { index += ", \(count) vectors, \(health.tombstones ?? 0) tombstones" }
            if health.missing > 0 || health.extra > 0 { index += ", \(health.missing) missing, \(health.extra) extra" }
            if let problem = health.problem { index += " (\(problem))" }
            if health.bytes > 0 { index += ", \(Self.megabytes(health.bytes))" }
            print(index)
            if let run = s.lastRun {
                var line = "last run   #\(run.id) \(run.status)"
                if let summary = run.summary {
                    line += String(format: ": %d documents, %d chunks, %d unchanged, %d skipped, %d failed in %.1f s",
                                   summary.documents, summary.chunks, summary.unchanged, summary.skipped, summary.failed,
                                   summary.seconds)
                }
                print(line)
            }
            if let problems { print("integrity  " + (problems.isEmpty ? "ok" : problems.joined(separator: "; "))) }
        }

        static func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }
    }
}

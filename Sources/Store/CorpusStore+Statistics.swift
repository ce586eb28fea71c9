import Foundation
internal import GRDB

/// Counts and sizes of a corpus database.
public struct StoreStatistics: Sendable, Codable {
    public var documents: Int
    public var sources: Int
    public var chunks: Int
    public var vectors: Int
    public var tokens: Int
    /// Chunks per format.
    public var formats: [String: Int]
    /// Bytes of the database file, its WAL and the index file.
    public var databaseBytes: Int
    public var walBytes: Int
    public var indexBytes: Int
    /// The largest chunk id with a vector.
    public var maxChunkID: Int64
    public var embedder: EmbedderInfo?
    /// The most recent ingest run: status (`running` for one that was killed or still runs) and its summary.
    public var lastRun: RunRecord?
}

/// One row of the run journal.
public struct RunRecord: Sendable, Codable {
    public var id: Int64
    public var startedAt: Double
    public var finishedAt: Double?
    public var status: String
    public var summary: RunSummary?
}

extension CorpusStore {
    /// Counts, sizes, the embedder and the last run.
    public func statistics() throws -> StoreStatistics {
        let embedder = try embedder()
        return try read { db in
            let count = { (sql: String) in try Int.fetchOne(db, sql: sql) ?? 0 }
            var formats: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT d.format, COUNT(*) AS n FROM chunks c JOIN documents d ON d.id = c.document_id GROUP BY d.format
                """) {
                formats[row["format"]] = row["n"]
            }
            let lastRun = try Row.fetchOne(db, sql: """
                SELECT id, started_at, finished_at, status, summary FROM ingest_runs ORDER BY id DESC LIMIT 1
                """).map {
                RunRecord(id: $0["id"], startedAt: $0["started_at"], finishedAt: $0["finished_at"], status: $0["status"],
                          summary: Self.decodeJSON(RunSummary.self, $0["summary"]))
            }
            return StoreStatistics(
                documents: try count("SELECT COUNT(*) FROM documents"),
                sources: try count("SELECT COUNT(DISTINCT source) FROM documents"),
                chunks: try count("SELECT COUNT(*) FROM chunks"),
                vectors: try count("SELECT COUNT(*) FROM vectors"),
                tokens: try count("SELECT COALESCE(SUM(token_count), 0) FROM chunks"),
                formats: formats,
                databaseBytes: Self.fileSize(path), walBytes: Self.fileSize(path + "-wal"),
                indexBytes: Self.fileSize(indexPath),
                maxChunkID: try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(chunk_id), 0) FROM vectors") ?? 0,
                embedder: embedder, lastRun: lastRun)
        }
    }

    /// Runs SQLite's `PRAGMA integrity_check` and FTS5's own check.
    /// - Returns: the problems found; empty when the database is sound.
    public func integrityProblems() throws -> [String] {
        // A write transaction: FTS5's integrity check is spelled as an INSERT (it changes nothing).
        try write { db in
            var problems = try String.fetchAll(db, sql: "PRAGMA integrity_check").filter { $0 != "ok" }
            do {
                try db.execute(sql: "INSERT INTO chunks_fts(chunks_fts, rank) VALUES ('integrity-check', 1)")
            } catch {
                problems.append("full-text index: \(Self.message(error))")
            }
            let orphans = try Int.fetchOne(db, sql: """
                SELECT (SELECT COUNT(*) FROM chunks WHERE id NOT IN (SELECT chunk_id FROM vectors))
                     + (SELECT COUNT(*) FROM vectors WHERE chunk_id NOT IN (SELECT id FROM chunks))
                """) ?? 0
            if orphans > 0 { problems.append("\(orphans) chunks without a vector or vectors without a chunk") }
            return problems
        }
    }

    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }
}

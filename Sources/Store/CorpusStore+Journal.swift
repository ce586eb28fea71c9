import Foundation
internal import GRDB

extension Schema {
    /// Migrations of the generation journal (kept apart from the corpus tables).
    static func registerJournalMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2-llm-journal") { db in
            // One row a model call, keyed by a hash of (prompt, model, parameters, seed): a rerun or a
            // `--resume` replays these instead of calling the model again.
            try db.execute(sql: """
                CREATE TABLE llm_calls (
                    key TEXT PRIMARY KEY,
                    model TEXT NOT NULL,
                    request TEXT NOT NULL,
                    response TEXT NOT NULL,
                    prompt_tokens INTEGER NOT NULL,
                    completion_tokens INTEGER NOT NULL,
                    finish_reason TEXT,
                    created_at REAL NOT NULL
                )
                """)
        }
    }

    /// The token log-probabilities of each call, so that a replayed judgement keeps its score (registered after
    /// the reviews migration: migrations run in registration order).
    static func registerJournalLogprobMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4-llm-journal-logprobs") { db in
            try db.execute(sql: "ALTER TABLE llm_calls ADD COLUMN logprobs TEXT")
        }
    }
}

/// A recorded model call.
public struct JournaledCall: Sendable, Equatable {
    public var model: String
    public var response: String
    public var promptTokens: Int
    public var completionTokens: Int
    public var finishReason: String?
    /// The call's token log-probabilities as the caller encoded them (opaque to the store); nil when the
    /// server sent none or the call was recorded before they were kept.
    public var logprobs: String?

    public init(model: String, response: String, promptTokens: Int, completionTokens: Int, finishReason: String?,
                logprobs: String? = nil) {
        self.model = model
        self.response = response
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.finishReason = finishReason
        self.logprobs = logprobs
    }
}

extension CorpusStore {
    /// The recorded call for `key`, if any.
    public func journaledCall(key: String) throws -> JournaledCall? {
        try read { db in
            try Row.fetchOne(db, sql: """
                SELECT model, response, prompt_tokens, completion_tokens, finish_reason, logprobs
                FROM llm_calls WHERE key = ?
                """, arguments: [key]).map { row in
                JournaledCall(model: row[0], response: row[1], promptTokens: row[2], completionTokens: row[3],
                              finishReason: row[4], logprobs: row[5])
            }
        }
    }

    /// Records a call (each in its own transaction, so a crash loses at most the call in flight).
    public func recordCall(key: String, request: String, call: JournaledCall) throws {
        try write { db in
            try db.execute(sql: """
                INSERT OR REPLACE INTO llm_calls
                    (key, model, request, response, prompt_tokens, completion_tokens, finish_reason, created_at,
                     logprobs)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [key, call.model, request, call.response, call.promptTokens, call.completionTokens,
                                 call.finishReason, Date().timeIntervalSince1970, call.logprobs])
        }
    }

    /// Number of recorded calls.
    public func journaledCallCount() throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM llm_calls") ?? 0 }
    }
}

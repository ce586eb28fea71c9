import Foundation
internal import GRDB

extension Schema {
    /// Migrations of the human review tables.
    static func registerReviewMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3-reviews") { db in
            // One row per (dataset, sample, reviewer): a reviewer who changes their mind replaces their row.
            // `edited` holds the reviewer's corrected task fields as a JSON object, or NULL when unchanged;
            // `automatic` is what the automatic checks said when the sample was reviewed ('kept'/'rejected').
            try db.execute(sql: """
                CREATE TABLE reviews (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    dataset TEXT NOT NULL,
                    sample_id TEXT NOT NULL,
                    reviewer TEXT NOT NULL,
                    verdict TEXT NOT NULL CHECK (verdict IN ('accept', 'reject')),
                    edited TEXT,
                    note TEXT NOT NULL DEFAULT '',
                    automatic TEXT NOT NULL CHECK (automatic IN ('kept', 'rejected')),
                    reviewed_at REAL NOT NULL,
                    UNIQUE (dataset, sample_id, reviewer)
                )
                """)
            try db.execute(sql: "CREATE INDEX reviews_dataset ON reviews(dataset, sample_id)")
        }
    }
}

/// One reviewer's verdict on one sample of a dataset.
public struct SampleReview: Sendable, Equatable, Codable {
    public enum Verdict: String, Sendable, Codable, CaseIterable {
        case accept, reject
    }

    /// The dataset's name (its file name, so a moved file keeps its reviews).
    public var dataset: String
    public var sampleID: String
    public var reviewer: String
    public var verdict: Verdict
    /// The reviewer's corrected task fields as a JSON object text, or nil when unchanged.
    public var edited: String?
    public var note: String
    /// Whether the automatic checks kept the sample.
    public var automaticallyKept: Bool
    public var reviewedAt: Double

    enum CodingKeys: String, CodingKey {
        case dataset, reviewer, verdict, edited, note
        case sampleID = "sample_id"
        case automaticallyKept = "automatically_kept"
        case reviewedAt = "reviewed_at"
    }

    public init(dataset: String, sampleID: String, reviewer: String, verdict: Verdict, edited: String? = nil,
                note: String = "", automaticallyKept: Bool, reviewedAt: Double = Date().timeIntervalSince1970) {
        self.dataset = dataset
        self.sampleID = sampleID
        self.reviewer = reviewer
        self.verdict = verdict
        self.edited = edited
        self.note = note
        self.automaticallyKept = automaticallyKept
        self.reviewedAt = reviewedAt
    }
}

extension CorpusStore {
    /// Records a review, replacing the same reviewer's earlier one on that sample (one transaction).
    public func record(review: SampleReview) throws {
        try write { db in
            try db.execute(sql: """
                INSERT INTO reviews (dataset, sample_id, reviewer, verdict, edited, note, automatic, reviewed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (dataset, sample_id, reviewer) DO UPDATE SET
                    verdict = excluded.verdict, edited = excluded.edited, note = excluded.note,
                    automatic = excluded.automatic, reviewed_at = excluded.reviewed_at
                """, arguments: [review.dataset, review.sampleID, review.reviewer, review.verdict.rawValue,
                                 review.edited, review.note, review.automaticallyKept ? "kept" : "rejected",
                                 review.reviewedAt])
        }
    }

    /// Removes one reviewer's review of a sample (undo); true when there was one.
    @discardableResult
    public func removeReview(dataset: String, sampleID: String, reviewer: String) throws -> Bool {
        try write { db in
            try db.execute(sql: "DELETE FROM reviews WHERE dataset = ? AND sample_id = ? AND reviewer = ?",
                           arguments: [dataset, sampleID, reviewer])
            return db.changesCount > 0
        }
    }

    /// Every review of a dataset, oldest first.
    public func reviews(dataset: String) throws -> [SampleReview] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT dataset, sample_id, reviewer, verdict, edited, note, automatic, reviewed_at
                FROM reviews WHERE dataset = ? ORDER BY reviewed_at, id
                """, arguments: [dataset]).map { row in
                SampleReview(dataset: row[0], sampleID: row[1], reviewer: row[2],
                             verdict: SampleReview.Verdict(rawValue: row[3]) ?? .reject, edited: row[4], note: row[5],
                             automaticallyKept: (row[6] as String) == "kept", reviewedAt: row[7])
            }
        }
    }
}

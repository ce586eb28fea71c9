import Foundation
internal import GRDB

/// A source file's new contents: its fingerprint and the documents extracted from it.
public struct SourceUpdate: Sendable {
    /// The file's path.
    public var source: String
    public var fingerprint: SourceFingerprint
    /// The documents it holds now (none when it no longer yields any text).
    public var documents: [DocumentInput]

    public init(source: String, fingerprint: SourceFingerprint, documents: [DocumentInput]) {
        self.source = source
        self.fingerprint = fingerprint
        self.documents = documents
    }
}

extension CorpusStore {
    /// The fingerprint of every source file in the database, by path.
    public func sourceFingerprints() throws -> [String: SourceFingerprint] {
        try read { db in
            var result: [String: SourceFingerprint] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT source, content_hash, size, modified_at FROM documents GROUP BY source
                """)
            while let row = try rows.next() {
                result[row["source"]] = SourceFingerprint(
                    contentHash: row["content_hash"], size: row["size"], modified: row["modified_at"])
            }
            return result
        }
    }

    /// Replaces the documents of several source files in one transaction: each source's old documents,
    /// chunks, vectors and full-text rows go, its new ones come in. Either all of it is committed or none.
    ///
    /// - Returns: the chunk ids removed and the ids given to the new chunks, in input order.
    /// - Throws: ``StoreError/sqlite(path:reason:)``; the database is unchanged then.
    public func replace(_ updates: [SourceUpdate]) throws -> SourceReplacement {
        try write { db in
            var removed: [Int64] = []
            var added: [Int64] = []
            let now = Date().timeIntervalSince1970
            for update in updates {
                removed += try deleteSource(update.source, in: db)
                for document in update.documents {
                    let insertDocument = try db.cachedStatement(sql: """
                        INSERT INTO documents (path, source, content_hash, size, modified_at, format, title, metadata,
                                               text_length, ingested_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """)
                    try insertDocument.execute(arguments: [
                        document.path, update.source, update.fingerprint.contentHash, update.fingerprint.size,
                        update.fingerprint.modified, document.format, document.title,
                        Self.encodeJSON(document.metadata), document.textLength, now,
                    ])
                    let documentID = db.lastInsertedRowID
                    let insertChunk = try db.cachedStatement(sql: """
                        INSERT INTO chunks (document_id, ordinal, text, char_start, char_end, token_count,
                                            heading_path, page, metadata)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """)
                    let insertVector = try db.cachedStatement(sql: "INSERT INTO vectors (chunk_id, vector) VALUES (?, ?)")
                    for chunk in document.chunks {
                        try insertChunk.execute(arguments: [
                            documentID, chunk.ordinal, chunk.text, chunk.characterRange.lowerBound,
                            chunk.characterRange.upperBound, chunk.tokenCount, Self.encodeJSON(chunk.headingPath),
                            chunk.page, Self.encodeJSON(chunk.metadata),
                        ])
                        let chunkID = db.lastInsertedRowID
                        try insertVector.execute(arguments: [chunkID, VectorBlob.encode(chunk.vector)])
                        added.append(chunkID)
                    }
                }
            }
            return SourceReplacement(removedChunkIDs: removed, addedChunkIDs: added)
        }
    }

    /// Deletes every document of the given source files with their chunks, vectors and full-text rows, in
    /// one transaction.
    /// - Returns: the removed chunk ids.
    public func removeSources(_ sources: [String]) throws -> [Int64] {
        try write { db in
            var removed: [Int64] = []
            for source in sources { removed += try deleteSource(source, in: db) }
            return removed
        }
    }

    /// Deletes one source's documents; returns the ids of the chunks that went with them.
    private func deleteSource(_ source: String, in db: Database) throws -> [Int64] {
        let chunkIDs = try Int64.fetchAll(db, sql: """
            SELECT c.id FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.source = ?
            """, arguments: [source])
        let hasDocuments = try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM documents WHERE source = ?)", arguments: [source]) ?? false
        guard hasDocuments else { return [] }
        // Explicit deletes (not only ON DELETE CASCADE) keep the order obvious: vectors, chunks (their trigger
        // removes the full-text rows), then documents.
        let inDocuments = "(SELECT id FROM documents WHERE source = ?)"
        try db.execute(sql: "DELETE FROM vectors WHERE chunk_id IN (SELECT id FROM chunks WHERE document_id IN \(inDocuments))",
                       arguments: [source])
        try db.execute(sql: "DELETE FROM chunks WHERE document_id IN \(inDocuments)", arguments: [source])
        try db.execute(sql: "DELETE FROM documents WHERE source = ?", arguments: [source])
        return chunkIDs
    }

    // MARK: - Run journal

    /// Starts a run in the journal; a run that never calls ``finishRun(_:status:summary:)`` stays `running`.
    /// - Returns: the run's id.
    public func beginRun(arguments: String) throws -> Int64 {
        try write { db in
            try db.execute(sql: "INSERT INTO ingest_runs (started_at, status, arguments) VALUES (?, 'running', ?)",
                           arguments: [Date().timeIntervalSince1970, arguments])
            return db.lastInsertedRowID
        }
    }

    /// Ends a run with its status (`finished`, `failed`) and summary.
    public func finishRun(_ id: Int64, status: String, summary: RunSummary) throws {
        try write { db in
            try db.execute(sql: "UPDATE ingest_runs SET finished_at = ?, status = ?, summary = ? WHERE id = ?",
                           arguments: [Date().timeIntervalSince1970, status, Self.encodeJSON(summary), id])
        }
    }
}

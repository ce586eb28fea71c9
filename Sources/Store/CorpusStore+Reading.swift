import Foundation
internal import GRDB

extension CorpusStore {
    /// The chunks with these ids, in the order given (ids not found are left out).
    public func chunks(ids: [Int64]) throws -> [StoredChunk] {
        guard !ids.isEmpty else { return [] }
        return try read { db in
            var byID: [Int64: StoredChunk] = [:]
            for batch in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
                let marks = Array(repeating: "?", count: batch.count).joined(separator: ",")
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT c.id, c.document_id, d.path, d.title, c.ordinal, c.text, c.char_start, c.char_end,
                           c.token_count, c.heading_path, c.page, c.metadata
                    FROM chunks c JOIN documents d ON d.id = c.document_id
                    WHERE c.id IN (\(marks))
                    """, arguments: StatementArguments(batch))
                while let row = try rows.next() {
                    let chunk = Self.chunk(from: row)
                    byID[chunk.id] = chunk
                }
            }
            return ids.compactMap { byID[$0] }
        }
    }

    /// The chunks of one document, in order.
    public func chunks(documentPath: String) throws -> [StoredChunk] {
        let ids = try read { db in
            try Int64.fetchAll(db, sql: """
                SELECT c.id FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.path = ? ORDER BY c.ordinal
                """, arguments: [documentPath])
        }
        return try chunks(ids: ids)
    }

    /// Every document path, sorted.
    public func documentPaths() throws -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT path FROM documents ORDER BY path") }
    }

    /// Every source file path, sorted.
    public func sources() throws -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT DISTINCT source FROM documents ORDER BY source") }
    }

    /// The vectors of these chunks, by id.
    /// - Throws: ``StoreError/badVector(path:chunkID:bytes:dimension:)`` for a BLOB of the wrong size.
    public func vectors(ids: [Int64], dimension: Int) throws -> [Int64: [Float]] {
        guard !ids.isEmpty else { return [:] }
        return try read { db in
            var result: [Int64: [Float]] = [:]
            for start in stride(from: 0, to: ids.count, by: 500) {
                let batch = Array(ids[start..<min(start + 500, ids.count)])
                let marks = Array(repeating: "?", count: batch.count).joined(separator: ",")
                let rows = try Row.fetchCursor(db, sql: "SELECT chunk_id, vector FROM vectors WHERE chunk_id IN (\(marks))",
                                               arguments: StatementArguments(batch))
                while let row = try rows.next() {
                    let id: Int64 = row["chunk_id"]
                    var vector: [Float] = []
                    vector.reserveCapacity(dimension)
                    let blob: Data = row["vector"]
                    guard VectorBlob.decode(blob, dimension: dimension, into: &vector) else {
                        throw StoreError.badVector(path: path, chunkID: id, bytes: blob.count, dimension: dimension)
                    }
                    result[id] = vector
                }
            }
            return result
        }
    }

    /// Streams the vectors whose chunk id is in `ids` (or all of them when nil), in id order, in batches of
    /// up to `batchSize`: `body` gets the ids and the vectors row-major.
    public func forEachVectorBatch(ids: Set<Int64>? = nil, dimension: Int, batchSize: Int = 4_096,
                                   _ body: ([Int64], [Float]) throws -> Void) throws {
        try read { db in
            let rows = try Row.fetchCursor(db, sql: "SELECT chunk_id, vector FROM vectors ORDER BY chunk_id")
            var batchIDs: [Int64] = []
            var batch: [Float] = []
            while let row = try rows.next() {
                let id: Int64 = row["chunk_id"]
                if let ids, !ids.contains(id) { continue }
                let blob: Data = row["vector"]
                guard VectorBlob.decode(blob, dimension: dimension, into: &batch) else {
                    throw StoreError.badVector(path: path, chunkID: id, bytes: blob.count, dimension: dimension)
                }
                batchIDs.append(id)
                if batchIDs.count == batchSize {
                    try body(batchIDs, batch)
                    batchIDs.removeAll(keepingCapacity: true)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            if !batchIDs.isEmpty { try body(batchIDs, batch) }
        }
    }

    /// The ids of every chunk that has a vector, ascending.
    public func vectorChunkIDs() throws -> [Int64] {
        try read { db in try Int64.fetchAll(db, sql: "SELECT chunk_id FROM vectors ORDER BY chunk_id") }
    }

    /// Number of vectors with chunk id at most `id`, and the largest chunk id with a vector (0 when none).
    public func vectorCount(upTo id: Int64) throws -> (count: Int, maxID: Int64) {
        try read { db in
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM vectors WHERE chunk_id <= ?", arguments: [id]) ?? 0
            let maxID = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(chunk_id), 0) FROM vectors") ?? 0
            return (count, maxID)
        }
    }

    /// The ids of the chunks `filter` allows.
    public func chunkIDs(matching filter: ChunkFilter) throws -> Set<Int64> {
        let (clause, arguments) = try Self.sql(for: filter)
        return try read { db in
            Set(try Int64.fetchAll(db, sql: """
                SELECT c.id FROM chunks c JOIN documents d ON d.id = c.document_id WHERE \(clause)
                """, arguments: arguments))
        }
    }

    // MARK: - Helpers

    /// A `WHERE` clause over `c` (chunks) and `d` (documents) for `filter`, with its arguments.
    static func sql(for filter: ChunkFilter) throws -> (String, StatementArguments) {
        var clauses: [String] = []
        var arguments = StatementArguments()
        if !filter.pathGlobs.isEmpty {
            clauses.append("(" + filter.pathGlobs.map { _ in "d.path GLOB ?" }.joined(separator: " OR ") + ")")
            arguments += StatementArguments(filter.pathGlobs)
        }
        for (key, value) in filter.metadata {
            guard !key.isEmpty, !key.contains("\"") else {
                throw StoreError.invalidFilter("metadata key must be non-empty and without quotes: \(key)")
            }
            switch key {
            case "format", "title":
                clauses.append("d.\(key) = ?")
                arguments += [value]
            default:
                let jsonPath = "$.\"\(key)\""
                clauses.append("CAST(COALESCE(json_extract(c.metadata, ?), json_extract(d.metadata, ?)) AS TEXT) = ?")
                arguments += [jsonPath, jsonPath, value]
            }
        }
        return (clauses.isEmpty ? "1" : clauses.joined(separator: " AND "), arguments)
    }

    static func chunk(from row: Row) -> StoredChunk {
        let start: Int = row["char_start"]
        let end: Int = row["char_end"]
        return StoredChunk(
            id: row["id"], documentID: row["document_id"], documentPath: row["path"], documentTitle: row["title"],
            ordinal: row["ordinal"], text: row["text"], characterRange: start..<max(start, end),
            tokenCount: row["token_count"], headingPath: decodeJSON([String].self, row["heading_path"]) ?? [],
            page: row["page"], metadata: decodeJSON(Metadata.self, row["metadata"]) ?? [:])
    }
}

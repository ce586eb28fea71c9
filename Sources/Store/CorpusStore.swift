import Foundation
internal import GRDB

/// A corpus database: documents, chunks, vectors, a full-text index and the ingest journal, in one SQLite
/// file in WAL mode.
///
/// The public API speaks in this module's own types (``DocumentInput``, ``StoredChunk``, ...); SQLite and GRDB
/// stay inside, so another backend can take its place.
///
/// - Important: `Sendable`. Reads run concurrently with each other and with one writer (WAL); writes are
///   serialised by GRDB's writer queue. Several processes may open the same file: writers wait up to 30 s for
///   each other's locks.
public final class CorpusStore: Sendable {
    /// The database file.
    public let path: String
    /// The derived HNSW index file beside it (`DB.hnsw`).
    public var indexPath: String { Self.indexPath(forDatabase: path) }

    let pool: DatabasePool

    /// The index file beside a database file.
    public static func indexPath(forDatabase path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingPathExtension().path + ".hnsw"
    }

    /// Opens (and with `create`, creates) a database and brings its schema up to date.
    ///
    /// Creating a new database deletes a leftover index file beside it, which cannot describe the new file.
    /// - Throws: ``StoreError/databaseNotFound(path:)`` when the file is missing and `create` is false;
    ///   ``StoreError/cannotOpen(path:reason:)`` when SQLite cannot open it or the schema cannot be migrated.
    public init(path: String, create: Bool = true) throws {
        self.path = path
        let exists = FileManager.default.fileExists(atPath: path)
        if !exists && !create { throw StoreError.databaseNotFound(path: path) }
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            // WAL with synchronous=NORMAL: every commit is atomic and survives a killed process; only a power
            // loss can drop the last commits, never corrupt the file.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        var attempt = 0
        while true {
            do {
                let opened = try DatabasePool(path: path, configuration: configuration)
                try Self.migrateIfNeeded(opened)
                pool = opened
                break
            } catch {
                // Another process creating the same new file at this moment (two commands started at once)
                // holds locks SQLite does not wait for, or has just created a table we were about to create:
                // look again shortly; its work is as good as ours.
                attempt += 1
                guard attempt < 30, Self.isCreationRace(error) else {
                    throw StoreError.cannotOpen(path: path, reason: Self.message(error))
                }
                usleep(100_000)
            }
        }
        if !exists { try? FileManager.default.removeItem(atPath: indexPath) }
    }

    /// Brings the schema up to date; a read decides first, so the migrator runs only on a new or older database.
    private static func migrateIfNeeded(_ pool: DatabasePool) throws {
        guard try !pool.read({ try Schema.migrator.hasCompletedMigrations($0) }) else { return }
        try Schema.migrator.migrate(pool)
    }

    private static func isCreationRace(_ error: any Error) -> Bool {
        guard let error = error as? DatabaseError else { return false }
        return error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED
            || (error.message ?? "").hasSuffix("already exists")
            || (error.message ?? "").hasPrefix("duplicate column name")
    }

    /// The embedder recorded for this database, if any.
    public func embedder() throws -> EmbedderInfo? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT name, dimension, is_normalized FROM embedder WHERE id = 1").map {
                EmbedderInfo(name: $0["name"], dimension: $0["dimension"], isNormalized: $0["is_normalized"])
            }
        }
    }

    /// Records `embedder` for a database that has none, or checks that it is the one recorded.
    /// - Throws: ``StoreError/embedderMismatch(path:stored:requested:)`` for another embedder.
    public func bind(embedder requested: EmbedderInfo) throws {
        try write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT name, dimension, is_normalized FROM embedder WHERE id = 1") {
                let stored = EmbedderInfo(name: row["name"], dimension: row["dimension"], isNormalized: row["is_normalized"])
                guard stored == requested else {
                    throw StoreError.embedderMismatch(path: path, stored: stored, requested: requested)
                }
            } else {
                try db.execute(
                    sql: "INSERT INTO embedder (id, name, dimension, is_normalized, created_at) VALUES (1, ?, ?, ?, ?)",
                    arguments: [requested.name, requested.dimension, requested.isNormalized, Date().timeIntervalSince1970])
            }
        }
    }

    /// Checks that `requested` is the recorded embedder, without recording anything.
    /// - Throws: ``StoreError/noEmbedder(path:)`` or ``StoreError/embedderMismatch(path:stored:requested:)``.
    public func check(embedder requested: EmbedderInfo) throws {
        guard let stored = try embedder() else { throw StoreError.noEmbedder(path: path) }
        guard stored == requested else {
            throw StoreError.embedderMismatch(path: path, stored: stored, requested: requested)
        }
    }

    // MARK: - Access

    /// Runs `body` in a read transaction, turning database errors into ``StoreError``.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.sqlite(path: path, reason: Self.message(error))
        }
    }

    /// Runs `body` in a write transaction (committed when it returns, rolled back when it throws).
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.write(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.sqlite(path: path, reason: Self.message(error))
        }
    }

    static func message(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return error.message ?? "\(error.resultCode)"
        }
        return "\(error)"
    }

    static func encodeJSON<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? "null"
    }

    static func decodeJSON<T: Decodable>(_ type: T.Type, _ text: String?) -> T? {
        guard let text else { return nil }
        return try? JSONDecoder().decode(T.self, from: Data(text.utf8))
    }
}

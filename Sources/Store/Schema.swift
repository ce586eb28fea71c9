internal import GRDB

/// The database schema as named, append-only migrations. Never edit a registered migration: add a new one.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-corpus") { db in
            // The embedder the vectors came from: one row at most.
            try db.execute(sql: """
                CREATE TABLE embedder (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    name TEXT NOT NULL,
                    dimension INTEGER NOT NULL,
                    is_normalized INTEGER NOT NULL,
                    created_at REAL NOT NULL
                )
                """)
            // One row a document. `source` is the file a document came from (several documents share it for
            // a JSONL file); `path` is unique (the file path, or `file#id` for a JSONL record).
            try db.execute(sql: """
                CREATE TABLE documents (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    path TEXT NOT NULL UNIQUE,
                    source TEXT NOT NULL,
                    content_hash TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    modified_at REAL NOT NULL,
                    format TEXT NOT NULL,
                    title TEXT,
                    metadata TEXT NOT NULL DEFAULT '{}',
                    text_length INTEGER NOT NULL,
                    ingested_at REAL NOT NULL
                )
                """)
            try db.execute(sql: "CREATE INDEX documents_source ON documents(source)")
            // Chunk ids come from AUTOINCREMENT, so they are never reused: the index file's watermark (the
            // last chunk id it covers) stays meaningful across deletions.
            try db.execute(sql: """
                CREATE TABLE chunks (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                    ordinal INTEGER NOT NULL,
                    text TEXT NOT NULL,
                    char_start INTEGER NOT NULL,
                    char_end INTEGER NOT NULL,
                    token_count INTEGER NOT NULL,
                    heading_path TEXT NOT NULL DEFAULT '[]',
                    page INTEGER,
                    metadata TEXT NOT NULL DEFAULT '{}',
                    UNIQUE (document_id, ordinal)
                )
                """)
            try db.execute(sql: """
                CREATE TABLE vectors (
                    chunk_id INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
                    vector BLOB NOT NULL
                )
                """)
            // Full-text index over chunk text, external content, kept in step by triggers.
            try db.execute(sql: """
                CREATE VIRTUAL TABLE chunks_fts USING fts5(
                    text, content='chunks', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2'
                )
                """)
            try db.execute(sql: """
                CREATE TRIGGER chunks_fts_insert AFTER INSERT ON chunks BEGIN
                    INSERT INTO chunks_fts(rowid, text) VALUES (new.id, new.text);
                END
                """)
            try db.execute(sql: """
                CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
                    INSERT INTO chunks_fts(chunks_fts, rowid, text) VALUES ('delete', old.id, old.text);
                END
                """)
            try db.execute(sql: """
                CREATE TRIGGER chunks_fts_update AFTER UPDATE OF text ON chunks BEGIN
                    INSERT INTO chunks_fts(chunks_fts, rowid, text) VALUES ('delete', old.id, old.text);
                    INSERT INTO chunks_fts(rowid, text) VALUES (new.id, new.text);
                END
                """)
            // The run journal: one row an ingest run; a run that never finished keeps status 'running'.
            try db.execute(sql: """
                CREATE TABLE ingest_runs (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    started_at REAL NOT NULL,
                    finished_at REAL,
                    status TEXT NOT NULL,
                    arguments TEXT NOT NULL DEFAULT '',
                    summary TEXT
                )
                """)
        }
        registerJournalMigrations(&migrator)
        registerReviewMigrations(&migrator)
        registerJournalLogprobMigration(&migrator)
        return migrator
    }
}

import Foundation
import Store
import VectorIndex

extension ChunkIndex {
    /// Opens the index file beside `store`, repairing it from SQLite when it is missing, stale or damaged.
    ///
    /// A repaired index is saved back (best effort: a read-only directory only costs the repair next time)
    /// when `saveRepairs` is true.
    /// - Parameters:
    ///   - store: the database.
    ///   - dimension: the embedder's vector length.
    ///   - threads: threads for building or inserting.
    /// - Throws: `StoreError` when the stored vectors cannot be read, ``RetrievalError/index(path:reason:)`` when
    ///   the index cannot be built.
    public static func open(for store: CorpusStore, dimension: Int, saveRepairs: Bool = true,
                            threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> ChunkIndex {
        let path = store.indexPath
        let opened: ChunkIndex
        if !FileManager.default.fileExists(atPath: path) {
            opened = try build(store: store, path: path, dimension: dimension, threads: threads) { .created(count: $0) }
        } else {
            do {
                let index = try HNSWIndex.load(from: path)
                guard index.configuration.dimension == dimension else {
                    throw RetrievalError.index(path: path, reason: "dimension \(index.configuration.dimension), expected \(dimension)")
                }
                opened = try catchUp(index, store: store, path: path, dimension: dimension, threads: threads)
            } catch {
                let reason = (error as? RetrievalError).map { "\($0)" } ?? "\(error)"
                opened = try build(store: store, path: path, dimension: dimension, threads: threads) {
                    .rebuilt(reason: reason, count: $0)
                }
            }
        }
        if saveRepairs && opened.repair.changedIndex {
            do { try opened.save() } catch { opened.saveFailure = "\(error)" }
        }
        return opened
    }

    /// Builds a fresh index from every stored vector.
    static func build(store: CorpusStore, path: String, dimension: Int, threads: Int,
                      repair: (Int) -> IndexRepair) throws -> ChunkIndex {
        let index: HNSWIndex
        do {
            index = try HNSWIndex(configuration: configuration(dimension: dimension))
        } catch {
            throw RetrievalError.index(path: path, reason: "\(error)")
        }
        let chunkIndex = ChunkIndex(path: path, index: index, repair: .upToDate, coveredThrough: 0)
        try store.forEachVectorBatch(dimension: dimension, batchSize: 8_192) { ids, vectors in
            try chunkIndex.apply(removed: [], addedIDs: ids, vectors: vectors, threads: threads)
        }
        let (_, maxID) = try store.vectorCount(upTo: 0)
        return ChunkIndex(path: path, index: index, repair: repair(index.count), coveredThrough: maxID)
    }

    /// Brings a loaded index up to date with the database.
    static func catchUp(_ index: HNSWIndex, store: CorpusStore, path: String, dimension: Int,
                        threads: Int) throws -> ChunkIndex {
        let watermark = Int64(clamping: index.watermark)
        let (storedUpToWatermark, maxID) = try store.vectorCount(upTo: watermark)
        var removed: [Int64] = []
        var missing: Set<Int64> = []
        if storedUpToWatermark != index.count || index.count == 0 && watermark > 0 || maxID < watermark {
            // Deletions (or something stranger) since the file was saved: compare the id sets.
            let stored = Set(try store.vectorChunkIDs())
            let indexed = Set(index.allLabels.map { Int64($0) })
            removed = Array(indexed.subtracting(stored))
            missing = stored.subtracting(indexed)
        } else if maxID > watermark {
            missing = Set(try store.vectorChunkIDs().filter { $0 > watermark })
        }
        let chunkIndex = ChunkIndex(path: path, index: index, repair: .upToDate, coveredThrough: watermark)
        if removed.isEmpty && missing.isEmpty {
            return ChunkIndex(path: path, index: index, repair: .upToDate, coveredThrough: max(watermark, maxID))
        }
        try chunkIndex.apply(removed: removed, addedIDs: [], vectors: [])
        if !missing.isEmpty {
            try store.forEachVectorBatch(ids: missing, dimension: dimension, batchSize: 8_192) { ids, vectors in
                try chunkIndex.apply(removed: [], addedIDs: ids, vectors: vectors, threads: threads)
            }
        }
        return ChunkIndex(path: path, index: index, repair: .caughtUp(added: missing.count, removed: removed.count),
                          coveredThrough: maxID)
    }
}

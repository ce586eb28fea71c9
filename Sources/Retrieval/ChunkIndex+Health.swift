import Foundation
import Store
import VectorIndex

/// The state of a database's index file, inspected without changing anything.
public struct IndexHealth: Sendable, Codable {
    /// `ok`, `missing`, `stale` (vectors added or removed since it was saved) or `unreadable`.
    public var status: String
    /// Why it is unreadable (corrupt, truncated, foreign), if it is.
    public var problem: String?
    /// Live vectors in the file.
    public var count: Int?
    /// Deleted vectors still occupying slots.
    public var tombstones: Int?
    /// The last chunk id the file covers.
    public var watermark: Int64?
    /// Stored vectors the file lacks.
    public var missing: Int
    /// Vectors in the file that the database no longer has.
    public var extra: Int
    /// Size of the file in bytes.
    public var bytes: Int
}

extension ChunkIndex {
    /// Inspects the index file beside `store` against the stored vectors (a query or ingest repairs what
    /// this reports).
    public static func health(of store: CorpusStore) throws -> IndexHealth {
        let path = store.indexPath
        let stored = try store.vectorChunkIDs()
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard FileManager.default.fileExists(atPath: path) else {
            return IndexHealth(status: "missing", count: nil, tombstones: nil, watermark: nil, missing: stored.count,
                               extra: 0, bytes: 0)
        }
        let index: HNSWIndex
        do {
            index = try HNSWIndex.load(from: path)
        } catch {
            return IndexHealth(status: "unreadable", problem: "\(error)", missing: stored.count, extra: 0, bytes: bytes)
        }
        let indexed = Set(index.allLabels.map { Int64($0) })
        let storedSet = Set(stored)
        let missing = storedSet.subtracting(indexed).count
        let extra = indexed.subtracting(storedSet).count
        return IndexHealth(status: missing == 0 && extra == 0 ? "ok" : "stale", count: index.count,
                           tombstones: index.tombstoneCount, watermark: Int64(clamping: index.watermark),
                           missing: missing, extra: extra, bytes: bytes)
    }
}

import Store
import VectorIndex

extension ChunkIndex {
    /// Exact nearest chunks by scanning every stored vector (BLAS), bypassing the HNSW graph: the oracle for
    /// approximate search, and exact results on small databases.
    /// - Parameters:
    ///   - allowed: when given, only these chunk ids may be returned.
    /// - Returns: chunk ids with cosine similarity, best first.
    /// - Complexity: O(n · d) for n stored vectors.
    public static func exactSearch(store: CorpusStore, query: [Float], k: Int, dimension: Int,
                                   allowed: Set<Int64>? = nil) throws -> [(chunkID: Int64, score: Float)] {
        let flat: FlatIndex
        do {
            flat = try FlatIndex(dimension: dimension, metric: .cosine)
        } catch {
            throw RetrievalError.index(path: store.indexPath, reason: "exact search: \(error)")
        }
        try store.forEachVectorBatch(ids: allowed, dimension: dimension, batchSize: 8_192) { ids, vectors in
            do {
                try flat.add(vectors: vectors, labels: ids.map { UInt64($0) })
            } catch {
                throw RetrievalError.index(path: store.indexPath, reason: "exact search: \(error)")
            }
        }
        // Only allowed vectors were loaded, so no filter is needed.
        return try search(flat, path: store.indexPath, query: query, k: k, ef: nil, allowed: nil)
    }
}

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
        do {
            let flat = try FlatIndex(dimension: dimension, metric: .cosine)
            try store.forEachVectorBatch(ids: allowed, dimension: dimension, batchSize: 8_192) { ids, vectors in
                try flat.add(vectors: vectors, labels: ids.map { UInt64($0) })
            }
            return try flat.search(query, k: k).map { (Int64($0.label), Metric.cosine.score(fromDistance: $0.distance)) }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.index(path: store.indexPath, reason: "exact search: \(error)")
        }
    }
}

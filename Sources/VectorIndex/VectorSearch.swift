import Foundation

/// The seam between search and the engines behind it: HNSW, exact flat search with BLAS, or anything else
/// that holds labelled vectors (a pgvector table, a remote service).
///
/// Retrieval works against this protocol, so an engine can be swapped without touching the code above it,
/// and the exact ``FlatIndex`` serves as the oracle that approximate engines are tested against.
/// - Important: conforming types are safe to search from any number of threads at once.
public protocol VectorSearch: AnyObject, Sendable {
    /// Floats in each vector.
    var dimension: Int { get }
    /// How distances are measured.
    var metric: Metric { get }
    /// Vectors that can be returned.
    var count: Int { get }
    /// Adds vectors (row-major, `dimension` floats each) under `labels`; a present label gets the new vector.
    /// - Throws: `IndexError.dimensionMismatch` when `vectors.count` is not `labels.count × dimension`.
    func add(vectors: [Float], labels: [UInt64], threads: Int) throws
    /// Removes `label`; returns whether it was present.
    @discardableResult func remove(_ label: UInt64) -> Bool
    /// The `k` nearest vectors to `query`, nearest first.
    /// - Parameters:
    ///   - ef: candidate list size for approximate engines (exact ones ignore it).
    ///   - filter: only labels it allows are returned.
    func search(_ query: [Float], k: Int, ef: Int?, filter: SearchFilter?) throws -> [SearchResult]
}

extension HNSWIndex: VectorSearch {
    public var dimension: Int { configuration.dimension }
    public var metric: Metric { configuration.metric }
}

extension FlatIndex: VectorSearch {
    /// Adds vectors; exact search has no graph to build, so `threads` is unused.
    public func add(vectors: [Float], labels: [UInt64], threads: Int) throws {
        try add(vectors: vectors, labels: labels)
    }

    /// The exact `k` nearest vectors; `ef` does not apply.
    public func search(_ query: [Float], k: Int, ef: Int?, filter: SearchFilter?) throws -> [SearchResult] {
        try search(query, k: k, filter: filter)
    }
}

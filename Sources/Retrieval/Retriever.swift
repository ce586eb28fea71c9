import Embeddings
import Foundation
import VectorIndex
import Store

/// Searches a corpus database: dense (HNSW), lexical (FTS5 BM25) or hybrid (reciprocal rank fusion of both),
/// with metadata and path filters and optional MMR diversification.
///
/// - Important: `Sendable`; any number of searches may run at once.
public struct Retriever: Sendable {
    public let store: CorpusStore
    /// The embedder (nil: lexical search only).
    public let embedder: (any Embedder)?
    /// The HNSW index (nil without an embedder).
    public let index: ChunkIndex?

    /// Opens a retriever, checking that `embedder` is the database's and bringing the index file up to date
    /// with SQLite (repairing it when missing, stale or damaged).
    /// - Parameters:
    ///   - embedder: nil for lexical search only (nothing is loaded then).
    /// - Throws: ``StoreError/embedderMismatch(path:stored:requested:)``, ``StoreError/noEmbedder(path:)``.
    public init(store: CorpusStore, embedder: (any Embedder)?) throws {
        self.store = store
        self.embedder = embedder
        if let embedder {
            try store.check(embedder: EmbedderInfo(name: embedder.name, dimension: embedder.dimension,
                                                   isNormalized: embedder.isNormalized))
            index = try ChunkIndex.open(for: store, dimension: embedder.dimension)
        } else {
            index = nil
        }
    }

    /// The best `options.k` chunks for `query`.
    /// - Throws: ``RetrievalError``, ``StoreError``, or the embedder's errors.
    public func search(_ query: String, options: SearchOptions = SearchOptions()) throws -> [RetrievedChunk] {
        guard query.contains(where: { !$0.isWhitespace }) else { throw RetrievalError.emptyQuery }
        guard options.k > 0 else { throw RetrievalError.invalidOption("k must be positive, got \(options.k)") }
        if let lambda = options.mmrLambda, !(0...1).contains(lambda) {
            throw RetrievalError.invalidOption("MMR lambda must be in 0...1, got \(lambda)")
        }
        let needsVector = options.mode != .lexical || options.mmrLambda != nil
        guard !needsVector || (embedder != nil && index != nil) else {
            throw RetrievalError.embedderRequired(mode: options.mmrLambda != nil ? "MMR" : options.mode.rawValue)
        }
        let queryVector = try needsVector ? embedder!.embed([query]).first : nil
        let pool = options.mmrLambda == nil && options.mode != .hybrid ? options.k : options.candidateCount

        var dense: [(chunkID: Int64, score: Float)] = []
        var lexical: [LexicalHit] = []
        if options.mode != .lexical, let queryVector, let index {
            let allowed = options.filter.isEmpty ? nil : try store.chunkIDs(matching: options.filter)
            if allowed?.isEmpty != true {
                dense = options.exact
                    ? try ChunkIndex.exactSearch(store: store, query: queryVector, k: pool, dimension: queryVector.count,
                                                 allowed: allowed)
                    : try index.search(queryVector, k: pool, ef: options.ef.map { max($0, pool) }, allowed: allowed)
            }
        }
        if options.mode != .dense {
            lexical = try store.lexicalSearch(query, limit: pool, filter: options.filter)
        }

        var ranked: [(id: Int64, score: Double)]
        switch options.mode {
        case .dense: ranked = dense.map { ($0.chunkID, Double($0.score)) }
        case .lexical: ranked = lexical.map { ($0.chunkID, $0.score) }
        case .hybrid:
            ranked = ReciprocalRankFusion.fuse([dense.map(\.chunkID), lexical.map(\.chunkID)], k: options.rrfK)
        }
        if let lambda = options.mmrLambda, let queryVector, let embedder {
            ranked = try diversify(ranked, query: queryVector, k: options.k, lambda: lambda, dimension: embedder.dimension)
        }
        ranked = Array(ranked.prefix(options.k))

        let denseRank = Dictionary(dense.enumerated().map { ($1.chunkID, ($0 + 1, Double($1.score))) }) { a, _ in a }
        let lexicalRank = Dictionary(lexical.enumerated().map { ($1.chunkID, ($0 + 1, $1.score)) }) { a, _ in a }
        let chunks = try store.chunks(ids: ranked.map(\.id))
        let byID = Dictionary(chunks.map { ($0.id, $0) }) { a, _ in a }
        return ranked.compactMap { entry in
            byID[entry.id].map { chunk in
                RetrievedChunk(chunk: chunk, score: entry.score, denseRank: denseRank[entry.id]?.0,
                               lexicalRank: lexicalRank[entry.id]?.0, denseScore: denseRank[entry.id]?.1,
                               lexicalScore: lexicalRank[entry.id]?.1)
            }
        }
    }

    /// Re-orders candidates by MMR, relevance measured as cosine to the query.
    private func diversify(_ ranked: [(id: Int64, score: Double)], query: [Float], k: Int, lambda: Double,
                           dimension: Int) throws -> [(id: Int64, score: Double)] {
        let vectors = try store.vectors(ids: ranked.map(\.id), dimension: dimension)
        let ids = ranked.map(\.id).filter { vectors[$0] != nil }
        let normalizedQuery = Distance.normalized(query)
        let candidates = ids.map { Distance.normalized(vectors[$0]!) }
        return MaximalMarginalRelevance.select(query: normalizedQuery, candidates: candidates, k: k, lambda: lambda)
            .map { (ids[$0.index], $0.score) }
    }
}

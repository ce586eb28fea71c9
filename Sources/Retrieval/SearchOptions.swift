import Store

/// How results are found.
public enum SearchMode: String, Sendable, CaseIterable, Codable {
    /// Nearest vectors in the HNSW index (cosine similarity).
    case dense
    /// FTS5 full-text search ranked by BM25.
    case lexical
    /// Reciprocal rank fusion of the dense and lexical rankings.
    case hybrid
}

/// Parameters of a search.
public struct SearchOptions: Sendable {
    /// Results wanted.
    public var k = 10
    public var mode = SearchMode.hybrid
    /// Only chunks it allows.
    public var filter = ChunkFilter()
    /// Maximal marginal relevance: trade-off between relevance (1) and diversity (0); nil: off.
    public var mmrLambda: Double?
    /// HNSW candidate list size (nil: the index's default, raised to the candidate count).
    public var ef: Int?
    /// Candidates taken from each ranking before fusion or MMR (nil: `max(50, 4k)`).
    public var candidates: Int?
    /// Dense search by an exact scan of every stored vector instead of the HNSW graph.
    public var exact = false
    /// The constant of reciprocal rank fusion: score = Σ 1 / (rrfK + rank).
    public var rrfK = 60.0

    public init(k: Int = 10, mode: SearchMode = .hybrid, filter: ChunkFilter = ChunkFilter(), mmrLambda: Double? = nil,
                ef: Int? = nil, candidates: Int? = nil) {
        self.k = k
        self.mode = mode
        self.filter = filter
        self.mmrLambda = mmrLambda
        self.ef = ef
        self.candidates = candidates
    }

    /// How many candidates each ranking contributes.
    var candidateCount: Int { max(candidates ?? max(50, 4 * k), k) }
}

/// One result: the chunk, its final score and where each ranking placed it.
public struct RetrievedChunk: Sendable {
    public var chunk: StoredChunk
    /// Final score: cosine for dense, BM25 (higher better) for lexical, RRF for hybrid, MMR's for MMR.
    public var score: Double
    /// 1-based rank in the dense ranking, if it was there.
    public var denseRank: Int?
    /// 1-based rank in the lexical ranking, if it was there.
    public var lexicalRank: Int?
    public var denseScore: Double?
    public var lexicalScore: Double?
}

import Store

/// `rag query --json`.
public struct QueryReport: Encodable, Sendable {
    public struct Result: Encodable, Sendable {
        public var rank: Int
        public var chunkId: Int64
        public var document: String
        public var title: String?
        public var headingPath: [String]
        public var page: Int?
        public var score: Double
        public var text: String
        public var charStart: Int
        public var charEnd: Int
        public var denseRank: Int?
        public var lexicalRank: Int?
        public var denseScore: Double?
        public var lexicalScore: Double?
        public var metadata: [String: String]
    }

    public var query: String
    public var mode: String
    public var results: [Result]

    public init(query: String, mode: String, results: [RetrievedChunk]) {
        self.query = query
        self.mode = mode
        self.results = results.enumerated().map { rank, result in
            let chunk = result.chunk
            return Result(rank: rank + 1, chunkId: chunk.id, document: chunk.documentPath, title: chunk.documentTitle,
                          headingPath: chunk.headingPath, page: chunk.page, score: result.score, text: chunk.text,
                          charStart: chunk.characterRange.lowerBound, charEnd: chunk.characterRange.upperBound,
                          denseRank: result.denseRank, lexicalRank: result.lexicalRank, denseScore: result.denseScore,
                          lexicalScore: result.lexicalScore, metadata: chunk.metadata)
        }
    }
}

/// What `rag eval retrieval` measured: mean scores per search mode, and optionally per query.
public struct RetrievalReport: Sendable, Codable, Equatable {
    /// Mode name (`dense`, `lexical`, `hybrid`) → mean scores.
    public var modes: [String: RetrievalScores]
    /// Queries evaluated (those with judgements).
    public var queries: Int
    /// Mode → seconds spent running its queries.
    public var seconds: [String: Double]
    /// Mode → query id → scores (with `--per-query`).
    public var perQuery: [String: [String: RetrievalScores]]?
    /// Mode → the run file written.
    public var runFiles: [String: String]?
    /// The embedder's name.
    public var embedder: String
    /// The database searched.
    public var database: String

    enum CodingKeys: String, CodingKey {
        case modes, queries, seconds, embedder, database
        case perQuery = "per_query"
        case runFiles = "run_files"
    }

    public init(modes: [String: RetrievalScores], queries: Int, seconds: [String: Double],
                perQuery: [String: [String: RetrievalScores]]? = nil, runFiles: [String: String]? = nil,
                embedder: String, database: String) {
        self.modes = modes
        self.queries = queries
        self.seconds = seconds
        self.perQuery = perQuery
        self.runFiles = runFiles
        self.embedder = embedder
        self.database = database
    }

    /// The modes in their usual order (dense, lexical, hybrid, then any other).
    public var orderedModes: [String] {
        let known = ["dense", "lexical", "hybrid"]
        return known.filter { modes[$0] != nil } + modes.keys.filter { !known.contains($0) }.sorted()
    }
}

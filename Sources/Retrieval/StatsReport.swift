import Store

/// `rag stats --json`.
public struct StatsReport: Encodable, Sendable {
    public var database: String
    public var statistics: StoreStatistics
    public var index: IndexHealth
    public var integrity: [String]?

    public init(database: String, statistics: StoreStatistics, index: IndexHealth, integrity: [String]?) {
        self.database = database
        self.statistics = statistics
        self.index = index
        self.integrity = integrity
    }
}

/// Round-trip retrieval: the question, searched on its own, finds the chunk it was generated from among the
/// first ``SupportChecker/Configuration/roundTripDepth`` results. Score 1 at rank 1, falling linearly to
/// 0.5 at the last admitted rank, 0 when not found.
public struct RoundTripCheck: GroundingCheck {
    public let name = "round_trip"
    /// The search to ask.
    public let retriever: any PassageRetriever
    /// The checker's configuration (depth).
    public let configuration: SupportChecker.Configuration

    /// Creates the check.
    public init(retriever: any PassageRetriever, configuration: SupportChecker.Configuration) {
        self.retriever = retriever
        self.configuration = configuration
    }

    public func evaluate(_ sample: SampleAnalysis) async throws -> CheckResult {
        guard let chunkID = sample.sourceChunkID else {
            return CheckResult(name: name, passed: true, score: 1, reason: "no source chunk given; not checked",
                               features: ["checked": 0])
        }
        let depth = configuration.roundTripDepth
        guard let rank = try await retriever.rank(of: chunkID, for: sample.question.text, depth: depth) else {
            return CheckResult(name: name, passed: false, score: 0,
                               reason: "the question does not retrieve its source chunk \(chunkID) in the top \(depth)",
                               features: ["checked": 1, "rank": 0])
        }
        let score = depth > 1 ? 1 - 0.5 * Double(rank - 1) / Double(depth - 1) : 1
        return CheckResult(name: name, passed: true, score: score,
                           reason: "the question retrieves its source chunk at rank \(rank)",
                           features: ["checked": 1, "rank": Double(rank)])
    }
}

/// The seam to an optional LLM judge, asked only about samples whose combined score falls in the uncertain
/// band (``SupportChecker/Configuration/judgeBand``). Implemented outside this module (an OpenAI-compatible
/// client, for example llama.cpp's server).
public protocol SupportJudge: Sendable {
    /// Whether `answer` correctly answers `question` according to `context` alone.
    ///
    /// - Throws: the judge's own errors (transport, unparseable reply); the checker then keeps the checks'
    ///   decision and records the failure.
    func judge(question: String, answer: String, context: [String]) async throws -> Bool
}

/// The combined-score interval in which the checks are unsure and a ``SupportJudge`` decides.
public struct JudgeBand: Sendable, Equatable {
    /// Scores at or above this are in the band.
    public var lower: Double
    /// Scores below this are in the band.
    public var upper: Double

    /// Creates a band `lower..<upper`.
    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    /// Whether `score` is in the band.
    public func contains(_ score: Double) -> Bool {
        score >= lower && score < upper
    }
}

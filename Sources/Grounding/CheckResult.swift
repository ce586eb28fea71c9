/// The outcome of one grounding check on one sample: whether it passed, how strongly, and why.
///
/// Every verdict keeps all of its check results, so a rejected sample carries the reason it was rejected.
public struct CheckResult: Codable, Sendable, Equatable {
    /// The check's stable name (`span`, `claims`, `question_fit`, `round_trip`, `verifier`).
    public var name: String
    /// Whether the sample passed this check on its own.
    public var passed: Bool
    /// Strength of support in [0, 1]; 1 is fully supported.
    public var score: Double
    /// A one-line human-readable explanation (what matched, or what is missing).
    public var reason: String
    /// The measurements the score was computed from (for reports and for tuning), by name.
    public var features: [String: Double]

    /// Creates a check result.
    public init(name: String, passed: Bool, score: Double, reason: String, features: [String: Double] = [:]) {
        self.name = name
        self.passed = passed
        self.score = score
        self.reason = reason
        self.features = features
    }
}

/// A character span of the context that supports an answer: which passage, and unicode-scalar offsets in it.
public struct PassageSpan: Codable, Sendable, Equatable, Hashable {
    /// Index of the passage in the context passages given to the checker.
    public var passage: Int
    /// Offset of the first unicode scalar of the span in its passage.
    public var start: Int
    /// Offset one past the last unicode scalar of the span.
    public var end: Int

    /// Creates a span.
    public init(passage: Int, start: Int, end: Int) {
        self.passage = passage
        self.start = start
        self.end = end
    }
}

/// The combined decision of a ``SupportChecker`` on one (question, answer, context) sample.
public struct Verdict: Codable, Sendable, Equatable {
    /// What made the final decision.
    public enum Decider: String, Codable, Sendable {
        /// The combined score of the checks against the threshold.
        case checks
        /// The ``AnswerVerifier``'s P(Yes) against ``SupportChecker/Configuration/verifierThreshold``.
        case verifier
    }

    /// Whether the answer is judged supported by the context.
    public var isSupported: Bool
    /// The combined score in [0, 1] that was compared with ``threshold``.
    public var score: Double
    /// The decision threshold used.
    public var threshold: Double
    /// What made the decision.
    public var decidedBy: Decider
    /// Every check's result, in the order they ran.
    public var checks: [CheckResult]
    /// Spans of the context the answer was aligned to (empty when nothing aligned).
    public var supportingSpans: [PassageSpan]

    /// The reason of the first failed check, or `nil` for a supported sample whose checks all passed.
    public var rejectionReason: String? {
        if let failed = rejectingCheck ?? checks.first(where: { !$0.passed }) {
            return "\(failed.name): \(failed.reason)"
        }
        return isSupported ? nil : "combined score \(score) below threshold \(threshold)"
    }

    /// The check that rejected the answer, nil when it is supported. When the verifier model was asked, it (or
    /// the round trip after it) decided, and the word-level checks that failed on their own did not; when it
    /// was not asked, the first failed check did.
    public var rejectingCheck: CheckResult? {
        guard !isSupported else { return nil }
        let model = checks.last { ($0.name == "verifier" || $0.name == "answer_round_trip") && !$0.passed }
        if let model, model.features["asked"] != 0 { return model }
        return checks.first { !$0.passed && $0.name != "verifier" } ?? model
    }

    /// The rejection's name in counts and datasets, nil when the answer is supported: `format` when the
    /// sample's form failed (``QuestionForm``), otherwise `unsupported_` and the rejecting check's name.
    public var rejectionName: String? {
        guard !isSupported else { return nil }
        let name = rejectingCheck?.name ?? "score"
        return name == QuestionForm.name ? name : "unsupported_" + name
    }

    /// The result of the check named `name`, if it ran.
    public func check(named name: String) -> CheckResult? {
        checks.first { $0.name == name }
    }

    /// Creates a verdict.
    public init(isSupported: Bool, score: Double, threshold: Double, decidedBy: Decider, checks: [CheckResult],
                supportingSpans: [PassageSpan]) {
        self.isSupported = isSupported
        self.score = score
        self.threshold = threshold
        self.decidedBy = decidedBy
        self.checks = checks
        self.supportingSpans = supportingSpans
    }
}

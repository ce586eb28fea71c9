import TextAnalysis

/// Extractive answers must be a span of the context, after normalisation (see ``SpanMatcher``).
///
/// Whether an answer is held to this depends on ``SupportChecker/Configuration/answerStyle``: always for
/// `.extractive`, never for `.abstractive`, and for `.automatic` when the answer is a fragment (at most
/// ``SupportChecker/Configuration/fragmentWordLimit`` words, one sentence). A free-form answer passes and
/// is judged by ``ClaimCheck`` instead.
public struct SpanCheck: GroundingCheck {
    public let name = "span"
    /// The checker's configuration (answer style, fragment size).
    public let configuration: SupportChecker.Configuration

    /// Creates the check.
    public init(configuration: SupportChecker.Configuration) {
        self.configuration = configuration
    }

    /// Whether the answer of `sample` must be a span.
    public func requiresSpan(_ sample: SampleAnalysis) -> Bool {
        switch configuration.answerStyle {
        case .extractive: return true
        case .abstractive: return false
        case .automatic: return sample.isFragment
        }
    }

    public func evaluate(_ sample: SampleAnalysis) -> CheckResult {
        let required = requiresSpan(sample)
        if let first = sample.spanOccurrences.first, let span = sample.supportingSpan(ofTokens: first) {
            let count = sample.spanOccurrences.count
            return CheckResult(name: name, passed: true, score: 1,
                               reason: "answer is a span of passage \(span.passage) at \(span.start)..<\(span.end)"
                                   + (count > 1 ? " (\(count) occurrences)" : ""),
                               features: ["occurrences": Double(count), "required": required ? 1 : 0])
        }
        let run = SpanMatcher.longestCommonRunFraction(of: sample.answer, in: sample.context)
        let words = sample.answer.tokens.filter { !Lexicon.articles.contains($0.key) }.count
        let matched = Int((run * Double(words)).rounded())
        let features = ["occurrences": 0, "longest_run": run, "required": required ? 1 : 0]
        if required {
            return CheckResult(name: name, passed: false, score: configuration.spanMissScale * run,
                               reason: "answer is not a span of the context (longest matching run: \(matched) of \(words) words)",
                               features: features)
        }
        return CheckResult(name: name, passed: true, score: run,
                           reason: "free-form answer, not required to be a span (longest matching run: \(matched) of \(words) words)",
                           features: features)
    }
}

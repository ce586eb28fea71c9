import Foundation

/// Claim alignment: every claim (sentence) of the answer must align to a context sentence that covers its
/// content words, and the claim's numbers, dates, units and names must appear there or next to it; a negation
/// mismatch is flagged. The score is the weakest claim's (see ``ClaimAlignment``).
public struct ClaimCheck: GroundingCheck {
    public let name = "claims"
    /// The checker's configuration (pass score).
    public let configuration: SupportChecker.Configuration

    /// Creates the check.
    public init(configuration: SupportChecker.Configuration) {
        self.configuration = configuration
    }

    public func evaluate(_ sample: SampleAnalysis) -> CheckResult {
        guard let weakest = sample.claims.min(by: { $0.score < $1.score }) else {
            return CheckResult(name: name, passed: false, score: 0, reason: "the answer is empty")
        }
        let index = sample.claims.firstIndex { $0.tokenRange == weakest.tokenRange } ?? 0
        let label = sample.claims.count > 1 ? "claim \(index + 1) of \(sample.claims.count)" : "the answer"
        let passed = weakest.score >= configuration.claimPassScore
        let reason: String
        if let problem = weakest.problem {
            reason = "\(label): \(problem)"
        } else if passed {
            reason = "\(label) aligns to context sentence \(weakest.sentence + 1)"
                + (weakest.span != nil ? " verbatim" : String(format: " (coverage %.2f)", weakest.coverage))
        } else {
            reason = "\(label) is weakly aligned: best sentence \(weakest.sentence + 1) covers "
                + String(format: "%.0f%% of its content words", weakest.coverage * 100)
        }
        return CheckResult(name: name, passed: passed, score: weakest.score, reason: reason, features: [
            "coverage": weakest.coverage,
            "missing_facts": Double(weakest.missingFacts.count),
            "facts": Double(weakest.facts.count),
            "negation_mismatch": weakest.hasNegationMismatch ? 1 : 0,
            "claims": Double(sample.claims.count),
        ])
    }
}

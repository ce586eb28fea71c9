import Dataset
import Grounding

extension CheckOutcome {
    /// The outcome of one of the grounding stage's checks.
    public init(_ result: CheckResult) {
        self.init(name: result.name, passed: result.passed, score: result.score, reason: result.reason)
    }
}

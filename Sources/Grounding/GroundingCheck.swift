/// One factuality check: reads a sample's analysis and returns a ``CheckResult`` with a score and a reason.
///
/// Implementations: ``SpanCheck``, ``ClaimCheck``, ``QuestionFitCheck``, ``RoundTripCheck``.
public protocol GroundingCheck: Sendable {
    /// The check's stable name, reported in ``CheckResult/name``.
    var name: String { get }
    /// Evaluates the check on one analysed sample.
    ///
    /// - Throws: only checks that call out (retrieval) throw; their errors propagate to the caller.
    func evaluate(_ sample: SampleAnalysis) async throws -> CheckResult
}

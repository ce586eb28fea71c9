import Grounding
import Testing

/// `rag eval grounding`'s scoring: the checker's own decision, a threshold tuned on one split and applied to
/// the rest, each check's figures and each kind's accuracy.
@Suite struct GroundingEvaluationTests {
    /// Line `i`: supported when `label`, scored `score`, decided `decision`, with a span check that passed when
    /// `spanPassed`; half the lines are in the tune split.
    static func line(_ i: Int, label: Bool, score: Double, decision: Bool, spanPassed: Bool, kind: String)
        -> (LabelledSample, Verdict)
    {
        let sample = LabelledSample(sample: GroundingSample(question: "q\(i)?", answer: "a", passages: ["p"]),
                                    isSupported: label, line: i + 1,
                                    extra: ["kind": kind, "split": i % 2 == 0 ? "tune" : "test"])
        let verdict = Verdict(isSupported: decision, score: score, threshold: 0.5, decidedBy: .checks,
                              checks: [CheckResult(name: "span", passed: spanPassed, score: spanPassed ? 1 : 0, reason: "")],
                              supportingSpans: [])
        return (sample, verdict)
    }

    static let lines = [
        line(0, label: true, score: 0.9, decision: true, spanPassed: true, kind: "gold"),
        line(1, label: true, score: 0.8, decision: false, spanPassed: true, kind: "gold"),
        line(2, label: false, score: 0.7, decision: false, spanPassed: true, kind: "negation"),
        line(3, label: false, score: 0.6, decision: true, spanPassed: false, kind: "negation"),
        line(4, label: true, score: 0.75, decision: true, spanPassed: true, kind: "gold"),
        line(5, label: false, score: 0.2, decision: false, spanPassed: false, kind: "negation"),
    ]

    @Test func theCheckersOwnDecisionCountsWithoutATuneSplit() throws {
        let evaluation = try GroundingEvaluation(samples: Self.lines.map(\.0), verdicts: Self.lines.map(\.1), threshold: 0.5)
        #expect(evaluation.lines.map(\.predicted) == Self.lines.map(\.1.isSupported))
        #expect(evaluation.metrics.truePositives == 2 && evaluation.metrics.falsePositives == 1)
        #expect(evaluation.metrics.falseNegatives == 1 && evaluation.metrics.trueNegatives == 2)
        // The span check passed all 3 supported lines and 1 of 3 unsupported ones.
        let span = try #require(evaluation.checks["span"])
        #expect(span.n == 6 && span.recall == 1 && abs(span.precision - 0.75) < 1e-9)
        #expect(evaluation.kinds["gold"] == .init(n: 3, accuracy: 2.0 / 3))
        #expect(evaluation.kinds["negation"] == .init(n: 3, accuracy: 2.0 / 3))
    }

    @Test func aTunedThresholdIsChosenOnTheTuneLinesAndAppliedToTheOthers() throws {
        let evaluation = try GroundingEvaluation(samples: Self.lines.map(\.0), verdicts: Self.lines.map(\.1),
                                                 threshold: 0.5, tuneSplit: "tune", minimumPrecision: 1)
        // Tune lines score 0.9 (supported), 0.7 (not) and 0.75 (supported): precision 1 needs a cut above 0.7.
        #expect(evaluation.threshold > 0.7 && evaluation.threshold <= 0.75)
        #expect(evaluation.lines.map(\.sample.line) == [2, 4, 6])
        #expect(evaluation.lines.map(\.predicted) == [true, false, false])
        #expect(throws: GroundingError.self) {
            try GroundingEvaluation(samples: Self.lines.map(\.0), verdicts: Self.lines.map(\.1), threshold: 0.5,
                                    tuneSplit: "nowhere")
        }
    }

    @Test func anEvenSampleSpreadsOverTheFile() {
        let samples = (0..<10).map { Self.line($0, label: true, score: 1, decision: true, spanPassed: true, kind: "gold").0 }
        #expect(GroundingEvaluation.evenSample(samples, count: 3).map(\.line) == [1, 4, 7])
        #expect(GroundingEvaluation.evenSample(samples, count: 20).count == 10)
    }
}

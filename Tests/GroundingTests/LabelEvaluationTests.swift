import Grounding
import Testing

@Suite struct LabelEvaluationTests {
    func judgement(_ p: [String: Double]) -> LabelJudgement { LabelJudgement(scores: p, isScored: true, model: "m") }

    @Test func marginIsTheLeadOverTheBestOtherLabel() {
        let j = judgement(["a": 0.6, "b": 0.3, "c": 0.1])
        #expect(j.top == "a")
        #expect(abs(j.margin(for: "a") - 0.3) < 1e-9 && abs(j.margin(for: "b") + 0.3) < 1e-9)
    }

    /// The forum run's case: the reader says Yes to "bug" for an empty text at 0.95 and to "how" at 0.91. A
    /// clear bug report (0.99 bug, 0.97 how) must lead for "bug"; subtracting probabilities gave "how" the lead
    /// (0.04 against 0.06), since a class with a prior near 1 has no room left above it.
    @Test func calibrationInLogOddsLeavesRoomAboveASaturatedPrior() {
        let prior = judgement(["bug": 0.95, "how": 0.91])
        let text = judgement(["bug": 0.99, "how": 0.97]).calibrated(by: prior)
        #expect(text.top == "bug", "\(text.scores)")
        #expect(abs(text.scores["bug"]! - (LabelJudgement.logit(0.99) - LabelJudgement.logit(0.95))) < 1e-9)
        // A text the reader finds no more of a class than nothing scores 0 for it, whatever the prior.
        #expect(abs(judgement(["bug": 0.95, "how": 0.91]).calibrated(by: prior).scores["how"]!) < 1e-9)
        #expect(LabelJudgement.logit(1) > 9 && LabelJudgement.logit(0) < -9, "sampled Yes/No stay finite")
    }

    @Test func rowsCountKeptAndWronglyKeptTexts() {
        let evaluation = LabelEvaluation(lines: [
            .init(text: "t1", label: "a", judgement: judgement(["a": 0.9, "b": 0.1])),   // right, margin 0.8
            .init(text: "t2", label: "a", judgement: judgement(["a": 0.55, "b": 0.45])), // right, margin 0.1
            .init(text: "t3", label: "b", judgement: judgement(["a": 0.7, "b": 0.3])),   // wrong: "a" by 0.4
        ])
        #expect(abs(evaluation.accuracy - 2.0 / 3) < 1e-9)
        let loose = evaluation.row(at: 0)
        #expect(abs(loose.keptShare - 2.0 / 3) < 1e-9 && abs(loose.wrongKeptShare - 1.0 / 3) < 1e-9)
        let strict = evaluation.row(at: 0.5)
        #expect(abs(strict.keptShare - 1.0 / 3) < 1e-9 && strict.wrongKeptShare == 0 && strict.precisionAtHalfWrong == 1)
    }
}

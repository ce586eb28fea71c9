import Grounding
import Testing

@Suite struct LabelEvaluationTests {
    func judgement(_ p: [String: Double]) -> LabelJudgement { LabelJudgement(scores: p, isScored: true, model: "m") }

    @Test func marginIsTheLeadOverTheBestOtherLabel() {
        let j = judgement(["a": 0.6, "b": 0.3, "c": 0.1])
        #expect(j.top == "a")
        #expect(abs(j.margin(for: "a") - 0.3) < 1e-9 && abs(j.margin(for: "b") + 0.3) < 1e-9)
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

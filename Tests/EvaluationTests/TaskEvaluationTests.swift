import RAGTestSupport
import Embeddings
import Foundation
import Testing
import Evaluation
import VectorIndex

/// The task-based evaluation: the softmax classifier, the metrics, the draws, and a real run on TREC questions.
struct TaskEvaluationTests {
    static let trec = SharedData.path("classification/trec-questions/train.jsonl")
    /// One MiniLM embedder for the process (loading maps 87 MB). A missing model fails the test, never skips it.
    static let minilm: Result<BERTEmbedder, any Error> = Result { try BERTEmbedder(locating: nil) }

    /// Three classes around three axes of 8-d space, with deterministic noise, normalised.
    static func toy(perClass: Int, seed: UInt64) -> (features: [[Float]], labels: [String]) {
        var generator = SplitMix64(seed: seed)
        var features: [[Float]] = [], labels: [String] = []
        for i in 0..<(3 * perClass) {
            let k = i % 3
            var x = (0..<8).map { _ in 0.1 * generator.nextGaussian() }
            x[k] += 1
            let norm = Distance.dot(x, x).squareRoot()
            features.append(x.map { $0 / norm })
            labels.append(["alpha", "beta", "gamma"][k])
        }
        return (features, labels)
    }

    @Test func learnsASeparableProblemDeterministically() throws {
        let train = Self.toy(perClass: 40, seed: 1)
        let first = try SoftmaxClassifier(features: train.features, labels: train.labels)
        let second = try SoftmaxClassifier(features: train.features, labels: train.labels)
        #expect(first == second)
        #expect(first.weights == second.weights)
        #expect(first.labels == ["alpha", "beta", "gamma"] && first.weights.count == 3 * 9)
        #expect(first.iterations > 0 && first.loss < 0.5)
        #expect(zip(train.features, train.labels).allSatisfy { first.predict($0) == $1 })
        let test = Self.toy(perClass: 30, seed: 2)
        #expect(zip(test.features, test.labels).allSatisfy { first.predict($0) == $1 })
        // One label: nothing to learn, every prediction is that label.
        let single = try SoftmaxClassifier(features: [[1, 0], [0, 1]], labels: ["only", "only"])
        #expect(single.predict([0.5, 0.5]) == "only" && single.iterations == 0)
        #expect(throws: EvaluationError.self) { try SoftmaxClassifier(features: [[1, 0], [1]], labels: ["a", "b"]) }
    }

    @Test func metricsOnAHandMadeConfusion() {
        let truth = ["a", "a", "a", "b", "b", "c"]
        let predicted = ["a", "a", "b", "b", "c", "c"]
        let m = ClassificationMetrics(truth: truth, predicted: predicted, trainedLabels: ["a", "b"])
        #expect(m.samples == 6 && m.correct == 4)
        #expect(abs(m.accuracy - 4.0 / 6.0) < 1e-12)
        #expect(m.confusion.labels == ["a", "b", "c"])
        #expect(m.confusion.counts == [[2, 1, 0], [0, 1, 1], [0, 0, 1]])
        // a: P 2/2, R 2/3, F1 0.8; b: P 1/2, R 1/2, F1 0.5; c: P 1/2, R 1, F1 2/3.
        #expect(m.perLabel["a"] == ClassificationMetrics.LabelScores(precision: 1, recall: 2.0 / 3.0, f1: 0.8, support: 3, predicted: 2))
        #expect(abs(m.perLabel["b"]!.f1 - 0.5) < 1e-12 && abs(m.perLabel["c"]!.f1 - 2.0 / 3.0) < 1e-12)
        #expect(abs(m.macroF1 - (0.8 + 0.5 + 2.0 / 3.0) / 3) < 1e-12)
        #expect(m.unseenLabels == ["c": 1])
        // A label only predicted is in the table (precision 0) but not in the macro mean.
        let only = ClassificationMetrics(truth: ["x", "x"], predicted: ["x", "y"])
        #expect(only.perLabel["y"]?.precision == 0 && only.perLabel["y"]?.support == 0)
        #expect(abs(only.macroF1 - 2.0 / 3.0) < 1e-12 && only.accuracy == 0.5)
    }

    @Test func loadingSkipsRejectedAndNamesBadLines() throws {
        let dir = TemporaryDirectory()
        try dir.write("data.jsonl", """
            {"text": "plain", "label": "A", "extra": 1}
            {"id": "s1", "text": "generated", "label": "B", "type": "B", "checks": [{"name": "format", "passed": true}]}
            {"id": "s2", "text": "dropped", "label": "B", "checks": [{"name": "grounding", "passed": false}]}
            {"text": "dropped too", "label": "A", "status": "rejected"}

            {"fields": {"text": "nested", "label": 3}}

            """)
        let file = try LabelledFile.load(path: dir.file("data.jsonl"))
        #expect(file.examples == [LabelledExample(line: 1, text: "plain", label: "A"),
                                  LabelledExample(line: 2, text: "generated", label: "B"),
                                  LabelledExample(line: 6, text: "nested", label: "3")])
        #expect(file.rejected == 2)
        try dir.write("bad.jsonl", "{\"text\": \"ok\", \"label\": \"A\"}\n{\"text\": \"no label\"}\n")
        #expect(throws: EvaluationError.missingField(path: dir.file("bad.jsonl"), line: 2, field: "label")) {
            try LabelledFile.load(path: dir.file("bad.jsonl"))
        }
        try dir.write("broken.jsonl", "{\"text\": \"ok\", \"label\": \"A\"}\n\n{\"text\": \n")
        #expect(throws: EvaluationError.malformedLine(path: dir.file("broken.jsonl"), line: 3, reason: "not a JSON object")) {
            try LabelledFile.load(path: dir.file("broken.jsonl"))
        }
    }

    @Test func drawsAreSeededStratifiedAndLeaveTestLinesOut() throws {
        // The permutation is the documented Fisher-Yates, so a script can reproduce a split (Python gave this).
        var generator = SplitMix64(seed: 7)
        #expect(TaskEvaluation.permutation(10, generator: &generator) == [9, 5, 8, 6, 1, 2, 4, 7, 0, 3])
        let pool = (0..<100).map { LabelledExample(line: $0 + 1, text: "t\($0)", label: $0 < 70 ? "big" : ($0 < 95 ? "mid" : "rare")) }
        var g1 = SplitMix64(seed: 3), g2 = SplitMix64(seed: 3)
        let drawn = TaskEvaluation.draw(pool, count: 20, matching: ["big": 5, "mid": 10, "rare": 10], generator: &g1)
        #expect(drawn == TaskEvaluation.draw(pool, count: 20, matching: ["big": 5, "mid": 10, "rare": 10], generator: &g2))
        let counts = drawn.reduce(into: [String: Int]()) { $0[$1.label, default: 0] += 1 }
        // rare has 5 of its 8 wanted; the 3 missing come from the others.
        #expect(drawn.count == 20 && Set(drawn.map(\.line)).count == 20 && counts["rare"] == 5 && counts["mid"]! >= 8)

        // Training and baseline from the test file itself: never a held-out line.
        let dir = TemporaryDirectory()
        let lines = (0..<60).map { "{\"text\": \"question number \($0) about \(["cats", "ships", "rain"][$0 % 3])\", \"label\": \"\($0 % 3)\"}" }
        try dir.write("real.jsonl", lines.joined(separator: "\n") + "\n")
        try dir.write("generated.jsonl", (0..<9).map { "{\"text\": \"about \(["cats", "ships", "rain"][$0 % 3]) \($0)\", \"label\": \"\($0 % 3)\"}" }
            .joined(separator: "\n") + "\n{\"text\": \"odd one\", \"label\": \"3\"}\n")
        let report = try TaskEvaluation.run(
            trainPath: dir.file("generated.jsonl"), testPath: dir.file("real.jsonl"), baselinePath: dir.file("real.jsonl"),
            options: TaskEvaluation.Options(testSize: 20, seed: 5), embedder: HashingEmbedder(dimension: 64))
        #expect(report.test.samples == 20 && report.test.fileSamples == 60)
        let baseline = try #require(report.baseline)
        #expect(baseline.samples == 10 && baseline.excludedTestLines == 20 && baseline.overlap == 0)
        #expect(report.generated.samples == 10 && report.generated.labels["3"] == 1)
        #expect(throws: EvaluationError.self) {
            try TaskEvaluation.run(trainPath: dir.file("real.jsonl"), testPath: dir.file("real.jsonl"), baselinePath: nil,
                                   options: TaskEvaluation.Options(), embedder: HashingEmbedder(dimension: 64))
        }
        let same = try TaskEvaluation.run(trainPath: dir.file("real.jsonl"), testPath: dir.file("real.jsonl"), baselinePath: nil,
                                          options: TaskEvaluation.Options(testSize: 20, seed: 5), embedder: HashingEmbedder(dimension: 64))
        #expect(same.generated.samples == 40 && same.generated.overlap == 0)
        // JSON is flat: training fields and metrics side by side.
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as! [String: Any]
        let generated = try #require(json["generated"] as? [String: Any])
        #expect(generated["accuracy"] is Double && generated["macro_f1"] is Double)
        #expect(generated["train_samples"] as? Int == 10 && generated["samples"] as? Int == 20)
        #expect((json["ratio"] as? [String: Any])?["macro_f1"] != nil)
    }

    /// Real questions, real encoder: 300 TREC questions train a classifier that labels 500 others far above the
    /// majority-class rate (ENTY, 23% of the file). Measured: accuracy 0.736, macro-F1 0.626 (ABBR, 1.6% of the
    /// questions, has few training samples); the bars sit below that, but far above what a broken embedding or a
    /// classifier that learned only the label priors would reach (about 0.24).
    @Test func trecQuestionsWithMiniLM() throws {
        let embedder = try Self.minilm.get()
        let file = try LabelledFile.load(path: Self.trec)
        #expect(file.examples.count == 5_444)
        var generator = SplitMix64(seed: 11)
        let order = TaskEvaluation.permutation(file.examples.count, generator: &generator).map { file.examples[$0] }
        let test = Array(order.prefix(500)), train = Array(order[500..<800])
        let vectors = try TaskEvaluation.embed((train + test).map(\.text), with: embedder)
        let (classifier, metrics, seconds) = try TaskEvaluation.score(train: train, test: test, vectors: vectors,
                                                                     configuration: SoftmaxClassifier.Configuration())
        let majority = Double(test.reduce(into: [String: Int]()) { $0[$1.label, default: 0] += 1 }.values.max()!) / 500
        #expect(majority < 0.3)
        #expect(metrics.accuracy > 0.65 && metrics.accuracy > 2.5 * majority,
                "accuracy \(metrics.accuracy), majority \(majority), \(classifier.iterations) steps in \(seconds) s")
        #expect(metrics.macroF1 > 0.5, "macro-F1 \(metrics.macroF1)")
        #expect(classifier.labels.count == 6 && seconds < 1)
    }
}

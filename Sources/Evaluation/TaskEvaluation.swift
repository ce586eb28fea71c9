import Dataset
import Embeddings
import Foundation
import VectorIndex

/// A text and its class label, from one line of a JSONL file.
public struct LabelledExample: Sendable, Equatable {
    /// 1-based line in its file.
    public var line: Int
    public var text: String
    public var label: String

    public init(line: Int, text: String, label: String) {
        self.line = line
        self.text = text
        self.label = label
    }
}

/// The labelled examples of a JSONL file: real data (`{"text", "label"}`) or a rag classification dataset.
public struct LabelledFile: Sendable, Equatable {
    public var path: String
    /// The usable examples, in file order.
    public var examples: [LabelledExample]
    /// Lines left out as rejected samples.
    public var rejected: Int

    /// Reads `text` and `label` from each line (or from a nested `fields` object); other keys are ignored. A line
    /// of a rag dataset with a failed check, or with `"status": "rejected"`, is a rejected sample and left out.
    /// - Throws: ``EvaluationError`` naming the file and line of a line that is not a JSON object or lacks a string
    ///   `text` or a `label`, or when no example is left.
    public static func load(path: String) throws -> LabelledFile {
        var examples: [LabelledExample] = []
        var rejected = 0
        for line in try TextFile.jsonLines(path) {
            let number = line.number, object = line.object
            let checks = object["checks"]?.arrayValue ?? []
            if object["status"]?.stringValue == "rejected" || checks.contains(where: { $0["passed"] == .bool(false) }) {
                rejected += 1
                continue
            }
            let fields = object["fields"]?.objectValue ?? [:]
            guard let rawText = object["text"] ?? fields["text"] else {
                throw EvaluationError.missingField(path: path, line: number, field: "text")
            }
            guard let text = rawText.stringValue else {
                throw EvaluationError.malformedLine(path: path, line: number, reason: "\"text\" is not a string")
            }
            guard let rawLabel = object["label"] ?? fields["label"] else {
                throw EvaluationError.missingField(path: path, line: number, field: "label")
            }
            guard let label = rawLabel.looseString, !label.isEmpty else {
                throw EvaluationError.malformedLine(path: path, line: number,
                                                    reason: "\"label\" is not a non-empty string or integer")
            }
            examples.append(LabelledExample(line: number, text: text, label: label))
        }
        guard !examples.isEmpty else { throw EvaluationError.empty(path: path) }
        return LabelledFile(path: path, examples: examples, rejected: rejected)
    }

    /// Examples by label.
    public var labelCounts: [String: Int] { examples.reduce(into: [:]) { $0[$1.label, default: 0] += 1 } }
}

/// Task-based evaluation of a classification dataset: a softmax classifier on sentence embeddings is trained on
/// the generated data and on real data of the same size, and both are scored on the same real test samples.
public enum TaskEvaluation {
    /// How the test and baseline samples are drawn, and how the classifier is trained.
    public struct Options: Sendable, Equatable {
        /// Hold out this many samples of the test file (all of them when `nil`).
        public var testSize: Int?
        /// Baseline training samples (default: as many as the generated training set).
        public var baselineSize: Int?
        public var seed: UInt64
        public var classifier: SoftmaxClassifier.Configuration

        public init(testSize: Int? = nil, baselineSize: Int? = nil, seed: UInt64 = 0,
                    classifier: SoftmaxClassifier.Configuration = SoftmaxClassifier.Configuration()) {
            self.testSize = testSize
            self.baselineSize = baselineSize
            self.seed = seed
            self.classifier = classifier
        }
    }

    /// A seeded permutation of `0..<count`: Fisher–Yates from the last position down, swapping position `i`
    /// with `j`, the high 64 bits of `generator.next() * (i + 1)` (reproducible outside Swift).
    public static func permutation(_ count: Int, generator: inout SplitMix64) -> [Int] {
        var order = Array(0..<count)
        var i = count - 1
        while i > 0 {
            let j = Int(generator.next().multipliedFullWidth(by: UInt64(i + 1)).high)
            order.swapAt(i, j)
            i -= 1
        }
        return order
    }

    /// Draws `count` examples of `pool` in a seeded order. With `matching` label counts, each label gets its share
    /// of `count` (largest remainder); a label short in the pool is topped up from the others.
    public static func draw(_ pool: [LabelledExample], count: Int, matching: [String: Int]? = nil,
                            generator: inout SplitMix64) -> [LabelledExample] {
        let order = permutation(pool.count, generator: &generator).map { pool[$0] }
        guard let matching, count < order.count else { return Array(order.prefix(count)) }
        let total = Double(matching.values.reduce(0, +))
        let labels = matching.keys.sorted()
        var quota = Dictionary(uniqueKeysWithValues: labels.map { ($0, Int(Double(matching[$0]!) * Double(count) / total)) })
        let byRemainder = labels.sorted {
            let a = Double(matching[$0]!) * Double(count) / total, b = Double(matching[$1]!) * Double(count) / total
            return (a - a.rounded(.down), $1) > (b - b.rounded(.down), $0)
        }
        for label in byRemainder.prefix(count - quota.values.reduce(0, +)) { quota[label]! += 1 }
        var taken = [Bool](repeating: false, count: order.count)
        var chosen = 0
        for (i, example) in order.enumerated() where quota[example.label, default: 0] > 0 {
            quota[example.label]! -= 1
            taken[i] = true
            chosen += 1
        }
        for i in order.indices where !taken[i] && chosen < count {
            taken[i] = true
            chosen += 1
        }
        return order.indices.filter { taken[$0] }.map { order[$0] }
    }

    /// Trains on `train` and scores on `test`; `vectors` maps each text to its (normalised) embedding.
    public static func score(train: [LabelledExample], test: [LabelledExample], vectors: [String: [Float]],
                             configuration: SoftmaxClassifier.Configuration) throws -> (SoftmaxClassifier, ClassificationMetrics, Double) {
        let start = ContinuousClock.now
        let classifier = try SoftmaxClassifier(features: train.map { vectors[$0.text]! }, labels: train.map(\.label),
                                               configuration: configuration)
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let metrics = ClassificationMetrics(truth: test.map(\.label), predicted: test.map { classifier.predict(vectors[$0.text]!) },
                                            trainedLabels: Set(classifier.labels))
        return (classifier, metrics, seconds)
    }

    /// Embeds every distinct text once, in batches, and L2-normalises the vectors.
    public static func embed(_ texts: [String], with embedder: any Embedder,
                             progress: ((_ done: Int, _ total: Int) -> Void)? = nil) throws -> [String: [Float]] {
        var seen: Set<String> = []
        let distinct = texts.filter { seen.insert($0).inserted }
        var vectors: [String: [Float]] = [:]
        for start in stride(from: 0, to: distinct.count, by: 256) {
            let batch = Array(distinct[start..<min(start + 256, distinct.count)])
            for (text, vector) in zip(batch, try DatasetStatistics.embed(batch, with: embedder)) {
                let norm = Distance.dot(vector, vector).squareRoot()
                vectors[text] = norm > 0 ? vector.map { $0 / norm } : vector
            }
            progress?(vectors.count, distinct.count)
        }
        return vectors
    }

    /// The whole evaluation: held-out test samples, the generated and (optionally) the baseline training sets,
    /// embeddings, two classifiers, their scores and ratios.
    ///
    /// A training file that is the test file (same path once resolved) trains on the lines not held out for the
    /// test, and so is a baseline drawn from it; either then needs `testSize`.
    public static func run(trainPath: String, testPath: String, baselinePath: String?, options: Options,
                           embedder: any Embedder,
                           progress: ((_ done: Int, _ total: Int) -> Void)? = nil) throws -> TaskEvaluationReport {
        let testFile = try LabelledFile.load(path: testPath)
        var generator = SplitMix64(seed: options.seed)
        var heldOut = Set(testFile.examples.indices)
        if let size = options.testSize {
            guard size > 0, size <= testFile.examples.count else {
                throw EvaluationError.invalidInput("test size \(size): \(testPath) has \(testFile.examples.count) samples")
            }
            heldOut = Set(permutation(testFile.examples.count, generator: &generator).prefix(size))
        }
        let test = testFile.examples.indices.filter { heldOut.contains($0) }.map { testFile.examples[$0] }
        let testLines = Set(test.map(\.line))

        /// A training file's examples, less the held-out test lines when it is the test file.
        func trainingPool(_ path: String) throws -> (file: LabelledFile, pool: [LabelledExample], excluded: Int) {
            guard sameFile(path, testPath) else {
                let file = try LabelledFile.load(path: path)
                return (file, file.examples, 0)
            }
            guard options.testSize != nil else {
                throw EvaluationError.invalidInput("\(path) is also the test file: give a test size to hold out test lines")
            }
            let pool = testFile.examples.filter { !testLines.contains($0.line) }
            guard !pool.isEmpty else { throw EvaluationError.invalidInput("\(path): no line is left once the test lines are held out") }
            return (testFile, pool, test.count)
        }

        let generated = try trainingPool(trainPath)
        var baseline: (file: LabelledFile, pool: [LabelledExample], excluded: Int)?
        var baselineTrain: [LabelledExample] = []
        if let baselinePath {
            let drawn = try trainingPool(baselinePath)
            let size = options.baselineSize ?? generated.pool.count
            guard size > 0, size <= drawn.pool.count else {
                throw EvaluationError.invalidInput("baseline size \(size): \(baselinePath) has \(drawn.pool.count) samples"
                                                   + (drawn.excluded > 0 ? " besides the test lines" : ""))
            }
            let target = generated.pool.reduce(into: [String: Int]()) { $0[$1.label, default: 0] += 1 }
            baselineTrain = draw(drawn.pool, count: size, matching: target, generator: &generator)
            baseline = drawn
        }

        let vectors = try embed(generated.pool.map(\.text) + baselineTrain.map(\.text) + test.map(\.text), with: embedder,
                                progress: progress)
        func scores(_ file: LabelledFile, _ train: [LabelledExample], excluded: Int) throws -> TaskScores {
            let (classifier, metrics, seconds) = try score(train: train, test: test, vectors: vectors,
                                                           configuration: options.classifier)
            let trainTexts = Set(train.map(\.text))
            return TaskScores(file: file.path, samples: train.count,
                              labels: train.reduce(into: [:]) { $0[$1.label, default: 0] += 1 },
                              excludedTestLines: excluded, rejected: file.rejected,
                              overlap: test.filter { trainTexts.contains($0.text) }.count,
                              iterations: classifier.iterations, loss: classifier.loss, trainSeconds: seconds, metrics: metrics)
        }
        let generatedScores = try scores(generated.file, generated.pool, excluded: generated.excluded)
        let baselineScores = try baseline.map { try scores($0.file, baselineTrain, excluded: $0.excluded) }
        return TaskEvaluationReport(
            embedder: embedder.name, seed: options.seed, l2: options.classifier.l2,
            test: TestSummary(file: testPath, samples: test.count, fileSamples: testFile.examples.count,
                              rejected: testFile.rejected, labels: test.reduce(into: [:]) { $0[$1.label, default: 0] += 1 }),
            generated: generatedScores, baseline: baselineScores,
            ratio: baselineScores.map { ScoreRatio(generated: generatedScores.metrics, baseline: $0.metrics) })
    }

    /// Whether two paths name the same file (after resolving symbolic links and `..`).
    static func sameFile(_ a: String, _ b: String) -> Bool {
        func resolved(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path }
        return resolved(a) == resolved(b)
    }
}

/// What `rag eval task` measured.
public struct TaskEvaluationReport: Sendable, Codable, Equatable {
    public var embedder: String
    public var seed: UInt64
    /// The classifier's L2 penalty.
    public var l2: Double
    public var test: TestSummary
    /// The classifier trained on the generated data.
    public var generated: TaskScores
    /// The classifier trained on real data, when a baseline file was given.
    public var baseline: TaskScores?
    /// Generated over baseline, when there is a baseline.
    public var ratio: ScoreRatio?
}

/// The test samples.
public struct TestSummary: Sendable, Codable, Equatable {
    public var file: String
    /// Samples held out for the test.
    public var samples: Int
    /// Usable samples in the file.
    public var fileSamples: Int
    /// Lines of the file left out as rejected samples.
    public var rejected: Int
    /// Test samples by label.
    public var labels: [String: Int]

    enum CodingKeys: String, CodingKey {
        case file, samples, rejected, labels
        case fileSamples = "file_samples"
    }
}

/// One classifier: what it was trained on and how it scored. Encoded flat: the training fields (`train_samples`,
/// `train_labels`, ...) beside the metrics' (`samples` is then the test samples scored).
public struct TaskScores: Sendable, Codable, Equatable {
    /// The training file.
    public var file: String
    /// Training samples.
    public var samples: Int
    /// Training samples by label.
    public var labels: [String: Int]
    /// Lines of the training file left out because they are test lines (it is the test file).
    public var excludedTestLines: Int
    /// Lines of the training file left out as rejected samples.
    public var rejected: Int
    /// Test samples whose exact text is also a training text.
    public var overlap: Int
    /// L-BFGS steps, final objective and training time.
    public var iterations: Int
    public var loss: Double
    public var trainSeconds: Double
    public var metrics: ClassificationMetrics

    enum CodingKeys: String, CodingKey {
        case file, rejected, overlap, iterations, loss
        case samples = "train_samples"
        case labels = "train_labels"
        case excludedTestLines = "excluded_test_lines"
        case trainSeconds = "train_seconds"
    }

    public init(file: String, samples: Int, labels: [String: Int], excludedTestLines: Int, rejected: Int, overlap: Int,
                iterations: Int, loss: Double, trainSeconds: Double, metrics: ClassificationMetrics) {
        self.file = file
        self.samples = samples
        self.labels = labels
        self.excludedTestLines = excludedTestLines
        self.rejected = rejected
        self.overlap = overlap
        self.iterations = iterations
        self.loss = loss
        self.trainSeconds = trainSeconds
        self.metrics = metrics
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(file: try c.decode(String.self, forKey: .file), samples: try c.decode(Int.self, forKey: .samples),
                  labels: try c.decode([String: Int].self, forKey: .labels),
                  excludedTestLines: try c.decode(Int.self, forKey: .excludedTestLines),
                  rejected: try c.decode(Int.self, forKey: .rejected), overlap: try c.decode(Int.self, forKey: .overlap),
                  iterations: try c.decode(Int.self, forKey: .iterations), loss: try c.decode(Double.self, forKey: .loss),
                  trainSeconds: try c.decode(Double.self, forKey: .trainSeconds),
                  metrics: try ClassificationMetrics(from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(file, forKey: .file)
        try c.encode(samples, forKey: .samples)
        try c.encode(labels, forKey: .labels)
        try c.encode(excludedTestLines, forKey: .excludedTestLines)
        try c.encode(rejected, forKey: .rejected)
        try c.encode(overlap, forKey: .overlap)
        try c.encode(iterations, forKey: .iterations)
        try c.encode(loss, forKey: .loss)
        try c.encode(trainSeconds, forKey: .trainSeconds)
        try metrics.encode(to: encoder)
    }
}

/// Generated over baseline scores (infinite or NaN when the baseline scored 0).
public struct ScoreRatio: Sendable, Codable, Equatable {
    public var accuracy: Double
    public var macroF1: Double

    enum CodingKeys: String, CodingKey {
        case accuracy
        case macroF1 = "macro_f1"
    }

    public init(generated: ClassificationMetrics, baseline: ClassificationMetrics) {
        accuracy = generated.accuracy / baseline.accuracy
        macroF1 = generated.macroF1 / baseline.macroF1
    }
}

/// Accuracy, macro-F1, per-label precision, recall and F1, and the confusion matrix of predicted labels.
///
/// Macro-F1 is the unweighted mean F1 over the labels that occur in the truth: a label that is only predicted,
/// never true, is left out of the mean (its wrong predictions already lower the recall of the true labels).
/// A label with no prediction has precision 0, so its F1 is 0; so does a test label the classifier never saw in
/// training, whose samples are all errors and are counted in ``unseenLabels``.
public struct ClassificationMetrics: Sendable, Codable, Equatable {
    /// Samples scored.
    public var samples: Int
    /// Samples predicted right.
    public var correct: Int
    /// `correct / samples` (0 with no sample).
    public var accuracy: Double
    /// Mean F1 over the labels of the truth.
    public var macroF1: Double
    /// Every label of the truth or the predictions → its scores.
    public var perLabel: [String: LabelScores]
    /// Counts by true and predicted label.
    public var confusion: ConfusionMatrix
    /// Test labels absent from training → how many test samples carry them (all of them errors).
    public var unseenLabels: [String: Int]

    /// One label's scores.
    public struct LabelScores: Sendable, Codable, Equatable {
        public var precision: Double
        public var recall: Double
        public var f1: Double
        /// Samples whose true label this is.
        public var support: Int
        /// Samples predicted as this label.
        public var predicted: Int

        public init(precision: Double, recall: Double, f1: Double, support: Int, predicted: Int) {
            self.precision = precision
            self.recall = recall
            self.f1 = f1
            self.support = support
            self.predicted = predicted
        }
    }

    enum CodingKeys: String, CodingKey {
        case samples, correct, accuracy, confusion
        case macroF1 = "macro_f1"
        case perLabel = "per_label"
        case unseenLabels = "unseen_labels"
    }

    /// Scores predictions against the truth, position by position.
    /// - Parameter trainedLabels: the labels the classifier was trained on, to report the test labels it never saw
    ///   (`nil`: none reported).
    public init(truth: [String], predicted: [String], trainedLabels: Set<String>? = nil) {
        precondition(truth.count == predicted.count, "one prediction per sample")
        let confusion = ConfusionMatrix(truth: truth, predicted: predicted)
        let labels = confusion.labels
        var perLabel: [String: LabelScores] = [:]
        var correct = 0
        for (k, label) in labels.enumerated() {
            let hits = confusion.counts[k][k]
            correct += hits
            let support = confusion.counts[k].reduce(0, +)
            let predictedCount = confusion.counts.reduce(0) { $0 + $1[k] }
            let precision = predictedCount == 0 ? 0 : Double(hits) / Double(predictedCount)
            let recall = support == 0 ? 0 : Double(hits) / Double(support)
            let f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
            perLabel[label] = LabelScores(precision: precision, recall: recall, f1: f1, support: support,
                                          predicted: predictedCount)
        }
        let truthLabels = Set(truth)
        let f1s = truthLabels.sorted().map { perLabel[$0]!.f1 }
        self.samples = truth.count
        self.correct = correct
        self.accuracy = truth.isEmpty ? 0 : Double(correct) / Double(truth.count)
        self.macroF1 = f1s.isEmpty ? 0 : f1s.reduce(0, +) / Double(f1s.count)
        self.perLabel = perLabel
        self.confusion = confusion
        var unseen: [String: Int] = [:]
        if let trainedLabels {
            for label in truth where !trainedLabels.contains(label) { unseen[label, default: 0] += 1 }
        }
        self.unseenLabels = unseen
    }
}

/// A confusion matrix: `counts[i][j]` samples of true label `labels[i]` were predicted as `labels[j]`.
public struct ConfusionMatrix: Sendable, Codable, Equatable {
    /// Every label of the truth or the predictions, sorted.
    public var labels: [String]
    /// Rows: true label; columns: predicted label.
    public var counts: [[Int]]

    /// Counts the pairs `(truth[i], predicted[i])`.
    public init(truth: [String], predicted: [String]) {
        labels = Set(truth).union(predicted).sorted()
        let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        counts = Array(repeating: Array(repeating: 0, count: labels.count), count: labels.count)
        for (t, p) in zip(truth, predicted) { counts[index[t]!][index[p]!] += 1 }
    }
}

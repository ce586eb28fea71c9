/// How well scores separate supported from unsupported samples at a threshold, with "supported" as the
/// positive class.
public struct BinaryMetrics: Sendable, Equatable, Codable {
    /// Number of samples.
    public var count: Int
    /// Supported samples scored at or above the threshold.
    public var truePositives: Int
    /// Unsupported samples scored at or above the threshold.
    public var falsePositives: Int
    /// Unsupported samples scored below the threshold.
    public var trueNegatives: Int
    /// Supported samples scored below the threshold.
    public var falseNegatives: Int
    /// The threshold applied.
    public var threshold: Double

    /// Counts outcomes: a sample is predicted supported when its score is at least `threshold`.
    ///
    /// - Precondition: `scores.count == labels.count`.
    public init(scores: [Double], labels: [Bool], threshold: Double) {
        precondition(scores.count == labels.count, "one label per score")
        var tp = 0, fp = 0, tn = 0, fn = 0
        for (score, label) in zip(scores, labels) {
            switch (score >= threshold, label) {
            case (true, true): tp += 1
            case (true, false): fp += 1
            case (false, false): tn += 1
            case (false, true): fn += 1
            }
        }
        self.count = scores.count
        self.truePositives = tp
        self.falsePositives = fp
        self.trueNegatives = tn
        self.falseNegatives = fn
        self.threshold = threshold
    }

    /// Precision of "supported": TP / (TP + FP); 1 when nothing is predicted supported.
    public var precision: Double {
        truePositives + falsePositives == 0 ? 1 : Double(truePositives) / Double(truePositives + falsePositives)
    }

    /// Recall of "supported" (true positive rate): TP / (TP + FN); 0 without supported samples.
    public var recall: Double {
        truePositives + falseNegatives == 0 ? 0 : Double(truePositives) / Double(truePositives + falseNegatives)
    }

    /// True negative rate: TN / (TN + FP); 0 without unsupported samples.
    public var specificity: Double {
        trueNegatives + falsePositives == 0 ? 0 : Double(trueNegatives) / Double(trueNegatives + falsePositives)
    }

    /// Mean of recall and specificity: accuracy that does not reward predicting the larger class.
    public var balancedAccuracy: Double { (recall + specificity) / 2 }

    /// The threshold that maximises balanced accuracy among those reaching `minimumPrecision` (if none
    /// does, among all), ties going to the higher threshold. Candidates are midpoints between consecutive
    /// distinct scores.
    ///
    /// - Complexity: O(*n* log *n*).
    public static func bestThreshold(scores: [Double], labels: [Bool], minimumPrecision: Double = 0) -> Double {
        let order = zip(scores, labels).sorted { $0.0 > $1.0 }
        let positives = labels.filter { $0 }.count
        let negatives = labels.count - positives
        guard !order.isEmpty else { return 0.5 }
        var best: (meetsPrecision: Bool, accuracy: Double, threshold: Double) = (false, -1, order[0].0 + 1e-9)
        var tp = 0, fp = 0
        for (index, (score, label)) in order.enumerated() {
            if label { tp += 1 } else { fp += 1 }
            if index + 1 < order.count, order[index + 1].0 == score { continue }
            let next = index + 1 < order.count ? order[index + 1].0 : score - 1e-6
            let threshold = (score + next) / 2
            let recall = positives == 0 ? 0 : Double(tp) / Double(positives)
            let specificity = negatives == 0 ? 0 : Double(negatives - fp) / Double(negatives)
            let accuracy = (recall + specificity) / 2
            let precision = Double(tp) / Double(tp + fp)
            let meets = precision >= minimumPrecision
            if (meets && !best.meetsPrecision) || (meets == best.meetsPrecision && accuracy > best.accuracy) {
                best = (meets, accuracy, threshold)
            }
        }
        return best.threshold
    }
}

import Foundation

/// How well the checking stage decides labelled samples: the combined decision, each check on its own, and
/// each kind of line (`rag eval grounding`).
public struct GroundingEvaluation: Sendable {
    /// One evaluated line: the label, the checker's verdict and the decision that counts.
    public struct Line: Sendable {
        public var sample: LabelledSample
        public var verdict: Verdict
        public var predicted: Bool
    }

    /// A check's own pass/fail taken as the prediction, over the lines it ran on.
    public struct CheckFigures: Encodable, Sendable, Equatable {
        public var n: Int
        public var precision: Double
        public var recall: Double
        public var balancedAccuracy: Double
        enum CodingKeys: String, CodingKey {
            case n, precision, recall
            case balancedAccuracy = "balanced_accuracy"
        }
    }

    /// Accuracy of the combined decision on the lines of one `kind`.
    public struct KindFigures: Encodable, Sendable, Equatable {
        public var n: Int
        public var accuracy: Double

        public init(n: Int, accuracy: Double) {
            self.n = n
            self.accuracy = accuracy
        }
    }

    /// What the verifier model did over the evaluated lines.
    public struct VerifierFigures: Encodable, Sendable, Equatable {
        public var model: String
        public var gate: Double
        public var asked: Int
        public var scored: Int
        public var failed: Int
    }

    /// The lines evaluated (the tune split's lines excluded when a threshold was tuned on them).
    public var lines: [Line]
    /// The combined decision's figures.
    public var metrics: BinaryMetrics
    /// The threshold in force: the configured one, or the one tuned on the tune split.
    public var threshold: Double
    public var checks: [String: CheckFigures]
    public var kinds: [String: KindFigures]

    /// `count` samples spread evenly over `samples` (all of them when there are fewer).
    public static func evenSample(_ samples: [LabelledSample], count: Int) -> [LabelledSample] {
        guard count < samples.count else { return samples }
        let stride = Double(samples.count) / Double(count)
        return (0..<count).map { samples[Int(Double($0) * stride)] }
    }

    /// Scores `verdicts` against their labels.
    ///
    /// Without a tune split the checker's own decision counts: a verdict the round trip or the verifier decided
    /// can reject a sample whose score clears the threshold. With one, the threshold that maximises balanced
    /// accuracy at `minimumPrecision` on the tune lines is chosen, and the other lines are scored at it.
    /// - Throws: ``GroundingError/emptyDataset(path:)`` when no line is in the tune split, or every line is.
    public init(samples: [LabelledSample], verdicts: [Verdict], threshold: Double, tuneSplit: String? = nil,
                minimumPrecision: Double = 0.97, path: String = "<data>") throws {
        var evaluated = Array(zip(samples, verdicts))
        var chosen = threshold
        if let tuneSplit {
            let tuning = evaluated.filter { $0.0.extra["split"] == tuneSplit }
            guard !tuning.isEmpty else { throw GroundingError.emptyDataset(path: "\(path) (split \(tuneSplit))") }
            chosen = BinaryMetrics.bestThreshold(scores: tuning.map(\.1.score), labels: tuning.map(\.0.isSupported),
                                                 minimumPrecision: minimumPrecision)
            evaluated = evaluated.filter { $0.0.extra["split"] != tuneSplit }
            guard !evaluated.isEmpty else { throw GroundingError.emptyDataset(path: "\(path) (outside split \(tuneSplit))") }
        }
        let cut = chosen
        lines = evaluated.map { sample, verdict in
            Line(sample: sample, verdict: verdict, predicted: tuneSplit != nil ? verdict.score >= cut : verdict.isSupported)
        }
        self.threshold = chosen
        metrics = BinaryMetrics(scores: lines.map { $0.predicted ? 1 : 0 }, labels: lines.map(\.sample.isSupported),
                                threshold: 0.5)
        var byName: [String: [(passed: Bool, label: Bool)]] = [:]
        for line in lines {
            for check in line.verdict.checks where check.features["asked"] != 0 {
                byName[check.name, default: []].append((check.passed, line.sample.isSupported))
            }
        }
        checks = byName.mapValues { rows in
            let m = BinaryMetrics(scores: rows.map { $0.passed ? 1 : 0 }, labels: rows.map(\.label), threshold: 0.5)
            return CheckFigures(n: m.count, precision: m.precision, recall: m.recall, balancedAccuracy: m.balancedAccuracy)
        }
        kinds = Dictionary(grouping: lines) { $0.sample.extra["kind"] ?? "" }.filter { !$0.key.isEmpty }.mapValues { rows in
            KindFigures(n: rows.count,
                        accuracy: Double(rows.filter { $0.predicted == $0.sample.isSupported }.count) / Double(rows.count))
        }
    }

    /// The verifier's part, when one ran (`model`: its name).
    public func verifierFigures(model: String, gate: Double) -> VerifierFigures {
        func count(_ feature: String) -> Int { lines.filter { $0.verdict.check(named: "verifier")?.features[feature] == 1 }.count }
        return VerifierFigures(model: model, gate: gate, asked: count("asked"), scored: count("scored"), failed: count("failed"))
    }
}

extension GroundingEvaluation {
    /// The evaluation as one object (`rag eval grounding --json`): a check's figures treat its own pass/fail as
    /// the prediction.
    public struct Report: Encodable, Sendable {
        public var n: Int
        public var balancedAccuracy: Double
        public var precision: Double
        public var recall: Double
        public var threshold: Double
        public var verifier: VerifierFigures?
        public var checks: [String: CheckFigures]
        public var kinds: [String: KindFigures]

        enum CodingKeys: String, CodingKey {
            case n, precision, recall, threshold, verifier, checks, kinds
            case balancedAccuracy = "balanced_accuracy"
        }
    }

    /// The report, with the verifier's figures when one was asked.
    public func report(verifier: VerifierFigures?) -> Report {
        Report(n: metrics.count, balancedAccuracy: metrics.balancedAccuracy, precision: metrics.precision,
               recall: metrics.recall, threshold: threshold, verifier: verifier, checks: checks, kinds: kinds)
    }

    /// One verdict of `verdictsJSONL()`.
    private struct VerdictLine: Encodable {
        var line: Int
        var supported: Bool
        var predicted: Bool
        var score: Double
        var kind: String?
        var reason: String?
        var checks: [CheckResult]
    }

    /// One JSON line per sample: its line number, label, prediction, score, kind, the reason when rejected,
    /// and every check.
    public func verdictsJSONL() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = Data()
        for line in lines {
            let verdict = line.verdict
            data.append(try encoder.encode(VerdictLine(
                line: line.sample.line, supported: line.sample.isSupported, predicted: line.predicted,
                score: verdict.score, kind: line.sample.extra["kind"],
                reason: line.predicted ? nil : verdict.rejectionReason, checks: verdict.checks)))
            data.append(Data("\n".utf8))
        }
        return data
    }
}

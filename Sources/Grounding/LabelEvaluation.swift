import Foundation

/// How well a ``TextLabeller`` gives real labelled texts their labels back, and the margin to keep a
/// generated text at: the round trip of classification samples, measured on text people wrote.
public struct LabelEvaluation: Sendable {
    /// One labelled text and the reader's judgement of it.
    public struct Line: Sendable {
        public var text: String
        public var label: String
        public var judgement: LabelJudgement

        public init(text: String, label: String, judgement: LabelJudgement) {
            self.text = text
            self.label = label
            self.judgement = judgement
        }

        /// Kept at `margin`: the reader's choice is the label by at least the margin.
        public func isKept(at margin: Double) -> Bool {
            judgement.top == label && judgement.margin(for: label) >= margin
        }
    }

    /// What keeping at one margin does: the share of texts of their true label kept (recall) and, as if
    /// every text had been written for a random label of the set, how many wrongly labelled ones get through.
    public struct Row: Sendable, Codable, Equatable {
        public var margin: Double
        /// Texts kept under their true label, as a share of all.
        public var keptShare: Double
        /// Of the (text, other label) pairs, the share kept: a text written for one label that is really an
        /// example of another passes this often.
        public var wrongKeptShare: Double
        /// Precision of keeping when half the texts carry a wrong label: kept right / all kept.
        public var precisionAtHalfWrong: Double

        enum CodingKeys: String, CodingKey {
            case margin
            case keptShare = "kept_share"
            case wrongKeptShare = "wrong_kept_share"
            case precisionAtHalfWrong = "precision_at_half_wrong"
        }
    }

    public let lines: [Line]

    public init(lines: [Line]) {
        self.lines = lines
    }

    /// Share of texts whose top label is their label.
    public var accuracy: Double {
        lines.isEmpty ? 0 : Double(lines.filter { $0.judgement.top == $0.label }.count) / Double(lines.count)
    }

    /// Accuracy per true label.
    public var accuracyByLabel: [String: Double] {
        Dictionary(grouping: lines, by: \.label).mapValues { group in
            Double(group.filter { $0.judgement.top == $0.label }.count) / Double(group.count)
        }
    }

    /// Share of lines scored by log-probabilities.
    public var scoredShare: Double {
        lines.isEmpty ? 0 : Double(lines.filter(\.judgement.isScored).count) / Double(lines.count)
    }

    /// The figures at `margin`. A wrong label is kept when the reader's choice is that label by the margin,
    /// which for a text whose true label is another happens when the reader errs.
    public func row(at margin: Double) -> Row {
        guard !lines.isEmpty else { return Row(margin: margin, keptShare: 0, wrongKeptShare: 0, precisionAtHalfWrong: 0) }
        let kept = Double(lines.filter { $0.isKept(at: margin) }.count) / Double(lines.count)
        var wrongPairs = 0, wrongKept = 0
        for line in lines {
            for other in line.judgement.scores.keys where other != line.label {
                wrongPairs += 1
                if line.judgement.top == other, line.judgement.margin(for: other) >= margin { wrongKept += 1 }
            }
        }
        let wrong = wrongPairs == 0 ? 0 : Double(wrongKept) / Double(wrongPairs)
        return Row(margin: margin, keptShare: kept, wrongKeptShare: wrong,
                   precisionAtHalfWrong: kept + wrong > 0 ? kept / (kept + wrong) : 0)
    }

    /// Rows at margins 0, 0.25, ..., 3 (calibrated log-odds).
    public var table: [Row] { (0...12).map { row(at: Double($0) / 4) } }
}

extension LabelEvaluation {
    /// Labels each text with `labeller`, calibrated as `rag generate` calibrates: every score against the
    /// reader's scores for an empty text.
    public static func measure(_ texts: [(text: String, label: String)], labeller: some TextLabeller, labels: LabelSet,
                               textForm: String, progress: (Int) -> Void = { _ in }) async throws -> LabelEvaluation {
        let prior = try await labeller.label("", among: labels, textForm: textForm)
        var lines: [Line] = []
        for (i, row) in texts.enumerated() {
            let judgement = try await labeller.label(row.text, among: labels, textForm: textForm).calibrated(by: prior)
            lines.append(Line(text: row.text, label: row.label, judgement: judgement))
            progress(i + 1)
        }
        return LabelEvaluation(lines: lines)
    }

    /// The evaluation as one object (`rag eval labels --json`).
    public struct Report: Encodable, Sendable {
        public var n: Int
        public var accuracy: Double
        public var scoredShare: Double
        public var accuracyByLabel: [String: Double]
        public var margins: [Row]

        enum CodingKeys: String, CodingKey {
            case n, accuracy, margins
            case scoredShare = "scored_share"
            case accuracyByLabel = "accuracy_by_label"
        }
    }

    public var report: Report {
        Report(n: lines.count, accuracy: accuracy, scoredShare: scoredShare, accuracyByLabel: accuracyByLabel,
               margins: table)
    }
}

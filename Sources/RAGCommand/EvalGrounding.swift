import ArgumentParser
import Foundation
import Generation
import Grounding

extension Rag.Eval {
    /// `rag eval grounding --data FILE.jsonl`: accuracy of the answer-support checker on labelled samples.
    struct Grounding: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Evaluate the answer-support checker on labelled (question, answer, context) samples.",
            discussion: """
                Each line of --data is {"question", "answer", "context", "supported": true|false}; "context" is \
                a string or an array of passages. "Supported" is the positive class of precision and recall. \
                The threshold on the combined score is the built-in default (chosen on the tune half of \
                Benchmarks/grounding/xquad_dev.jsonl), --threshold X, or with --tune-split NAME the one that \
                maximises balanced accuracy at precision >= --minimum-precision (0.97) on the lines whose \
                "split" is NAME (the other lines are then evaluated). \
                The verifier is the default check, as in rag generate: a reader model (--verifier local starts \
                the installed Qwen2.5-Coder-1.5B; or an OpenAI-compatible URL) asked whether the passage answers \
                the question with the answer, scored by P(Yes) from its log-probabilities, on every line whose \
                word-level score passes the gate (--verifier-gate). The threshold then applies to P(Yes). \
                --verifier none evaluates the word-level checks alone; that is the default when no model is \
                installed. --sample N evaluates N lines spread evenly over the file. \
                With --json, prints {"n", "balanced_accuracy", "precision", "recall", "threshold", "verifier", \
                "checks": {NAME: {"n", "precision", "recall", "balanced_accuracy"}}, "kinds": {KIND: {"n", \
                "accuracy"}}}: a check's figures treat its own pass/fail as the prediction.
                """
        )

        @Option(help: "Labelled JSONL file.") var data: String
        @Option(help: "Decision threshold on the combined score (default: the built-in one).") var threshold: Double?
        @Option(help: "Choose the threshold on the lines whose \"split\" field is NAME; evaluate the others.")
        var tuneSplit: String?
        @Option(help: "With --tune-split: the precision the chosen threshold must reach on the tune lines.")
        var minimumPrecision = 0.97
        @Option(help: "Evaluate only the lines whose \"split\" field is NAME.") var split: String?
        @Option(help: "Answer style: automatic (short answers must be spans), extractive or abstractive.")
        var style: SupportChecker.AnswerStyle = .automatic
        @Option(help: "Write one JSON verdict per sample (label, score, checks) to FILE.") var verdicts: String?
        @OptionGroup var verification: VerifierOptions
        @Option(name: .customLong("without"), help: ArgumentHelp(
            "Switch a word-level rule off, for an ablation (repeatable): "
                + SupportChecker.Rule.allCases.map(\.rawValue).joined(separator: ", ") + ".", valueName: "rule"))
        var ablated: [SupportChecker.Rule] = []
        @Option(help: "Evaluate this many lines, spread evenly over the file.") var sample: Int?
        @OptionGroup var embedding: EmbedderOptions
        @Flag(help: "Print one JSON object.") var json = false

        func validate() throws {
            if let threshold, !(0...1).contains(threshold) {
                throw ValidationError("--threshold must be in 0...1")
            }
            if threshold != nil && tuneSplit != nil {
                throw ValidationError("give either --threshold or --tune-split, not both")
            }
            if let split, split == tuneSplit {
                throw ValidationError("--split and --tune-split must differ")
            }
            if let sample, sample < 1 { throw ValidationError("--sample must be at least 1") }
            if !(0...1).contains(minimumPrecision) { throw ValidationError("--minimum-precision must be in 0...1") }
        }

        func run() async throws {
            var samples = try LabelledSample.load(path: data)
            if let split {
                samples = samples.filter { $0.extra["split"] == split }
                guard !samples.isEmpty else { throw ValidationError("no line of \(data) has \"split\": \"\(split)\"") }
            }
            if let sample, sample < samples.count {
                let stride = Double(samples.count) / Double(sample)
                samples = (0..<sample).map { samples[Int(Double($0) * stride)] }
            }
            var configuration = SupportChecker.Configuration()
            configuration.answerStyle = style
            verification.apply(to: &configuration)
            for rule in ablated { configuration = configuration.without(rule) }
            let connection = try await verification.connect(
                fallback: nil, threads: ProcessInfo.processInfo.activeProcessorCount)
            defer { connection?.stop() }
            let answerVerifier = connection.map { LanguageModelVerifier(model: $0.client) }
            if let threshold {
                if answerVerifier == nil { configuration.threshold = threshold } else { configuration.verifierThreshold = threshold }
            }
            let checker = try SupportChecker(embedder: try embedding.makeEmbedder(), configuration: configuration,
                                             verifier: answerVerifier)
            let progress = ProgressLine("checking", total: samples.count)
            let results = try await checker.verdicts(for: samples.map(\.sample)) { progress.update($0) }
            progress.finish(samples.count)

            var evaluated = Array(zip(samples, results))
            var chosen = answerVerifier == nil ? configuration.threshold : configuration.verifierThreshold
            if let tuneSplit {
                let tuning = evaluated.filter { $0.0.extra["split"] == tuneSplit }
                guard !tuning.isEmpty else {
                    throw ValidationError("no line of \(data) has \"split\": \"\(tuneSplit)\"")
                }
                chosen = BinaryMetrics.bestThreshold(scores: tuning.map(\.1.score), labels: tuning.map(\.0.isSupported),
                                                     minimumPrecision: minimumPrecision)
                evaluated = evaluated.filter { $0.0.extra["split"] != tuneSplit }
                guard !evaluated.isEmpty else { throw ValidationError("every line is in the tune split") }
            }
            // The checker's own decision, unless a threshold was just tuned: a verdict the round trip or the
            // verifier decided can reject a sample whose score clears the threshold.
            let retuned = tuneSplit != nil
            let cut = chosen
            let predicted: @Sendable (Verdict) -> Bool = { retuned ? $0.score >= cut : $0.isSupported }
            let metrics = BinaryMetrics(scores: evaluated.map { predicted($0.1) ? 1 : 0 }, labels: evaluated.map(\.0.isSupported),
                                        threshold: 0.5)
            if let verdicts { try write(evaluated, predicted: predicted, to: verdicts) }
            let checks = Self.perCheck(evaluated)
            let kinds = Self.perKind(evaluated, predicted: predicted)
            let verifierReport = answerVerifier.map { verifier in
                VerifierReport(model: verifier.name, gate: configuration.verifierGate,
                               asked: evaluated.filter { $0.1.check(named: "verifier")?.features["asked"] == 1 }.count,
                               scored: evaluated.filter { $0.1.check(named: "verifier")?.features["scored"] == 1 }.count,
                               failed: evaluated.filter { $0.1.check(named: "verifier")?.features["failed"] == 1 }.count)
            }
            if json {
                try Output.printJSON(Report(n: metrics.count, balancedAccuracy: metrics.balancedAccuracy,
                                            precision: metrics.precision, recall: metrics.recall, threshold: chosen,
                                            verifier: verifierReport, checks: checks, kinds: kinds))
            } else {
                printTable(metrics, threshold: chosen, kinds: kinds, checks: checks)
                if let v = verifierReport {
                    print("verifier \(v.model): asked on \(v.asked) of \(evaluated.count) lines "
                        + String(format: "(gate %.2f), scored by log-probabilities on %d", v.gate, v.scored)
                        + (v.failed > 0 ? ", failed on \(v.failed) (those lines count as rejected)" : ""))
                    if v.scored < v.asked - v.failed {
                        print("the server returned no log-probabilities for \(v.asked - v.failed - v.scored) lines: the sampled Yes/No decided them")
                    }
                }
            }
        }

        /// Each check's own pass/fail as a prediction, over the lines it ran on.
        static func perCheck(_ evaluated: [(LabelledSample, Verdict)]) -> [String: CheckFigures] {
            var byName: [String: [(passed: Bool, label: Bool)]] = [:]
            for (sample, verdict) in evaluated {
                for check in verdict.checks where check.features["asked"] != 0 {
                    byName[check.name, default: []].append((check.passed, sample.isSupported))
                }
            }
            return byName.mapValues { rows in
                let m = BinaryMetrics(scores: rows.map { $0.passed ? 1 : 0 }, labels: rows.map(\.label), threshold: 0.5)
                return CheckFigures(n: m.count, precision: m.precision, recall: m.recall, balancedAccuracy: m.balancedAccuracy)
            }
        }

        /// Accuracy of the combined decision per "kind" field.
        static func perKind(_ evaluated: [(LabelledSample, Verdict)], predicted: (Verdict) -> Bool) -> [String: KindFigures] {
            Dictionary(grouping: evaluated) { $0.0.extra["kind"] ?? "" }.filter { !$0.key.isEmpty }.mapValues { rows in
                let correct = rows.filter { predicted($0.1) == $0.0.isSupported }.count
                return KindFigures(n: rows.count, accuracy: Double(correct) / Double(max(rows.count, 1)))
            }
        }

        struct CheckFigures: Encodable {
            var n: Int
            var precision: Double
            var recall: Double
            var balancedAccuracy: Double
            enum CodingKeys: String, CodingKey {
                case n, precision, recall
                case balancedAccuracy = "balanced_accuracy"
            }
        }

        struct KindFigures: Encodable {
            var n: Int
            var accuracy: Double
        }

        struct VerifierReport: Encodable {
            var model: String
            var gate: Double
            var asked: Int
            var scored: Int
            var failed: Int
        }

        /// The `--json` object.
        struct Report: Encodable {
            var n: Int
            var balancedAccuracy: Double
            var precision: Double
            var recall: Double
            var threshold: Double
            var verifier: VerifierReport?
            var checks: [String: CheckFigures]
            var kinds: [String: KindFigures]

            enum CodingKeys: String, CodingKey {
                case n, precision, recall, threshold, verifier, checks, kinds
                case balancedAccuracy = "balanced_accuracy"
            }
        }

        private func printTable(_ metrics: BinaryMetrics, threshold: Double, kinds: [String: KindFigures],
                                checks: [String: CheckFigures]) {
            var out = "\(Output.display(data)): \(metrics.count) samples, " + String(format: "threshold %.3f\n", threshold)
            for (label, value) in [("balanced accuracy", metrics.balancedAccuracy), ("precision", metrics.precision),
                                   ("recall", metrics.recall), ("specificity", metrics.specificity)] {
                out += label.padding(toLength: 19, withPad: " ", startingAt: 0) + String(format: "%.4f", value) + "\n"
            }
            out += "confusion          TP \(metrics.truePositives)  FP \(metrics.falsePositives)  "
                + "TN \(metrics.trueNegatives)  FN \(metrics.falseNegatives)\n"
            out += "\ncheck                  n   precision  recall  balanced accuracy\n"
            for name in checks.keys.sorted() {
                let c = checks[name]!
                out += name.padding(toLength: 19, withPad: " ", startingAt: 0)
                    + String(format: "%5d   %.3f      %.3f   %.3f\n", c.n, c.precision, c.recall, c.balancedAccuracy)
            }
            if !kinds.isEmpty {
                out += "\nkind                   n   correct\n"
                for kind in kinds.keys.sorted() {
                    out += kind.padding(toLength: 19, withPad: " ", startingAt: 0)
                        + String(format: "%5d   %.3f\n", kinds[kind]!.n, kinds[kind]!.accuracy)
                }
            }
            print(out, terminator: "")
        }

        /// One line of `--verdicts`.
        private struct VerdictLine: Encodable {
            var line: Int
            var supported: Bool
            var predicted: Bool
            var score: Double
            var kind: String?
            var reason: String?
            var checks: [CheckResult]
        }

        private func write(_ evaluated: [(LabelledSample, Verdict)], predicted decide: (Verdict) -> Bool, to path: String) throws {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var data = Data()
            for (sample, verdict) in evaluated {
                let predicted = decide(verdict)
                let line = VerdictLine(line: sample.line, supported: sample.isSupported, predicted: predicted,
                                       score: verdict.score, kind: sample.extra["kind"],
                                       reason: predicted ? nil : verdict.rejectionReason, checks: verdict.checks)
                data.append(try encoder.encode(line))
                data.append(Data("\n".utf8))
            }
            guard FileManager.default.createFile(atPath: path, contents: data) else {
                throw ValidationError("cannot write \(path)")
            }
        }
    }
}

extension SupportChecker.AnswerStyle: ExpressibleByArgument {}
extension SupportChecker.Rule: ExpressibleByArgument {}

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
            if let sample { samples = GroundingEvaluation.evenSample(samples, count: sample) }
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

            let evaluation = try GroundingEvaluation(
                samples: samples, verdicts: results,
                threshold: answerVerifier == nil ? configuration.threshold : configuration.verifierThreshold,
                tuneSplit: tuneSplit, minimumPrecision: minimumPrecision, path: data)
            if let verdicts, !FileManager.default.createFile(atPath: verdicts, contents: try evaluation.verdictsJSONL()) {
                throw ValidationError("cannot write \(verdicts)")
            }
            let verifierReport = answerVerifier.map {
                evaluation.verifierFigures(model: $0.name, gate: configuration.verifierGate)
            }
            let metrics = evaluation.metrics
            if json {
                try Output.printJSON(evaluation.report(verifier: verifierReport))
            } else {
                printTable(metrics, threshold: evaluation.threshold, kinds: evaluation.kinds, checks: evaluation.checks)
                if let v = verifierReport {
                    print("verifier \(v.model): asked on \(v.asked) of \(evaluation.lines.count) lines "
                        + String(format: "(gate %.2f), scored by log-probabilities on %d", v.gate, v.scored)
                        + (v.failed > 0 ? ", failed on \(v.failed) (those lines count as rejected)" : ""))
                    if v.scored < v.asked - v.failed {
                        print("the server returned no log-probabilities for \(v.asked - v.failed - v.scored) lines: the sampled Yes/No decided them")
                    }
                }
            }
        }

        private func printTable(_ metrics: BinaryMetrics, threshold: Double,
                                kinds: [String: GroundingEvaluation.KindFigures],
                                checks: [String: GroundingEvaluation.CheckFigures]) {
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
    }
}

extension SupportChecker.AnswerStyle: ExpressibleByArgument {}
extension SupportChecker.Rule: ExpressibleByArgument {}

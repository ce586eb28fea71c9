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
                "split" is NAME (the other lines are then evaluated). With --llm, an LLM judge (constrained \
                "Yes"/"No") decides the samples whose score falls in the uncertain band (threshold ± 0.15); \
                --llm local starts the model installed by scripts/install-llm.sh. --sample N evaluates N lines \
                spread evenly over the file. \
                With --json, prints {"n", "balanced_accuracy", "precision", "recall", "threshold"} (and \
                "judged", the samples the judge decided).
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
        @Option(help: "OpenAI-compatible server base URL for the judge, or \"local\" to start the installed model.")
        var llm: String?
        @Option(help: "Model name to request from --llm.") var llmModel = "default"
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
            if llm != nil && tuneSplit != nil {
                throw ValidationError("--tune-split chooses a threshold for the checks alone; it cannot be combined with --llm")
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
            if let threshold { configuration.threshold = threshold }
            var connection: LanguageModelConnection?
            defer { connection?.stop() }
            if llm == "local" {
                guard LocalLLMServer.isInstalled() else {
                    throw ValidationError("--llm local: the local model is not installed (bash scripts/install-llm.sh)")
                }
                connection = try await .local()
            } else if let llm {
                connection = try .remote(urls: llm, model: llmModel)
            }
            let judge = connection.map { LanguageModelJudge(model: $0.client) }
            let checker = try SupportChecker(embedder: try embedding.makeEmbedder(), configuration: configuration,
                                             judge: judge)
            let progress = ProgressLine("checking", total: samples.count)
            let results = try await checker.verdicts(for: samples.map(\.sample)) { progress.update($0) }
            progress.finish(samples.count)

            var evaluated = Array(zip(samples, results))
            var chosen = configuration.threshold
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
            // With a judge the decision is no longer the score against the threshold: score the decisions.
            let metrics = judge == nil
                ? BinaryMetrics(scores: evaluated.map(\.1.score), labels: evaluated.map(\.0.isSupported), threshold: chosen)
                : BinaryMetrics(scores: evaluated.map { $0.1.isSupported ? 1 : 0 }, labels: evaluated.map(\.0.isSupported),
                                threshold: 0.5)
            let judged = judge == nil ? nil : evaluated.filter { $0.1.decidedBy == .judge }.count
            if let verdicts { try write(evaluated, threshold: chosen, to: verdicts) }
            if json {
                try Output.printJSON(Report(n: metrics.count, balancedAccuracy: metrics.balancedAccuracy,
                                            precision: metrics.precision, recall: metrics.recall, threshold: chosen,
                                            judged: judged))
            } else {
                printTable(metrics, evaluated: evaluated, byDecision: judge != nil)
                if let judged { print("judged by the LLM: \(judged) of \(evaluated.count)") }
            }
        }

        /// The `--json` object.
        struct Report: Encodable {
            var n: Int
            var balancedAccuracy: Double
            var precision: Double
            var recall: Double
            var threshold: Double
            var judged: Int?

            enum CodingKeys: String, CodingKey {
                case n, precision, recall, threshold, judged
                case balancedAccuracy = "balanced_accuracy"
            }
        }

        private func printTable(_ metrics: BinaryMetrics, evaluated: [(LabelledSample, Verdict)], byDecision: Bool) {
            var out = "\(JSONOutput.display(data)): \(metrics.count) samples, "
                + (byDecision ? "decisions of the checks and the judge\n" : String(format: "threshold %.3f\n", metrics.threshold))
            for (label, value) in [("balanced accuracy", metrics.balancedAccuracy), ("precision", metrics.precision),
                                   ("recall", metrics.recall), ("specificity", metrics.specificity)] {
                out += label.padding(toLength: 19, withPad: " ", startingAt: 0) + String(format: "%.4f", value) + "\n"
            }
            out += "confusion          TP \(metrics.truePositives)  FP \(metrics.falsePositives)  "
                + "TN \(metrics.trueNegatives)  FN \(metrics.falseNegatives)\n"
            let kinds = Dictionary(grouping: evaluated) { $0.0.extra["kind"] ?? "" }
            if kinds.count > 1 || kinds.keys.first != "" {
                out += "\nkind                   n   correct\n"
                for kind in kinds.keys.sorted() {
                    let rows = kinds[kind] ?? []
                    let correct = rows.filter {
                        (byDecision ? $0.1.isSupported : $0.1.score >= metrics.threshold) == $0.0.isSupported
                    }.count
                    out += (kind.isEmpty ? "(none)" : kind).padding(toLength: 19, withPad: " ", startingAt: 0)
                        + String(format: "%5d   %.3f\n", rows.count, Double(correct) / Double(max(rows.count, 1)))
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

        private func write(_ evaluated: [(LabelledSample, Verdict)], threshold: Double, to path: String) throws {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var data = Data()
            for (sample, verdict) in evaluated {
                let predicted = verdict.score >= threshold
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

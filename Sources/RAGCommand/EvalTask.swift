import ArgumentParser
import Evaluation
import Foundation

extension Rag.Eval {
    /// `rag eval task`: how well a classifier trained on a generated dataset does on real data, against real data.
    struct Task: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train a classifier on a generated classification dataset and score it on real data.",
            discussion: """
                Every file is JSONL with "text" and "label" on each line (rag classification datasets included; \
                their rejected samples are left out). Each text is embedded (--embedder, default MiniLM), and a \
                softmax regression (L2 --l2, L-BFGS from zero weights: deterministic) is trained on --train and \
                scored on --test: accuracy, macro-F1 (mean over the test labels), per-label precision, recall \
                and F1, and the confusion matrix. Test labels that --train lacks count as errors. --test-size N \
                holds out N test lines drawn by --seed. --baseline-train REAL.jsonl trains a second classifier on \
                --baseline-size real samples (default: as many as --train has, with its label counts), drawn by \
                --seed; a training file that is the --test file uses only the lines not held out. With --json: \
                {"test", "generated", "baseline", "ratio": {"accuracy", "macro_f1"}, ...}; "generated" and \
                "baseline" have "train_samples", "accuracy", "macro_f1", "per_label", "confusion", "unseen_labels".
                """
        )

        @Option(help: "The generated training data (JSONL with text and label).") var train: String
        @Option(help: "Real labelled test data (JSONL with text and label).") var test: String
        @Option(help: "Real training data for the baseline classifier.") var baselineTrain: String?
        @Option(help: "Hold out this many lines of --test, drawn by --seed (default: all of them).") var testSize: Int?
        @Option(help: "Baseline training samples (default: as many as --train has).") var baselineSize: Int?
        @Option(help: "Seed for the test and baseline draws.") var seed: UInt64 = 42
        @Option(help: "L2 penalty of the classifier.") var l2 = SoftmaxClassifier.Configuration().l2
        @OptionGroup var embedding: EmbedderOptions
        @Flag(help: "Print one JSON object.") var json = false

        func validate() throws {
            if let testSize, testSize <= 0 { throw ValidationError("--test-size must be positive") }
            if let baselineSize, baselineSize <= 0 { throw ValidationError("--baseline-size must be positive") }
            if baselineSize != nil && baselineTrain == nil { throw ValidationError("--baseline-size needs --baseline-train") }
            guard l2 >= 0 else { throw ValidationError("--l2 must not be negative") }
        }

        func run() async throws {
            let embedder = try embedding.makeEmbedder()
            let line = ProgressLine("embed", total: nil)
            var options = TaskEvaluation.Options(testSize: testSize, baselineSize: baselineSize, seed: seed)
            options.classifier.l2 = l2
            var embedded = 0
            let report = try TaskEvaluation.run(trainPath: train, testPath: test, baselinePath: baselineTrain,
                                                options: options, embedder: embedder) { done, _ in
                embedded = done
                line.update(done)
            }
            line.finish(embedded)
            if json {
                try Output.printJSON(report)
            } else {
                print(Self.text(report))
            }
        }

        static func text(_ r: TaskEvaluationReport) -> String {
            let runs = [("generated", r.generated)] + (r.baseline.map { [("baseline", $0)] } ?? [])
            var lines = ["test: \(Output.display(r.test.file)), \(r.test.samples) of \(r.test.fileSamples) samples"
                         + (r.test.samples < r.test.fileSamples ? " (seed \(r.seed))" : "")
                         + ", \(r.test.labels.count) labels; embedder \(r.embedder), L2 \(r.l2)",
                         "            train  accuracy  macro-F1  file"]
            for (name, s) in runs {
                lines.append(name.padding(toLength: 10, withPad: " ", startingAt: 0)
                    + String(format: "  %5d  %8.4f  %8.4f  ", s.samples, s.metrics.accuracy, s.metrics.macroF1)
                    + Output.display(s.file))
            }
            if let ratio = r.ratio {
                lines.append(String(format: "ratio              %8.4f  %8.4f  (generated / baseline)", ratio.accuracy, ratio.macroF1))
            }
            lines.append("\nper-label F1  support" + runs.map { String(repeating: " ", count: 11 - $0.0.count) + $0.0 }.joined())
            let labels = Set(runs.flatMap { $0.1.metrics.perLabel.keys }).union(r.test.labels.keys).sorted()
            for label in labels {
                lines.append(label.padding(toLength: 12, withPad: " ", startingAt: 0)
                    + String(format: "  %7d", r.test.labels[label] ?? 0)
                    + runs.map { String(format: "  %9.4f", $0.1.metrics.perLabel[label]?.f1 ?? 0) }.joined())
            }
            for (name, s) in runs {
                var notes: [String] = []
                if !s.metrics.unseenLabels.isEmpty {
                    notes.append("test labels it never saw (all errors): "
                                 + s.metrics.unseenLabels.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
                }
                if s.excludedTestLines > 0 { notes.append("\(s.excludedTestLines) test lines of its file left out") }
                if s.rejected > 0 { notes.append("\(s.rejected) rejected samples left out") }
                if s.overlap > 0 { notes.append("test texts also in its training data: \(s.overlap)") }
                if !notes.isEmpty { lines.append("\(name): " + notes.joined(separator: "; ")) }
            }
            return lines.joined(separator: "\n")
        }
    }
}

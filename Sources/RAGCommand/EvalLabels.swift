import ArgumentParser
import Foundation
import Evaluation
import Generation
import Grounding

extension Rag.Eval {
    /// `rag eval labels --data FILE --task TASK`: the round-trip label check on real labelled texts.
    struct Labels: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure the verifier's labelling of real labelled texts, and what each margin keeps.",
            discussion: """
                Each line of --data is {"text", "label"}; the labels, their definitions and the text form come \
                from the classification task file (--task), as rag generate shows them to the verifier. \
                The verifier (--verifier local: the installed Qwen2.5-Coder-1.5B, or an OpenAI-compatible URL) \
                labels each text without seeing its label: for each class, P(Yes) of "is this text of that \
                class?" from the log-probabilities, in log-odds minus the same for an empty text (calibration). Prints the accuracy and, for margins 0 to 3, the share of texts kept under their \
                own label and the share of (text, wrong label) pairs that would pass. --sample N takes N lines \
                spread evenly over the file. With --json: {"n", "accuracy", "scored_share", \
                "accuracy_by_label", "margins": [{"margin", "kept_share", "wrong_kept_share", \
                "precision_at_half_wrong"}]}.
                """
        )

        @Option(help: "Labelled JSONL file ({\"text\", \"label\"} per line).") var data: String
        @Option(help: "The classification task file whose labels the texts carry.") var task: String
        @Option(help: "Evaluate this many lines, spread evenly over the file.") var sample: Int?
        @OptionGroup var verification: VerifierOptions
        @Flag(help: "Print one JSON object.") var json = false

        func run() async throws {
            let definition = try TaskDefinition.load(path: task)
            guard definition.kind == .classification else {
                throw ValidationError("\(task): not a classification task (kind: \(definition.kind.rawValue))")
            }
            let file = try LabelledFile.load(path: data)
            if let bad = file.examples.first(where: { !definition.labels.contains($0.label) }) {
                throw ValidationError("\(data):\(bad.line): label \"\(bad.label)\" is not one of the task's labels")
            }
            var rows = file.examples
            if let sample, sample < rows.count {
                let stride = Double(rows.count) / Double(sample)
                rows = (0..<sample).map { rows[Int(Double($0) * stride)] }
            }
            guard let connection = try await verification.connect(
                fallback: nil, threads: ProcessInfo.processInfo.activeProcessorCount)
            else { throw ValidationError("rag eval labels needs a verifier (--verifier local or a URL)") }
            defer { connection.stop() }
            let labeller = LanguageModelVerifier(model: connection.client)
            let labels = LabelSet(names: definition.labels, definitions: definition.labelDefinitions)
            let progress = ProgressLine("labelling", total: rows.count)
            let evaluation = try await LabelEvaluation.measure(
                rows.map { ($0.text, $0.label) }, labeller: labeller, labels: labels, textForm: definition.textForm
            ) { progress.update($0) }
            progress.finish(rows.count)
            let lines = evaluation.lines
            if json {
                try Output.printJSON(evaluation.report)
                return
            }
            print("\(Output.display(data)): \(lines.count) texts, verifier \(labeller.name), "
                + String(format: "accuracy %.3f, scored by log-probabilities %.0f%%", evaluation.accuracy,
                         evaluation.scoredShare * 100))
            for (label, accuracy) in evaluation.accuracyByLabel.sorted(by: { $0.key < $1.key }) {
                print("  " + label.padding(toLength: 16, withPad: " ", startingAt: 0) + String(format: "%.3f", accuracy))
            }
            print("\nmargin  kept  wrong label kept  precision at half wrong")
            for row in evaluation.table {
                print(String(format: "%.2f    %.3f  %.3f             %.3f", row.margin, row.keptShare,
                             row.wrongKeptShare, row.precisionAtHalfWrong))
            }
        }
    }
}

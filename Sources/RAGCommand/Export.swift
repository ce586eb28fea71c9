import ArgumentParser
import Dataset
import Evaluation
import Foundation
import Review
import Store

extension Rag {
    /// `rag export FILE.jsonl --db FILE --format F --out PATH`: the kept samples in another tool's format.
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export a generated dataset to RAGAS, DeepEval, SQuAD v2.0, BEIR or a Hugging Face folder.",
            discussion: """
                Reads the kept samples of FILE.jsonl (with --reviewed: the samples people accepted in rag review, \
                with their edits) and the passages they cite from --db. ragas: JSONL for \
                ragas.EvaluationDataset.from_list; deepeval: a JSON list of goldens; squad: SQuAD v2.0 JSON; beir: \
                a folder with corpus.jsonl, queries.jsonl and qrels/test.tsv (--unit chunk or document); hf: a \
                folder datasets.load_dataset opens, with a README.md dataset card. An existing --out needs --force.
                """
        )

        @Argument(help: "The generated dataset (JSONL).") var file: String
        @Option(help: "The database the dataset was generated from.") var db: String
        @Option(help: "ragas, deepeval, squad, beir or hf.") var format: ExportFormat
        @Option(help: "The file (ragas, deepeval, squad) or folder (beir, hf) to write.") var out: String
        @Option(help: "beir: corpus entries are chunks or whole documents.") var unit: DatasetExport.CorpusUnit = .chunk
        @Flag(help: "Export the samples reviewers accepted (with their edits) instead of all kept samples.")
        var reviewed = false
        @Flag(help: "Replace --out if it exists.") var force = false
        @Flag(help: "Print one JSON object.") var json = false

        func run() async throws {
            if FileManager.default.fileExists(atPath: out) && !force {
                throw EvaluationError.invalidInput("\(out) exists (add --force to replace it)")
            }
            let store = try CorpusStore(path: db, create: false)
            let records: [DatasetRecord]
            if reviewed {
                let dataset = try ReviewDataset(path: file, store: store, includeRejected: false)
                let lines = try ReviewExport.lines(dataset: dataset, reviews: try store.reviews(dataset: dataset.name))
                guard !lines.isEmpty else {
                    throw EvaluationError.invalidInput("\(file): no sample has been accepted in rag review yet")
                }
                records = try DatasetRecord.parse(lines: lines, path: file)
            } else {
                records = try DatasetRecord.load(path: file)
            }
            let summary = try DatasetExport(records: records, datasetPath: file, store: store)
                .write(format, to: out, unit: unit, force: force)
            if json {
                try Output.printJSON(summary)
            } else {
                var line = "wrote \(summary.samples) samples as \(format.rawValue) to \(out)"
                if summary.files.count > 1 { line += " (\(summary.files.joined(separator: ", ")))" }
                print(line)
                for (reason, count) in summary.leftOut.sorted(by: { $0.key < $1.key }) { print("left out \(count): \(reason)") }
            }
        }
    }
}

extension ExportFormat: ExpressibleByArgument {}
extension DatasetExport.CorpusUnit: ExpressibleByArgument {}

import ArgumentParser
import Dataset
import Embeddings
import Foundation
import Generation
import Grounding
import Retrieval
import Store
import LanguageModels

extension Rag {
    /// `rag filter FILE.jsonl --db FILE`: the generation pipeline's checks on a dataset made elsewhere.
    struct Filter: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply the grounding and quality checks to a dataset from elsewhere.",
            discussion: """
                Each line is a JSON object with "question" and "answer" (or, with a classification or extraction \
                --task, "text" with "label" or "fields", which get that task's round trip), and its context as "context" (a string \
                or a list of strings) or as "source_chunk_ids" (chunks of --db; the first is the source, which \
                also enables the round-trip retrieval check). The checks are rag generate's: the question's form, \
                the answer phrase's checks when the line has "answer_span", question coverage for quoted-sentence \
                answers, the checking stage (span, claim alignment, question fit, round trip, the verifier model), \
                then near-duplicate questions (cosine >= --duplicate-threshold with an earlier kept one). With the \
                --task a dataset was generated from and its --db, the verifier's calls replay from the database's \
                journal and rag filter reaches rag generate's decisions. Writes the kept lines, each with its \
                "checks", to --out (default FILE.filtered.jsonl) and the rejected ones with reasons beside it \
                (.rejected.jsonl).
                """
        )

        @Argument(help: "The dataset (JSONL).") var file: String
        @Option(help: "The corpus database (needed for source_chunk_ids and the round-trip check).") var db: String?
        @Option(help: "The task file the dataset was generated from (its domain and answer style).") var task: String?
        @Option(help: "Where to write the kept lines.") var out: String?
        @Option(help: "Grounding decision threshold.") var threshold: Double?
        @Option(help: "Near-duplicate cosine threshold.") var duplicateThreshold: Float = 0.95
        @OptionGroup var verification: VerifierOptions
        @OptionGroup var embedding: EmbedderOptions
        @Flag(help: "Print one JSON object.") var json = false

        struct Summary: Encodable {
            var n: Int
            var kept: Int
            var rejected: [String: Int]
            var diversity: QualityFilters.Diversity?
            var output: String
        }

        func run() async throws {
            let store = try db.map { try CorpusStore(path: $0, create: false) }
            var embedder: any Embedder = try embedding.makeEmbedder()
            if let info = try store?.embedder(), info.name.hasPrefix("hash-") {
                embedder = HashingEmbedder(dimension: info.dimension)
            }
            let retriever = try store.map { try Retriever(store: $0, embedder: embedder) }
            let definition = try task.map(TaskDefinition.load)
            let lines: [DatasetLine]
            do {
                lines = try DatasetLine.read(file, store: store, storePath: db)
            } catch let error as DatasetError {
                throw ValidationError(error.description)
            }

            var configuration = GroundingSampleFilter.configuration(for: definition?.answerStyle ?? .sentence)
            if let threshold { configuration.threshold = threshold }
            verification.apply(to: &configuration)
            let connection = try await verification.connect(
                fallback: nil, threads: ProcessInfo.processInfo.activeProcessorCount)
            defer { connection?.stop() }
            // Through the database's journal, as rag generate calls it: the same calls replay.
            let verifierModel: (any LanguageModel)? = connection.map { connection -> any LanguageModel in
                guard let store else { return connection.client }
                return JournaledModel(base: connection.client, journal: StoreJournal(store: store))
            }
            let checker = try SupportChecker(
                embedder: embedder, configuration: configuration,
                retriever: retriever.map { RetrieverPassageRanker(retriever: $0) },
                verifier: verifierModel.map { LanguageModelVerifier(model: $0) })
            // With the task: its classification or extraction round trip too.
            let filter = definition.map { GroundingSampleFilter(checker: checker, task: $0) }
                ?? GroundingSampleFilter(checker: checker, domain: nil, answerStyle: .sentence)
            let progress = ProgressLine("checking", total: lines.count)
            let encoder = embedder
            let outcome = try await DatasetFilter(filter: filter, duplicateThreshold: duplicateThreshold) {
                try encoder.embed($0)
            }.run(lines) { progress.update($0) }
            progress.finish(lines.count)
            let output = out ?? (file.hasSuffix(".jsonl") ? String(file.dropLast(6)) : file) + ".filtered.jsonl"
            let rejectedPath = (output.hasSuffix(".jsonl") ? String(output.dropLast(6)) : output) + ".rejected.jsonl"
            let diversity = try DatasetFilter.write(lines, outcome: outcome, to: output, rejectedPath: rejectedPath)
            let summary = Summary(n: lines.count, kept: outcome.kept, rejected: outcome.rejected, diversity: diversity,
                                  output: output)
            if json {
                try Output.printJSON(summary)
                return
            }
            print("kept \(summary.kept) of \(summary.n); wrote \(output) and \(rejectedPath)")
            for (reason, n) in summary.rejected.sorted(by: { $0.key < $1.key }) { print("  rejected \(reason): \(n)") }
            if let diversity {
                print(String(format: "diversity: distinct-1 %.3f, distinct-2 %.3f, mean pairwise cosine %.3f",
                             diversity.distinct1, diversity.distinct2, diversity.meanPairwiseCosine))
            }
        }
    }
}

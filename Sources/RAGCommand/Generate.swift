import ArgumentParser
import Embeddings
import Foundation
import Generation
import Grounding
import Retrieval
import Store
import LanguageModels

extension Rag {
    /// `rag generate --task FILE --db FILE --out FILE.jsonl`: a grounded dataset from an ingested corpus.
    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate a dataset grounded in an ingested corpus.",
            discussion: """
                The task file (YAML or JSON) says what to make; see README.md. Without --llm, rag starts the \
                local llama.cpp server installed by scripts/install-llm.sh on a free 127.0.0.1 port and stops it \
                afterwards; when that is not installed (or with --offline) the rule-based extractive generator \
                makes qa samples instead, and the summary says which generator ran. Every model call is journaled \
                in the database, keyed by a hash of prompt, model, parameters and seed: a rerun (--resume) \
                replays them and makes no call twice. Writes OUT (kept samples), OUT.rejected.jsonl (with \
                reasons) and OUT.card.md (dataset card).
                """
        )

        @Option(help: "Task definition (.yaml, .yml or .json).") var task: String
        @Option(help: "The corpus database.") var db: String
        @Option(help: "Output JSONL file.") var out: String
        @Option(help: "OpenAI-compatible server base URL(s), comma-separated (default: start the local server).")
        var llm: String?
        @Option(help: "Model name to request from --llm servers.") var llmModel = "default"
        @Option(help: "Environment variable holding the servers' API key.") var llmKeyEnv = "OPENAI_API_KEY"
        @Option(help: "Model calls in flight (per server).") var concurrency = 1
        @Option(help: "Refinement rounds for rejected samples.") var rounds = 2
        @Option(help: "Questions at or above this embedding cosine with a kept one are near-duplicates.")
        var duplicateThreshold: Float = 0.95
        @Option(help: "Most sources tried per requested sample before stopping with a shortfall.")
        var sourcesPerSample = 8
        @Option(help: "Seconds one model call may take.") var timeout = 180.0
        @Option(help: ArgumentHelp(
            "The local model that writes samples: large (Qwen2.5-Coder-1.5B, the default when installed; the "
                + "verifier then shares its server and prompt cache) or small (0.5B: faster, and its drafts fail "
                + "more checks).", valueName: "small|large"))
        var writer: String?
        @Flag(help: "Use the offline extractive generator even when an LLM is available.") var offline = false
        @OptionGroup var verification: VerifierOptions
        @Flag(help: ArgumentHelp(
            "Reject every quoted-sentence answer that misses a third of its question's terms before the reader is "
                + "asked (without a reader, always; with one, by default only answers longer than a phrase; the "
                + "others record the share and the reader decides)."))
        var coverageGate = false
        @Flag(help: "Keep samples without running the grounding checks (provenance and format checks still run).")
        var noGrounding = false
        @Option(help: "Grounding decision threshold (default: the one fixed on the XQuAD development set).")
        var groundingThreshold: Double?
        @Flag(help: "Ask the model each kept question without context; samples it answers anyway are tagged closed_book (they do not test grounding).")
        var closedBook = false
        @Flag(help: "Continue an interrupted run: replay journaled calls (this is also what a plain rerun does).")
        var resume = false
        @OptionGroup var embedding: EmbedderOptions
        @Flag(help: "Print one JSON object.") var json = false

        func run() async throws {
            let definition = try TaskDefinition.load(path: task)
            let store = try CorpusStore(path: db, create: false)
            let embedder = try embedderMatching(store)
            let retriever = try Retriever(store: store, embedder: embedder)

            var connection: LanguageModelConnection?
            var verifierConnection: LanguageModelConnection?
            var sharedVerifier = false
            defer {
                connection?.stop()
                verifierConnection?.stop()
            }
            if !offline {
                if let llm {
                    connection = try .remote(urls: llm, model: llmModel, keyVariable: llmKeyEnv, concurrency: concurrency,
                                             timeout: timeout)
                } else if let local = localWriter() {
                    // One server serves writer and verifier when they are the same model: all cores, one cache.
                    // A second local server (the 0.5B writer beside the verifier) shares the cores with it.
                    let localVerifier = (verification.verifier ?? "local") == "local" && !noGrounding
                    let shared = local == .large && localVerifier
                    log("starting the local llama.cpp server (\(local.name))")
                    connection = try await .local(local, concurrency: concurrency,
                                                  threads: localVerifier && !shared ? 1 : ProcessInfo.processInfo.activeProcessorCount,
                                                  timeout: timeout)
                    sharedVerifier = shared
                } else {
                    log("no LLM configured and none installed (bash scripts/install-llm.sh): using the offline extractive generator")
                }
            }
            let base: (any LanguageModel)? = connection?.client
            let model = base.map { JournaledModel(base: $0, journal: StoreJournal(store: store)) }
            var options = GenerationOptions()
            options.concurrency = model == nil ? 1 : concurrency
            options.maxRounds = rounds
            options.sourcesPerSample = sourcesPerSample
            options.closedBook = closedBook
            options.duplicateThreshold = duplicateThreshold
            var filter: GroundingSampleFilter?
            var verifierModel: JournaledModel?
            if !noGrounding {
                var configuration = GroundingSampleFilter.configuration(for: definition.answerStyle)
                if let groundingThreshold { configuration.threshold = groundingThreshold }
                verification.apply(to: &configuration)
                // Unset --verifier: the local 1.5B model when installed; with --llm servers, those servers; offline, none.
                if sharedVerifier, let connection {
                    verifierModel = JournaledModel(base: connection.client, journal: StoreJournal(store: store))
                } else {
                    verifierConnection = try await verification.connect(
                        fallback: offline ? "none" : llm, fallbackModel: llmModel, timeout: timeout)
                    verifierModel = verifierConnection.map {
                        JournaledModel(base: $0.client, journal: StoreJournal(store: store))
                    }
                }
                let checker = try SupportChecker(
                    embedder: embedder, configuration: configuration, retriever: RetrieverPassageRanker(retriever: retriever),
                    verifier: verifierModel.map { LanguageModelVerifier(model: $0) })
                filter = GroundingSampleFilter(checker: checker, task: definition, gateEveryAnswer: coverageGate)
            }
            let pipeline = GenerationPipeline(task: definition, retriever: retriever, model: model, filter: filter,
                                              options: options)
            let progress = ProgressLine("generate", total: definition.count)
            var (kept, rejected, report) = try await pipeline.run(databasePath: db, stop: Output.stopOnInterrupt()) {
                done, _ in progress.update(done)
            }
            progress.finish(kept.count)
            if let verifierModel, let filter {
                report.recordVerification(by: verifierModel, filter: filter)
                if filter.tally.failed > 0 {
                    log("verifier: \(filter.tally.failed) samples rejected because the verifier failed (see \(DatasetWriter.companionPaths(for: out).rejected))")
                }
                if filter.tally.scored < filter.tally.asked - filter.tally.failed {
                    log("verifier: the server returned no log-probabilities; the sampled Yes/No decided \(filter.tally.asked - filter.tally.failed - filter.tally.scored) samples")
                }
            }
            report.countCallsPerKeptSample()
            try report.measureDiversity(of: kept, retriever: retriever, threshold: options.duplicateThreshold)
            try DatasetWriter.write(kept: kept, rejected: rejected, report: report, task: definition, to: out)

            if json {
                try Output.printJSON(report)
                return
            }
            printSummary(report)
        }
    }
}

import ArgumentParser
import Embeddings
import Evaluation
import Foundation

extension Rag.Bench {
    /// `rag bench embed`: throughput of the native encoder on a passage corpus.
    struct Embed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "embed",
            abstract: "Measure embedding throughput (sentences/s and tokens/s) and the model's memory.",
            discussion: """
                The corpus is a JSON array of strings (default: bench_corpus.json in $RAG_SHARED_DIR/reference or \
                ../shared/reference) or a text file with one passage a line. The timed region is one embed call \
                over the whole corpus (tokenisation included), after a warm-up; the best of --repeat runs is \
                reported. Benchmarks/embed_anchors.py compares it with onnxruntime and numpy in one run.
                """
        )

        @Option(help: "Corpus: JSON array of strings, or one passage a line.") var file: String?
        @Option(help: "Worker threads (default: all cores).") var threads = ProcessInfo.processInfo.activeProcessorCount
        @Option(help: "Timed runs; the best is reported.") var `repeat` = 1
        @Option(help: "Use only the first N passages.") var limit: Int?
        @OptionGroup var embedding: EmbedderOptions
        @Flag(help: "Print one JSON object.") var json = false

        func validate() throws {
            guard threads > 0, `repeat` > 0 else { throw ValidationError("--threads and --repeat must be positive") }
        }

        func run() async throws {
            var passages = try Self.loadCorpus(file)
            if let limit { passages = Array(passages.prefix(limit)) }
            guard !passages.isEmpty else { throw ValidationError("the corpus is empty") }

            let report = try EmbeddingBenchmark.measure(passages: passages, threads: threads, repeat: `repeat`) {
                try embedding.makeEmbedder(threads: threads)
            }
            if json {
                try Output.printJSON(report)
                return
            }
            print("rag embed: model=\(report.model) threads=\(threads) passages=\(report.sentences) tokens=\(report.tokens)")
            print(String(format: "%.2f s: %.1f sentences/s, %.0f tokens/s (load %.2f s, tokenise %.3f s)", report.seconds,
                         report.sentencesPerSecond, report.tokensPerSecond, report.loadSeconds, report.tokenizeSeconds ?? 0))
            print(String(format: "CPU %.2f s: %.1f sentences per CPU-second", report.cpuSeconds, report.sentencesPerCPUSecond))
            if let rssAfterLoad = report.rssAfterLoadMB, let peak = report.peakRSSMB {
                print(String(format: "memory: RSS after load + warm-up %.1f MB, peak %.1f MB, weights file %.1f MB",
                             rssAfterLoad, peak, report.modelFileMB ?? 0))
            }
        }

        /// Reads a JSON array of strings, or lines of text.
        static func loadCorpus(_ path: String?) throws -> [String] {
            let resolved = try path ?? defaultCorpus()
            guard let data = FileManager.default.contents(atPath: resolved) else {
                throw ValidationError("cannot read \(resolved)")
            }
            if let array = try? JSONSerialization.jsonObject(with: data) as? [String] {
                return array
            }
            return try Rag.Embed.readLines(resolved)
        }

        static func defaultCorpus() throws -> String {
            var candidates: [String] = []
            if let shared = ProcessInfo.processInfo.environment["RAG_SHARED_DIR"] {
                candidates.append(shared + "/reference/bench_corpus.json")
            }
            candidates.append("../shared/reference/bench_corpus.json")
            guard let found = candidates.first(where: FileManager.default.fileExists(atPath:)) else {
                throw ValidationError("no corpus: pass --file bench_corpus.json (tried \(candidates.joined(separator: ", ")))")
            }
            return found
        }
    }
}

import ArgumentParser
import Embeddings
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

        struct Report: Encodable {
            var model: String
            var threads: Int
            var sentences: Int
            var tokens: Int
            var seconds: Double
            var sentencesPerSecond: Double
            var tokensPerSecond: Double
            var cpuSeconds: Double
            var sentencesPerCPUSecond: Double
            var loadSeconds: Double
            var tokenizeSeconds: Double?
            var modelFileMB: Double?
            var rssAfterLoadMB: Double?
            var rssGrowthAtLoadMB: Double?
            var peakRSSMB: Double?

            enum CodingKeys: String, CodingKey {
                case model, threads, sentences, tokens, seconds
                case sentencesPerSecond = "sentences_per_second", tokensPerSecond = "tokens_per_second"
                case cpuSeconds = "cpu_seconds", sentencesPerCPUSecond = "sentences_per_cpu_second"
                case loadSeconds = "load_seconds", tokenizeSeconds = "tokenize_seconds"
                case modelFileMB = "model_file_mb", rssAfterLoadMB = "rss_after_load_mb"
                case rssGrowthAtLoadMB = "rss_growth_at_load_mb", peakRSSMB = "peak_rss_mb"
            }
        }

        func validate() throws {
            guard threads > 0, `repeat` > 0 else { throw ValidationError("--threads and --repeat must be positive") }
        }

        func run() async throws {
            var passages = try Self.loadCorpus(file)
            if let limit { passages = Array(passages.prefix(limit)) }
            guard !passages.isEmpty else { throw ValidationError("the corpus is empty") }

            let rssBefore = ProcessMemory.current()?.residentMB
            let loadStart = DispatchTime.now()
            let embedder = try embedding.makeEmbedder(threads: threads)
            let loadSeconds = Self.seconds(since: loadStart)
            _ = try embedder.embed(Array(passages.prefix(32)))  // warm-up: page in weights, scratch, BLAS
            let rssAfterLoad = ProcessMemory.current()?.residentMB

            let tokens: Int
            var tokenizeSeconds: Double?
            if let bert = embedder as? BERTEmbedder {
                let start = DispatchTime.now()
                tokens = bert.tokenize(passages).reduce(0) { $0 + $1.count }
                tokenizeSeconds = Self.seconds(since: start)
            } else {
                tokens = passages.reduce(0) { $0 + embedder.tokenizer.tokenCount($1) }
            }
            var best = Double.infinity
            var bestCPU = Double.infinity
            for _ in 0..<`repeat` {
                let start = DispatchTime.now()
                let cpuStart = ProcessMemory.cpuSeconds()
                let vectors = try embedder.embed(passages)
                bestCPU = min(bestCPU, ProcessMemory.cpuSeconds() - cpuStart)
                best = min(best, Self.seconds(since: start))
                guard vectors.count == passages.count, vectors.allSatisfy({ $0.count == embedder.dimension }) else {
                    throw ValidationError("embedder returned \(vectors.count) vectors for \(passages.count) passages")
                }
            }
            let memory = ProcessMemory.current()
            let fileMB = (embedder as? BERTEmbedder).map { Double($0.weightsFileSize) / 1_048_576 }
            let report = Report(
                model: embedder.name, threads: threads, sentences: passages.count, tokens: tokens, seconds: best,
                sentencesPerSecond: Double(passages.count) / best, tokensPerSecond: Double(tokens) / best,
                cpuSeconds: bestCPU, sentencesPerCPUSecond: Double(passages.count) / bestCPU,
                loadSeconds: loadSeconds, tokenizeSeconds: tokenizeSeconds, modelFileMB: fileMB,
                rssAfterLoadMB: rssAfterLoad,
                rssGrowthAtLoadMB: rssAfterLoad.flatMap { after in rssBefore.map { after - $0 } },
                peakRSSMB: memory?.peakMB)
            if json {
                try Output.printJSON(report)
                return
            }
            print("rag embed: model=\(report.model) threads=\(threads) passages=\(report.sentences) tokens=\(tokens)")
            print(String(format: "%.2f s: %.1f sentences/s, %.0f tokens/s (load %.2f s, tokenise %.3f s)",
                         best, report.sentencesPerSecond, report.tokensPerSecond, loadSeconds, tokenizeSeconds ?? 0))
            print(String(format: "CPU %.2f s: %.1f sentences per CPU-second", bestCPU, report.sentencesPerCPUSecond))
            if let rssAfterLoad, let peak = memory?.peakMB {
                print(String(format: "memory: RSS after load + warm-up %.1f MB, peak %.1f MB, weights file %.1f MB",
                             rssAfterLoad, peak, fileMB ?? 0))
            }
        }

        static func seconds(since start: DispatchTime) -> Double {
            Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
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

/// Resident memory of this process from /proc/self/status (Linux), in MiB, and its CPU time.
struct ProcessMemory {
    /// User + system CPU seconds of the whole process (all threads).
    static func cpuSeconds() -> Double {
        var usage = rusage()
        #if canImport(Glibc)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    var residentMB: Double
    var peakMB: Double

    static func current() -> ProcessMemory? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        func value(_ key: String) -> Double? {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(key + ":") }) else { return nil }
            return line.split(separator: " ").compactMap { Double($0) }.first.map { $0 / 1024 }
        }
        guard let resident = value("VmRSS"), let peak = value("VmHWM") else { return nil }
        return ProcessMemory(residentMB: resident, peakMB: peak)
    }
}

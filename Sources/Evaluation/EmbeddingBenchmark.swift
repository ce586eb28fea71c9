import Dispatch
import Embeddings
import Foundation

/// One measurement of `rag bench embed`: throughput, CPU time, load time and memory.
public struct EmbeddingThroughput: Encodable, Sendable {
    public var model: String
    public var threads: Int
    public var sentences: Int
    public var tokens: Int
    public var seconds: Double
    public var sentencesPerSecond: Double
    public var tokensPerSecond: Double
    public var cpuSeconds: Double
    public var sentencesPerCPUSecond: Double
    public var loadSeconds: Double
    public var tokenizeSeconds: Double?
    public var modelFileMB: Double?
    public var rssAfterLoadMB: Double?
    public var rssGrowthAtLoadMB: Double?
    public var peakRSSMB: Double?

    enum CodingKeys: String, CodingKey {
        case model, threads, sentences, tokens, seconds
        case sentencesPerSecond = "sentences_per_second", tokensPerSecond = "tokens_per_second"
        case cpuSeconds = "cpu_seconds", sentencesPerCPUSecond = "sentences_per_cpu_second"
        case loadSeconds = "load_seconds", tokenizeSeconds = "tokenize_seconds"
        case modelFileMB = "model_file_mb", rssAfterLoadMB = "rss_after_load_mb"
        case rssGrowthAtLoadMB = "rss_growth_at_load_mb", peakRSSMB = "peak_rss_mb"
    }
}

/// Times an embedder over a corpus: one embed call over every passage (tokenisation included) after a warm-up,
/// the best of `repeat` runs, with its CPU time, load time and memory.
public enum EmbeddingBenchmark {
    public static func measure(passages: [String], threads: Int, repeat repeats: Int,
                               makeEmbedder: () throws -> any Embedder) throws -> EmbeddingThroughput {
        let rssBefore = ProcessMemory.current()?.residentMB
        let loadStart = DispatchTime.now()
        let embedder = try makeEmbedder()
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
        for _ in 0..<repeats {
            let start = DispatchTime.now()
            let cpuStart = ProcessMemory.cpuSeconds()
            let vectors = try embedder.embed(passages)
            bestCPU = min(bestCPU, ProcessMemory.cpuSeconds() - cpuStart)
            best = min(best, Self.seconds(since: start))
            guard vectors.count == passages.count, vectors.allSatisfy({ $0.count == embedder.dimension }) else {
                throw EmbeddingBenchmarkError.wrongVectorCount(returned: vectors.count, passages: passages.count)
            }
        }
        let memory = ProcessMemory.current()
        let fileMB = (embedder as? BERTEmbedder).map { Double($0.weightsFileSize) / 1_048_576 }
        return EmbeddingThroughput(
            model: embedder.name, threads: threads, sentences: passages.count, tokens: tokens, seconds: best,
            sentencesPerSecond: Double(passages.count) / best, tokensPerSecond: Double(tokens) / best,
            cpuSeconds: bestCPU, sentencesPerCPUSecond: Double(passages.count) / bestCPU,
            loadSeconds: loadSeconds, tokenizeSeconds: tokenizeSeconds, modelFileMB: fileMB,
            rssAfterLoadMB: rssAfterLoad,
            rssGrowthAtLoadMB: rssAfterLoad.flatMap { after in rssBefore.map { after - $0 } },
            peakRSSMB: memory?.peakMB)
    }

    static func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }
}

/// The embedder returned the wrong number or size of vectors.
public enum EmbeddingBenchmarkError: Error, CustomStringConvertible {
    case wrongVectorCount(returned: Int, passages: Int)

    public var description: String {
        switch self {
        case let .wrongVectorCount(returned, passages):
            "embedder returned \(returned) vectors (or vectors of the wrong size) for \(passages) passages"
        }
    }
}

/// Resident memory of this process from /proc/self/status (Linux), in MiB, and its CPU time.
public struct ProcessMemory: Sendable {
    /// User + system CPU seconds of the whole process (all threads).
    public static func cpuSeconds() -> Double {
        var usage = rusage()
        #if canImport(Glibc)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    public var residentMB: Double
    public var peakMB: Double

    public static func current() -> ProcessMemory? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        func value(_ key: String) -> Double? {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(key + ":") }) else { return nil }
            return line.split(separator: " ").compactMap { Double($0) }.first.map { $0 / 1024 }
        }
        guard let resident = value("VmRSS"), let peak = value("VmHWM") else { return nil }
        return ProcessMemory(residentMB: resident, peakMB: peak)
    }
}

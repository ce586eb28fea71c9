import ArgumentParser
import Embeddings
import Foundation
import Generation
import LanguageModels
import Store

extension Rag.Generate {
    /// The run's summary for people (with --json the report is printed instead).
    func printSummary(_ report: GenerationReport) {
        let paths = DatasetWriter.companionPaths(for: out)
        print("generator: \(report.generator) (\(report.model))")
        print("kept \(report.kept) of \(report.requested) requested (\(report.generated) generated) in "
            + String(format: "%.1f s", report.seconds))
        print("model calls: \(report.modelCalls), replayed from journal: \(report.replayedCalls), tokens: \(report.tokens)")
        if let v = report.verification {
            print("verifier \(v.model): asked about \(v.asked) samples, \(v.calls) calls (\(v.replayedCalls) replayed), "
                + String(format: "%d prompt tokens, %.1f s; P(Yes) threshold %.2f, gate %.2f", v.promptTokens, v.seconds, v.threshold, v.gate)
                + (v.failed > 0 ? "; \(v.failed) rejected because the verifier failed" : ""))
            if let agreement = v.agreementThreshold {
                print("round trip: the verifier answered \(v.roundTrips) questions itself; "
                    + "\(v.roundTripRejected) rejected for an answer that disagrees"
                    + String(format: " (agreement below %.2f, %.2f for answers longer than a phrase)", agreement,
                             v.longAgreementThreshold ?? agreement)
                    + (v.readerConfidence.map {
                        String(format: "; %d kept without the P(Yes) call (reader P(answerable) >= %.3f)", v.keptOnReader, $0)
                    } ?? ""))
            }
        }
        if let perKept = report.callsPerKeptSample {
            print(String(format: "model calls per kept sample (writer and verifier): %.2f", perKept))
        }
        if report.modelCalls > 0 {
            print(String(format: "throughput: %.2f samples/min; waiting on the model %.1f%% of the time, rag's own work %.1f%%",
                         report.samplesPerMinute, (1 - report.overheadShare) * 100, report.overheadShare * 100))
        }
        if let answered = report.closedBookAnswered {
            print("closed-book: \(answered) of \(report.kept) kept questions answered without context")
        }
        if let d = report.diversity {
            print(String(format: "diversity: distinct-1 %.3f, distinct-2 %.3f, mean pairwise cosine %.3f, near-duplicates %.1f%%; type mix within %.1f points of target",
                         d.distinct1, d.distinct2, d.meanPairwiseCosine, d.nearDuplicateRate * 100, report.mixDeviationPoints))
        }
        if !report.rejected.isEmpty {
            print("rejected: " + report.rejected.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        if let shortfall = report.shortfall { print("shortfall: \(shortfall)") }
        print("wrote \(out), \(paths.rejected), \(paths.card)")
    }

    func validate() throws {
        if concurrency < 1 { throw ValidationError("--concurrency must be at least 1") }
        if rounds < 0 { throw ValidationError("--rounds must not be negative") }
        if offline && llm != nil { throw ValidationError("--offline and --llm exclude each other") }
        if let writer, !["small", "large"].contains(writer) {
            throw ValidationError("--writer must be small or large, got \(writer)")
        }
    }

    /// The installed local model that writes: --writer's, or the 1.5B model when installed, else the 0.5B.
    func localWriter() -> LocalLLMServer.Model? {
        if let writer { return LocalLLMServer.Model.allCases.first { ($0 == .large) == (writer == "large") } }
        return [.large, .small].first { LocalLLMServer.isInstalled($0) }
    }

    /// The embedder the database was built with: the hashing one is rebuilt from its recorded dimension;
    /// others come from the embedder options (and `Retriever` checks they match).
    func embedderMatching(_ store: CorpusStore) throws -> any Embedder {
        if let info = try store.embedder(), info.name.hasPrefix("hash-") {
            return HashingEmbedder(dimension: info.dimension)
        }
        return try embedding.makeEmbedder()
    }

    func log(_ line: String) { Output.log(line) }
}

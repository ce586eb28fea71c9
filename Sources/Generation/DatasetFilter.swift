import Dataset
import Foundation
import Grounding

/// `rag filter`'s work: rag generate's checking stage on lines read back from a dataset, then near-duplicate
/// questions (or texts) among the lines that pass, then the kept and rejected files, each line with its checks.
public struct DatasetFilter: Sendable {
    /// What a filtered dataset came to.
    public struct Outcome: Sendable {
        /// Each line's checks, in file order (near-duplicates marked on lines that passed everything else).
        public var checks: [[CheckOutcome]]
        /// The kept lines' question (or text) vectors, in order.
        public var keptVectors: [[Float]]
        public var kept: Int { checks.filter { $0.allSatisfy(\.passed) }.count }
        /// Rejected lines by their first failed check.
        public var rejected: [String: Int] {
            checks.compactMap { $0.first { !$0.passed }?.name }.reduce(into: [:]) { $0[$1, default: 0] += 1 }
        }
    }

    public let filter: GroundingSampleFilter
    /// The sentence embedder, as a function (texts to unit vectors), for near-duplicates.
    public let embed: @Sendable ([String]) throws -> [[Float]]
    /// Cosine at or above which a line duplicates an earlier kept one.
    public let duplicateThreshold: Float

    public init(filter: GroundingSampleFilter, duplicateThreshold: Float,
                embed: @escaping @Sendable ([String]) throws -> [[Float]]) {
        self.filter = filter
        self.embed = embed
        self.duplicateThreshold = duplicateThreshold
    }

    /// Checks every line; `progress` gets the number checked so far.
    public func run(_ lines: [DatasetLine], progress: (Int) -> Void = { _ in }) async throws -> Outcome {
        var outcomes: [[CheckOutcome]] = []
        for line in lines {
            outcomes.append(try await filter.recheck(line.sample))
            progress(outcomes.count)
        }
        let candidates = outcomes.indices.filter { outcomes[$0].allSatisfy(\.passed) }
        let candidateTexts = candidates.map { Self.prompt(of: lines[$0]) }
        let candidateVectors = try embed(candidateTexts)
        let duplicates = QualityFilters.nearDuplicates(candidateTexts, vectors: candidateVectors, threshold: duplicateThreshold)
        // The kept lines are the candidates that duplicate nothing, in the same order.
        let keptVectors = zip(candidateVectors, duplicates).filter { $0.1 == nil }.map(\.0)
        for (position, duplicate) in duplicates.enumerated() {
            let reason = duplicate.map {
                String(format: "cosine %.3f with line %d", $0.cosine, lines[candidates[$0.of]].number)
            } ?? "ok"
            outcomes[candidates[position]].append(CheckOutcome(
                name: "near_duplicate", passed: duplicate == nil, score: Double(duplicate?.cosine ?? 0), reason: reason))
        }
        return Outcome(checks: outcomes, keptVectors: keptVectors)
    }

    /// Writes the kept lines to `output` and the rejected ones to `rejectedPath`, each as read with its `checks`
    /// replaced by this run's; returns the diversity of the kept lines (nil for fewer than two).
    public static func write(_ lines: [DatasetLine], outcome: Outcome, to output: String, rejectedPath: String) throws
        -> QualityFilters.Diversity?
    {
        var kept: [JSONValue] = [], rejected: [JSONValue] = []
        var keptTexts: [String] = []
        for (line, checks) in zip(lines, outcome.checks) {
            var object = line.object
            object["checks"] = .array(checks.map(\.jsonValue))
            if checks.allSatisfy(\.passed) {
                keptTexts.append(prompt(of: line))
                kept.append(.object(object))
            } else {
                rejected.append(.object(object))
            }
        }
        try JSONLines.writeAtomically(JSONLines.text(of: kept), to: output)
        try JSONLines.writeAtomically(JSONLines.text(of: rejected), to: rejectedPath)
        return keptTexts.count > 1 ? QualityFilters.diversity(keptTexts, vectors: outcome.keptVectors) : nil
    }

    static func prompt(of line: DatasetLine) -> String { line.sample.question ?? line.sample.text ?? "" }
}

import Dataset
import Foundation
import TextAnalysis
import Grounding
import Retrieval
import Store
import LanguageModels

/// A passage a target's slot may draw, with the subject its text must be about when the target has subjects.
struct PassageDraw: Sendable {
    var passage: SourcePassage
    var subject: String?
}

/// Context assembly: which passages a slot's prompt holds.
extension GenerationPipeline {
    /// For each class, the usable passages in the order to try them: first those that hybrid search finds for
    /// the class's definition (a passage about a place for "asks for a location"), most relevant first, then
    /// the rest in the sampler's order. A random passage often holds nothing a text of a given class could be
    /// about, and the writer then writes an example of another class. A label with subjects draws only passages
    /// that have one, once per subject: every passage's first subject, then every second one, and so on.
    func passagesFitting(_ quotas: [String: Int], among passages: [SourcePassage]) throws -> [String: [PassageDraw]] {
        let mode: SearchMode = retriever.embedder == nil ? .lexical : .hybrid
        let byID = Dictionary(passages.map { ($0.chunkID, $0) }, uniquingKeysWith: { a, _ in a })
        var result: [String: [PassageDraw]] = [:]
        for (label, quota) in quotas {
            let name = label.replacingOccurrences(of: "_", with: " ")
            let query = task.labelDefinitions[label].map { "\(name): \($0)" } ?? name
            let depth = min(passages.count, max(1, options.sourcesPerSample) * quota)
            let hits = try retriever.search(query, options: SearchOptions(k: depth, mode: mode)).map(\.chunk.id)
            let first = hits.compactMap { byID[$0] }
            let taken = Set(first.map(\.chunkID))
            let ordered = first + passages.filter { !taken.contains($0.chunkID) }
            guard task.labelSubjects[label] != nil else {
                result[label] = ordered.map { PassageDraw(passage: $0) }
                continue
            }
            let subjects = ordered.map { task.subjects(of: label, in: $0.text) }
            let rounds = subjects.map(\.count).max() ?? 0
            result[label] = (0..<rounds).flatMap { round in
                zip(ordered, subjects).compactMap { passage, own in
                    own.count > round ? PassageDraw(passage: passage, subject: own[round]) : nil
                }
            }
        }
        return result
    }

    /// For an extraction task whose fields have candidates patterns, the passages in which every such field has a
    /// candidate (under the target "extraction"); empty, so any passage is drawn, when no field has one.
    func passagesNamingCandidates(among passages: [SourcePassage]) -> [String: [PassageDraw]] {
        let finding = task.fields.filter { $0.candidates != nil }
        guard !finding.isEmpty else { return [:] }
        return ["extraction": passages.filter { passage in finding.allSatisfy { !$0.candidates(in: passage.text).isEmpty } }
            .map { PassageDraw(passage: $0) }]
    }

    /// The source passage plus retrieved neighbours within the word budget; for multi-hop and comparison
    /// questions the second passage comes from another document when one is related.
    func context(for source: SourcePassage, target: String) throws -> [SourcePassage] {
        var passages = [source]
        var words = source.text.split(whereSeparator: \.isWhitespace).count
        guard options.neighbours > 0 else { return passages }
        let query = source.text.split(whereSeparator: \.isWhitespace).prefix(60).joined(separator: " ")
        let mode: SearchMode = retriever.embedder == nil ? .lexical : .hybrid
        // A failed search fails the run rather than silently dropping every neighbour from the prompts.
        let hits = try retriever.search(query, options: SearchOptions(k: options.neighbours + 6, mode: mode))
        var candidates = hits.map(\.chunk).filter { $0.id != source.chunkID }
        if target == TaskDefinition.QuestionType.multiHop.rawValue || target == TaskDefinition.QuestionType.comparison.rawValue {
            // Prefer a passage from another document, then another section.
            candidates.sort { a, b in
                (a.documentPath != source.document ? 0 : 1, a.headingPath.joined() != source.headingPath ? 0 : 1)
                    < (b.documentPath != source.document ? 0 : 1, b.headingPath.joined() != source.headingPath ? 0 : 1)
            }
        }
        for chunk in candidates where passages.count <= options.neighbours {
            let n = chunk.text.split(whereSeparator: \.isWhitespace).count
            guard words + n <= options.contextWords || passages.count == 1 && target == "multi_hop" else { continue }
            words += n
            passages.append(SourcePassage(chunk))
        }
        return passages
    }
}

import Dataset
import Foundation
import Store
import VectorIndex

/// Chooses source chunks spread over documents and sections: documents are visited in a seeded order, one
/// chunk each per round, so no document gets a second sample before every usable one has had its first.
/// Boilerplate and too-short chunks are skipped.
public struct SourceSampler: Sendable {
    /// Fewest words a usable chunk has.
    public var minimumWords = 30
    public var seed: UInt64

    public init(seed: UInt64) {
        self.seed = seed
    }

    /// What the sampler saw: usable chunks and documents, and why others were skipped.
    public struct Coverage: Sendable, Codable, Equatable {
        public var documents: Int
        public var usableDocuments: Int
        public var chunks: Int
        public var usableChunks: Int
        public var skippedShort: Int
        public var skippedBoilerplate: Int

        enum CodingKeys: String, CodingKey {
            case documents, chunks
            case usableDocuments = "usable_documents"
            case usableChunks = "usable_chunks"
            case skippedShort = "skipped_short"
            case skippedBoilerplate = "skipped_boilerplate"
        }
    }

    /// Usable passages of `store`, in sampling order, and the coverage counts.
    public func passages(from store: CorpusStore) throws -> ([SourcePassage], Coverage) {
        var rng = SplitMix64(seed: seed)
        var perDocument: [[SourcePassage]] = []
        var coverage = Coverage(documents: 0, usableDocuments: 0, chunks: 0, usableChunks: 0, skippedShort: 0,
                                skippedBoilerplate: 0)
        for path in try store.documentPaths() {
            coverage.documents += 1
            var usable: [SourcePassage] = []
            for chunk in try store.chunks(documentPath: path) {
                coverage.chunks += 1
                let words = chunk.text.split(whereSeparator: \.isWhitespace)
                if words.count < minimumWords {
                    coverage.skippedShort += 1
                    continue
                }
                if Self.isBoilerplate(chunk.text) {
                    coverage.skippedBoilerplate += 1
                    continue
                }
                usable.append(SourcePassage(chunk))
            }
            guard !usable.isEmpty else { continue }
            coverage.usableDocuments += 1
            coverage.usableChunks += usable.count
            usable.shuffle(using: &rng)
            perDocument.append(usable)
        }
        perDocument.shuffle(using: &rng)
        var ordered: [SourcePassage] = []
        var round = 0
        var added = true
        while added {
            added = false
            for passages in perDocument where round < passages.count {
                ordered.append(passages[round])
                added = true
            }
            round += 1
        }
        return (ordered, coverage)
    }

    /// Navigation, legal notices, tables of contents and symbol soup make poor sources.
    static func isBoilerplate(_ text: String) -> Bool {
        let letters = text.unicodeScalars.filter { CharacterSet.letters.contains($0) }.count
        let visible = text.unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) }.count
        if visible == 0 || Double(letters) / Double(visible) < 0.6 { return true }
        let lower = text.lowercased()
        let markers = ["all rights reserved", "table of contents", "prev up next", "prev next", "copyright ©"]
        if markers.contains(where: lower.contains) && text.count < 600 { return true }
        // Sentences end in . ! ? — a chunk with almost none is a list of links or headings.
        let sentenceEnds = text.filter { ".!?".contains($0) }.count
        return sentenceEnds < 2
    }
}

import Embeddings
import Foundation

/// Remembers analysed texts and their embeddings, so that a context shared by many samples is tokenised and
/// embedded once.
///
/// - Important: `Sendable`; every access takes `lock`, which guards `analyses` and `vectors`. Embedding runs
///   outside the lock (two tasks may embed the same new text; the second result wins, and both are equal).
final class AnalysisCache: @unchecked Sendable {
    private let lock = NSLock()
    private var analyses: [String: AnalyzedText] = [:]
    private var vectors: [String: [Float]] = [:]
    private let embedder: any Embedder

    init(embedder: any Embedder) {
        self.embedder = embedder
    }

    /// The analysis of `text`, computed on first use.
    func analysis(of text: String) -> AnalyzedText {
        lock.lock()
        if let cached = analyses[text] {
            lock.unlock()
            return cached
        }
        lock.unlock()
        let analysed = AnalyzedText(text)
        lock.lock()
        analyses[text] = analysed
        lock.unlock()
        return analysed
    }

    /// Embeds, in one batch, those of `texts` not embedded yet.
    ///
    /// - Throws: what the embedder throws; ``GroundingError/embeddingShapeMismatch(expected:actual:)`` when it
    ///   returns the wrong number of vectors.
    func prepareVectors(for texts: [String]) throws {
        lock.lock()
        var seen = Set<String>()
        let missing = texts.filter { vectors[$0] == nil && seen.insert($0).inserted }
        lock.unlock()
        guard !missing.isEmpty else { return }
        let batchSize = 256
        for start in stride(from: 0, to: missing.count, by: batchSize) {
            let batch = Array(missing[start..<min(start + batchSize, missing.count)])
            let embedded = try embedder.embed(batch)
            guard embedded.count == batch.count else {
                throw GroundingError.embeddingShapeMismatch(expected: batch.count, actual: embedded.count)
            }
            lock.lock()
            for (text, vector) in zip(batch, embedded) { vectors[text] = vector }
            lock.unlock()
        }
    }

    /// The vector of `text` (embedding it alone if it was not prepared).
    func vector(of text: String) throws -> [Float] {
        lock.lock()
        if let cached = vectors[text] {
            lock.unlock()
            return cached
        }
        lock.unlock()
        try prepareVectors(for: [text])
        lock.lock()
        defer { lock.unlock() }
        return vectors[text] ?? []
    }

    /// Cosine similarity of two vectors (0 when either is zero or their lengths differ).
    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        guard a.count == b.count, !a.isEmpty else { return 0 }
        var dot: Float = 0, normA: Float = 0, normB: Float = 0
        for i in 0..<a.count {
            dot += a[i] * b[i]
            normA += a[i] * a[i]
            normB += b[i] * b[i]
        }
        guard normA > 0, normB > 0 else { return 0 }
        return Double(dot / (normA.squareRoot() * normB.squareRoot()))
    }
}

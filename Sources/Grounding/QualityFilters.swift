import Embeddings
import TextAnalysis
import VectorIndex

/// Dataset-level quality measures: near-duplicates and diversity.
public enum QualityFilters {
    /// For each text, whether it duplicates an earlier kept one: the same text after normalisation, or an
    /// embedding cosine at or above `threshold` with a text kept before it (greedy, in order).
    /// - Returns: for each input, nil when kept, or the index of the kept text it duplicates and their cosine.
    public static func nearDuplicates(
        _ texts: [String], embedder: any Embedder, threshold: Float = 0.95
    ) throws -> [(of: Int, cosine: Float)?] {
        nearDuplicates(texts, vectors: try embedder.embed(texts), threshold: threshold)
    }

    /// ``nearDuplicates(_:embedder:threshold:)`` with the texts' embeddings already computed (one per text).
    public static func nearDuplicates(
        _ texts: [String], vectors: [[Float]], threshold: Float = 0.95
    ) -> [(of: Int, cosine: Float)?] {
        let vectors = vectors.map(Distance.normalized)
        var keptIndices: [Int] = []
        var seen: [String: Int] = [:]
        var result: [(of: Int, cosine: Float)?] = []
        for (i, text) in texts.enumerated() {
            let key = WordTokenizer.normalized(text)
            if let earlier = seen[key] {
                result.append((earlier, 1))
                continue
            }
            var best: (Int, Float)? = nil
            for k in keptIndices {
                let c = Distance.dot(vectors[i], vectors[k])
                if c >= threshold, c > (best?.1 ?? -1) { best = (k, c) }
            }
            if let best {
                result.append((best.0, best.1))
            } else {
                result.append(nil)
                keptIndices.append(i)
                seen[key] = i
            }
        }
        return result
    }

    /// Diversity of a set of texts: distinct-1 and distinct-2 (unique n-grams over all n-grams) and the mean
    /// pairwise cosine of their embeddings (lower is more diverse).
    public struct Diversity: Sendable, Codable, Equatable {
        public var distinct1: Double
        public var distinct2: Double
        public var meanPairwiseCosine: Double

        enum CodingKeys: String, CodingKey {
            case distinct1 = "distinct_1"
            case distinct2 = "distinct_2"
            case meanPairwiseCosine = "mean_pairwise_cosine"
        }
    }

    public static func diversity(_ texts: [String], embedder: any Embedder) throws -> Diversity {
        diversity(texts, vectors: try embedder.embed(texts))
    }

    /// ``diversity(_:embedder:)`` with the texts' embeddings already computed (one per text).
    public static func diversity(_ texts: [String], vectors: [[Float]]) -> Diversity {
        let words = texts.map(WordTokenizer.keys(in:))
        let vectors = vectors.map(Distance.normalized)
        var total = 0.0
        var pairs = 0
        for i in vectors.indices {
            for j in (i + 1)..<vectors.count {
                total += Double(Distance.dot(vectors[i], vectors[j]))
                pairs += 1
            }
        }
        return Diversity(
            distinct1: DistinctNGrams.ratio(words, n: 1), distinct2: DistinctNGrams.ratio(words, n: 2),
            meanPairwiseCosine: pairs == 0 ? 0 : total / Double(pairs))
    }
}

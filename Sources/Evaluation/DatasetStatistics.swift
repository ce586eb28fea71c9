import Dataset
import Embeddings
import Foundation
import TextAnalysis
import Store

/// Statistics of a generated dataset: its mix, lengths, diversity, near-duplicates, how much of the corpus it
/// covers, why samples were rejected, and, given real samples, how far its distribution is from theirs.
public struct DatasetStatistics: Sendable, Codable {
    public var samples: Int
    /// Samples by `type` (question type, or `extraction`).
    public var byType: [String: Int]
    /// Samples by `label` (classification).
    public var byLabel: [String: Int]
    /// Samples by source document (of the source chunk in the database, else of the first span).
    public var byDocument: [String: Int]
    /// Length summaries in words: `question`, `answer`, `text`.
    public var lengths: [String: LengthSummary]
    /// distinct-1 and distinct-2 of the questions (or texts).
    public var distinct1: Double
    public var distinct2: Double
    /// Share of samples with another sample at embedding cosine ≥ `nearDuplicateThreshold` (nil without an
    /// embedder).
    public var nearDuplicateRate: Double?
    public var nearDuplicateThreshold: Double
    /// Coverage of the database, when one is given.
    public var coverage: Coverage?
    /// Rejected samples beside the dataset, by reason (nil when there is no `.rejected.jsonl`).
    public var rejected: [String: Int]?
    /// Comparison with real samples, when given.
    public var reference: ReferenceComparison?
    /// Word lengths of each sample's question/answer/text (for histograms; not in JSON).
    public var lengthValues: [String: [Int]] = [:]

    /// How much of the corpus the samples draw on.
    public struct Coverage: Sendable, Codable, Equatable {
        public var documents: Int
        public var documentsUsed: Int
        public var chunks: Int
        public var chunksUsed: Int
        public var documentFraction: Double { documents == 0 ? 0 : Double(documentsUsed) / Double(documents) }
        public var chunkFraction: Double { chunks == 0 ? 0 : Double(chunksUsed) / Double(chunks) }

        enum CodingKeys: String, CodingKey {
            case documents, chunks
            case documentsUsed = "documents_used"
            case chunksUsed = "chunks_used"
            case documentFraction = "document_fraction"
            case chunkFraction = "chunk_fraction"
        }

        public init(documents: Int, documentsUsed: Int, chunks: Int, chunksUsed: Int) {
            self.documents = documents
            self.documentsUsed = documentsUsed
            self.chunks = chunks
            self.chunksUsed = chunksUsed
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(documents: try c.decode(Int.self, forKey: .documents), documentsUsed: try c.decode(Int.self, forKey: .documentsUsed),
                      chunks: try c.decode(Int.self, forKey: .chunks), chunksUsed: try c.decode(Int.self, forKey: .chunksUsed))
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(documents, forKey: .documents)
            try c.encode(documentsUsed, forKey: .documentsUsed)
            try c.encode(chunks, forKey: .chunks)
            try c.encode(chunksUsed, forKey: .chunksUsed)
            try c.encode(documentFraction, forKey: .documentFraction)
            try c.encode(chunkFraction, forKey: .chunkFraction)
        }
    }

    enum CodingKeys: String, CodingKey {
        case samples, lengths, coverage, rejected, reference
        case byType = "by_type"
        case byLabel = "by_label"
        case byDocument = "by_document"
        case distinct1 = "distinct_1"
        case distinct2 = "distinct_2"
        case nearDuplicateRate = "near_duplicate_rate"
        case nearDuplicateThreshold = "near_duplicate_threshold"
    }

    /// Computes the statistics.
    /// - Parameters:
    ///   - records: the dataset.
    ///   - rejected: the rejected samples beside it, if any.
    ///   - reference: real samples to compare with, if any.
    ///   - store: the database the dataset was generated from, for coverage and source documents.
    ///   - embedder: for near-duplicates and the embedding-space comparison (nil: skipped).
    /// - Throws: ``StoreError`` or the embedder's errors.
    public init(records: [DatasetRecord], rejected: [DatasetRecord]? = nil, reference: [DatasetRecord]? = nil,
                store: CorpusStore? = nil, embedder: (any Embedder)? = nil, nearDuplicateThreshold: Double = 0.95) throws {
        samples = records.count
        byType = Self.counts(records.compactMap(\.type))
        byLabel = Self.counts(records.compactMap(\.label))
        self.nearDuplicateThreshold = nearDuplicateThreshold
        lengthValues = Self.lengths(records)
        lengths = lengthValues.mapValues(LengthSummary.init)
        let prompts = records.map { WordTokenizer.keys(in: $0.prompt ?? "") }
        distinct1 = DistinctNGrams.ratio(prompts, n: 1)
        distinct2 = DistinctNGrams.ratio(prompts, n: 2)
        if let rejected { self.rejected = Self.counts(rejected.map { $0.rejectionReason ?? "unknown" }) }

        var sourceDocuments = records.map { $0.documents.first ?? "(unknown)" }
        if let store {
            let sourceIDs = records.compactMap(\.sourceChunkIDs.first)
            let chunks = try store.chunks(ids: Array(Set(sourceIDs)))
            let documentOf = Dictionary(chunks.map { ($0.id, $0.documentPath) }) { a, _ in a }
            sourceDocuments = records.map { record in
                record.sourceChunkIDs.first.flatMap { documentOf[$0] } ?? record.documents.first ?? "(unknown)"
            }
            let statistics = try store.statistics()
            coverage = Coverage(documents: statistics.documents, documentsUsed: Set(chunks.map(\.documentPath)).count,
                                chunks: statistics.chunks, chunksUsed: chunks.count)
        }
        byDocument = Self.counts(sourceDocuments)

        let texts = records.map { $0.prompt ?? "" }
        var vectors: [[Float]]?
        if let embedder {
            let embedded = try Self.embed(texts, with: embedder)
            vectors = embedded
            let partners = try EmbeddingComparison.nearDuplicates(embedded, threshold: nearDuplicateThreshold)
            nearDuplicateRate = records.isEmpty ? 0 : Double(partners.compactMap { $0 }.count) / Double(records.count)
        }
        if let reference {
            var comparison = ReferenceComparison(generated: records, real: reference)
            if let embedder, let vectors {
                let realVectors = try Self.embed(reference.map { $0.prompt ?? "" }, with: embedder)
                try comparison.addEmbeddingMeasures(generated: vectors, real: realVectors)
            }
            self.reference = comparison
        }
    }

    static func counts(_ values: [String]) -> [String: Int] {
        var counts: [String: Int] = [:]
        for value in values { counts[value, default: 0] += 1 }
        return counts
    }

    static func lengths(_ records: [DatasetRecord]) -> [String: [Int]] {
        var result: [String: [Int]] = [:]
        for record in records {
            if let q = record.question { result["question", default: []].append(WordTokenizer.keys(in: q).count) }
            if let a = record.answer { result["answer", default: []].append(WordTokenizer.keys(in: a).count) }
            if let t = record.text { result["text", default: []].append(WordTokenizer.keys(in: t).count) }
        }
        return result
    }

    /// Embeds `texts` in batches of 64 (an empty text is embedded as a single space).
    static func embed(_ texts: [String], with embedder: any Embedder) throws -> [[Float]] {
        var vectors: [[Float]] = []
        vectors.reserveCapacity(texts.count)
        for start in stride(from: 0, to: texts.count, by: 64) {
            let batch = texts[start..<min(start + 64, texts.count)].map { $0.isEmpty ? " " : $0 }
            vectors += try embedder.embed(Array(batch))
        }
        return vectors
    }
}

/// How far generated samples are from real ones.
public struct ReferenceComparison: Sendable, Codable, Equatable {
    /// Real samples compared with.
    public var samples: Int
    /// Jensen–Shannon divergence (bits) of the word unigram distributions of questions (or texts).
    public var tokenJSD: Double
    /// Jensen–Shannon divergence (bits) of the question (or text) length distributions, in words.
    public var lengthJSD: Double
    /// Cosine distance between the mean embeddings of generated and real questions.
    public var meanEmbeddingDistance: Double?
    /// kNN precision (share of generated questions inside the real manifold, k = 3).
    public var knnPrecision: Double?
    /// kNN recall (share of real questions inside the generated manifold, k = 3).
    public var knnRecall: Double?
    /// Word lengths of the real questions (for histograms; not in JSON).
    public var lengthValues: [Int] = []

    enum CodingKeys: String, CodingKey {
        case samples
        case tokenJSD = "token_jsd"
        case lengthJSD = "length_jsd"
        case meanEmbeddingDistance = "mean_embedding_distance"
        case knnPrecision = "knn_precision"
        case knnRecall = "knn_recall"
    }

    /// The distribution measures (the embedding ones are added by ``addEmbeddingMeasures(generated:real:)``).
    public init(generated: [DatasetRecord], real: [DatasetRecord]) {
        let g = generated.map { WordTokenizer.keys(in: $0.prompt ?? "") }
        let r = real.map { WordTokenizer.keys(in: $0.prompt ?? "") }
        samples = real.count
        tokenJSD = TextDistribution.jensenShannon(TextDistribution.frequencies(g.flatMap { $0 }),
                                                  TextDistribution.frequencies(r.flatMap { $0 }))
        lengthJSD = TextDistribution.jensenShannon(TextDistribution.frequencies(g.map(\.count)),
                                                   TextDistribution.frequencies(r.map(\.count)))
        lengthValues = r.map(\.count)
    }

    /// Adds the embedding-space measures (kNN precision and recall need more than 3 samples on each side).
    /// - Throws: ``IndexError`` when the vectors' dimensions differ.
    public mutating func addEmbeddingMeasures(generated: [[Float]], real: [[Float]]) throws {
        meanEmbeddingDistance = EmbeddingComparison.meanDistance(generated, real)
        guard generated.count > 3, real.count > 3 else { return }
        let (precision, recall) = try EmbeddingComparison.precisionRecall(generated: generated, real: real, k: 3)
        knnPrecision = precision
        knnRecall = recall
    }
}

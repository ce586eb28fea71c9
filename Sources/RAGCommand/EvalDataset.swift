import ArgumentParser
import Dataset
import Embeddings
import Evaluation
import Foundation
import Store

extension Rag.Eval {
    /// `rag eval dataset FILE.jsonl`: statistics of a generated dataset, optionally against real samples.
    struct Dataset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Describe a generated dataset: mix, lengths, diversity, near-duplicates, coverage.",
            discussion: """
                Counts samples by type, label and source document; summarises question, answer and text lengths \
                (words); computes distinct-1/2 and the near-duplicate rate (embedding cosine >= --near-duplicate); \
                with --db, the share of the corpus's documents and chunks the samples come from; reads rejection \
                reasons from NAME.rejected.jsonl beside NAME.jsonl. With --reference REAL.jsonl or a SQuAD JSON \
                file, adds the Jensen-Shannon divergence of word and length distributions and, with an embedder, \
                the cosine distance between mean embeddings and kNN precision/recall (k = 3). --no-embeddings \
                skips the embedding measures.
                """
        )

        @Argument(help: "The dataset (JSONL).") var file: String
        @Option(help: "Real samples to compare with: JSONL with question/text, or SQuAD v1.1 JSON.") var reference: String?
        @Option(help: "The database the dataset was generated from (for coverage and source documents).") var db: String?
        @Option(help: "Cosine similarity at which two samples count as near-duplicates.") var nearDuplicate = 0.95
        @Flag(help: "Skip the embedding-based measures (no model is loaded).") var noEmbeddings = false
        @Option(help: "Write a self-contained HTML report here.") var report: String?
        @OptionGroup var embedding: EmbedderOptions
        @Flag(help: "Print one JSON object.") var json = false

        func validate() throws {
            guard (0...1).contains(nearDuplicate) else { throw ValidationError("--near-duplicate must be in 0...1") }
        }

        func run() async throws {
            let records = try DatasetRecord.load(path: file)
            let rejected = try DatasetRecord.loadRejected(besideDataset: file)
            let real = try reference.map { try DatasetRecord.loadReference(path: $0) }
            let store = try db.map { try CorpusStore(path: $0, create: false) }
            let embedder = noEmbeddings ? nil : try embedding.makeEmbedder()
            let statistics = try DatasetStatistics(records: records, rejected: rejected, reference: real, store: store,
                                                   embedder: embedder, nearDuplicateThreshold: nearDuplicate)
            if let report {
                try HTMLReport.dataset(statistics, title: "Dataset: \(URL(fileURLWithPath: file).lastPathComponent)")
                    .write(to: report)
            }
            if json {
                try Output.printJSON(statistics)
            } else {
                print(Self.text(statistics))
            }
        }

        static func text(_ s: DatasetStatistics) -> String {
            var lines = ["\(s.samples) samples"]
            func counts(_ name: String, _ values: [String: Int], limit: Int = 10) {
                guard !values.isEmpty else { return }
                let sorted = values.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
                lines.append("by \(name): " + sorted.prefix(limit).map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                             + (sorted.count > limit ? ", ... (\(sorted.count) in all)" : ""))
            }
            counts("type", s.byType)
            counts("label", s.byLabel)
            counts("document", s.byDocument.reduce(into: [:]) { $0[URL(fileURLWithPath: $1.key).lastPathComponent, default: 0] += $1.value }, limit: 5)
            for key in s.lengths.keys.sorted() {
                let l = s.lengths[key]!
                lines.append(key + String(format: " words: min %d, median %.1f, mean %.1f, p90 %d, max %d", l.min, l.median,
                                    l.mean, l.p90, l.max))
            }
            lines.append(String(format: "distinct-1 %.4f, distinct-2 %.4f", s.distinct1, s.distinct2))
            if let rate = s.nearDuplicateRate {
                lines.append(String(format: "near-duplicate rate %.4f (cosine >= %.2f)", rate, s.nearDuplicateThreshold))
            }
            if let c = s.coverage {
                lines.append(String(format: "coverage: %d of %d documents (%.1f%%), %d of %d chunks (%.1f%%)", c.documentsUsed,
                                    c.documents, 100 * c.documentFraction, c.chunksUsed, c.chunks, 100 * c.chunkFraction))
            }
            if let rejected = s.rejected { counts("rejection reason", rejected) }
            if let r = s.reference {
                var line = String(format: "against %d real samples: token JSD %.4f, length JSD %.4f", r.samples, r.tokenJSD, r.lengthJSD)
                if let d = r.meanEmbeddingDistance { line += String(format: ", mean-embedding distance %.4f", d) }
                if let p = r.knnPrecision, let q = r.knnRecall { line += String(format: ", kNN precision %.3f, recall %.3f", p, q) }
                lines.append(line)
            }
            return lines.joined(separator: "\n")
        }
    }
}

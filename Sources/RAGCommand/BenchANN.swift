import ArgumentParser
import Evaluation
import Foundation
import VectorIndex

extension Rag.Bench {
    /// `rag bench ann`: HNSW recall and speed against exact search.
    struct ANN: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ann",
            abstract: "Measure HNSW recall@10 and QPS against exact (BLAS) search.",
            discussion: """
                Data is a seeded Gaussian mixture (--n, --dim, --clusters, --queries, --seed) or two files \
                (--base FILE --queries-file FILE, each .fvecs or .npy Float32). --save-data DIR writes the data \
                used as base.fvecs and queries.fvecs, so that Benchmarks/ann_anchors.py measures hnswlib and \
                FAISS on the very same vectors.
                """
        )

        @Option(help: "Synthetic base vectors.") var n = 20_000
        @Option(help: "Synthetic dimension.") var dim = 128
        @Option(help: "Synthetic mixture components.") var clusters = 64
        @Option(help: "Synthetic query count.") var queries = 1_000
        @Option(help: "Seed for data and levels.") var seed: UInt64 = 42
        @Option(help: "Base vectors file (.fvecs or .npy).") var base: String?
        @Option(help: "Query vectors file (.fvecs or .npy).") var queriesFile: String?
        @Option(help: "Write base.fvecs and queries.fvecs here.") var saveData: String?
        @Option(help: "M: neighbours per node.") var m = 16
        @Option(help: "efConstruction.") var efConstruction = 200
        @Option(help: "Comma-separated ef values.") var ef = "16,32,64,128,256"
        @Option(help: "Threads for build and batch queries.") var threads = ProcessInfo.processInfo.activeProcessorCount
        @Option(help: "Metric: cosine, ip or l2.") var metric = "cosine"
        @Option(help: "Traversal codes: f32, f16 or int8 (Float32 re-rank of the ef candidates).") var storage = "int8"
        @Option(help: "Write a self-contained HTML report (recall-QPS curve) to this file.") var report: String?
        @Flag(help: "Print one JSON object.") var json = false

        func validate() throws {
            if (base == nil) != (queriesFile == nil) {
                throw ValidationError("--base and --queries-file go together")
            }
            guard Metric(name: metric) != nil else { throw ValidationError("unknown metric '\(metric)'") }
            guard StorageKind(name: storage) != nil else { throw ValidationError("unknown storage '\(storage)'") }
            guard !efValues.isEmpty, efValues.allSatisfy({ $0 > 0 }) else {
                throw ValidationError("--ef must be a comma-separated list of positive integers")
            }
            guard n > 0, dim > 0, queries > 0, threads > 0 else {
                throw ValidationError("--n, --dim, --queries and --threads must be positive")
            }
        }

        var efValues: [Int] { ef.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

        func run() async throws {
            let (baseSet, querySet): (VectorSet, VectorSet)
            if let base, let queriesFile {
                baseSet = try VectorSet.read(path: base)
                querySet = try VectorSet.read(path: queriesFile)
            } else {
                // Queries come from the same mixture (drawn after the base points) so they fall near clusters.
                let all = VectorSet.gaussianMixture(count: n + queries, dimension: dim, clusters: clusters, seed: seed)
                baseSet = VectorSet(dimension: dim, values: Array(all.values[0..<(n * dim)]))
                querySet = VectorSet(dimension: dim, values: Array(all.values[(n * dim)...]))
            }
            if let saveData {
                try FileManager.default.createDirectory(atPath: saveData, withIntermediateDirectories: true)
                try baseSet.write(path: saveData + "/base.fvecs")
                try querySet.write(path: saveData + "/queries.fvecs")
            }
            var options = ANNBenchmark.Options()
            options.metric = Metric(name: metric)!
            options.storage = StorageKind(name: storage)!
            options.connectivity = m
            options.expansionAdd = efConstruction
            options.efValues = efValues
            options.threads = threads
            options.seed = seed
            let report = try ANNBenchmark(options: options).run(base: baseSet, queries: querySet) { line in
                if !json || Output.stderrIsTerminal { Output.log(line) }
            }
            if let path = self.report {
                try HTMLReport.ann(report).write(to: path)
            }
            if json {
                try Output.printJSON(report)
                return
            }
            print("rag HNSW: n=\(report.n) dim=\(report.dimension) queries=\(report.queries) metric=\(report.metric) "
                + "storage=\(report.storage) M=\(report.m) efC=\(report.efConstruction) threads=\(report.threads)")
            print(String(format: "build %.2f s, index %.1f MB, exact search %.2f s",
                         report.buildSeconds, Double(report.indexBytes) / 1e6, report.exactSeconds))
            print("   ef  recall@10        QPS  QPS(batch)")
            for p in report.points {
                print(String(format: "%5d  %9.4f  %9.0f  %10.0f", p.ef, p.recallAt10, p.qps, p.qpsBatch))
            }
        }
    }
}

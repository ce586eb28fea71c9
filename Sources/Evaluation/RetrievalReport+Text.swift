import Foundation

extension RetrievalBenchmark {
    /// `dir/run.trec` → `dir/run.MODE.trec`.
    public static func path(_ path: String, inserting mode: String) -> String {
        let url = URL(fileURLWithPath: path)
        let ext = url.pathExtension
        let base = ext.isEmpty ? path : String(path.dropLast(ext.count + 1))
        return ext.isEmpty ? "\(base).\(mode)" : "\(base).\(mode).\(ext)"
    }

    /// The default database for a corpus and embedder: a cache file in the temporary directory.
    public static func cachePath(corpus: String, embedder: String) -> String {
        let absolute = URL(fileURLWithPath: corpus).standardizedFileURL.path
        let digest = absolute.utf8.reduce(UInt64(14_695_981_039_346_656_037)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
        let name = URL(fileURLWithPath: corpus).deletingPathExtension().lastPathComponent
        let safeEmbedder = embedder.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" }
        return NSTemporaryDirectory() + "rag-eval-\(name)-\(String(digest, radix: 16))-\(String(safeEmbedder)).db"
    }
}

extension RetrievalReport {
    /// The report as a table for people: mean scores per mode, per query when measured, and run files.
    public var text: String {
        let report = self
        var lines = ["\(report.queries) queries, embedder \(report.embedder), database \(report.database)",
                     "mode        nDCG@10  recall@10  recall@100   MRR@10  seconds"]
        for mode in report.orderedModes {
            let s = report.modes[mode]!
            lines.append(mode.padding(toLength: 9, withPad: " ", startingAt: 0)
                + String(format: "  %8.4f  %9.4f  %10.4f  %7.4f  %7.1f", s.ndcgAt10, s.recallAt10, s.recallAt100,
                         s.mrrAt10, report.seconds[mode] ?? 0))
        }
        if let perQuery = report.perQuery {
            for mode in report.orderedModes {
                lines.append("\n\(mode): query  nDCG@10  recall@10  recall@100  MRR@10")
                let scores = perQuery[mode] ?? [:]
                for query in scores.keys.sorted(by: QueryOrder.precedes) {
                    let s = scores[query]!
                    lines.append(query + String(format: "  %.4f  %.4f  %.4f  %.4f", s.ndcgAt10, s.recallAt10,
                                                s.recallAt100, s.mrrAt10))
                }
            }
        }
        if let files = report.runFiles {
            for mode in report.orderedModes { if let file = files[mode] { lines.append("run file (\(mode)): \(file)") } }
        }
        return lines.joined(separator: "\n")
    }
}

/// Query ids in natural order: numbers by value, then text.
enum QueryOrder {
    static func precedes(_ a: String, _ b: String) -> Bool {
        switch (Int(a), Int(b)) {
        case let (x?, y?): x < y
        case (_?, nil): true
        case (nil, _?): false
        default: a < b
        }
    }
}

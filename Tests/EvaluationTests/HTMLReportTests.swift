import Dataset
import RAGTestSupport
import Embeddings
import Foundation
import Testing
import Evaluation

/// Reports are self-contained: inline SVG charts, nothing fetched.
struct HTMLReportTests {
    static func assertSelfContained(_ html: String) {
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("src=")
                && !html.contains("<script") && !html.contains("@import"))
        #expect(html.components(separatedBy: "<svg").count == html.components(separatedBy: "</svg>").count)
    }

    @Test func retrievalReportHasBarChart() {
        let report = RetrievalReport(
            modes: ["dense": RetrievalScores(ndcgAt10: 0.4, recallAt10: 0.5, recallAt100: 0.8, mrrAt10: 0.6),
                    "lexical": RetrievalScores(ndcgAt10: 0.3, recallAt10: 0.38, recallAt100: 0.7, mrrAt10: 0.49)],
            queries: 225, seconds: ["dense": 1, "lexical": 0.5], embedder: "hash-256", database: "<db>")
        let html = HTMLReport.retrieval(report).html
        Self.assertSelfContained(html)
        #expect(html.contains("<svg") && html.components(separatedBy: "<rect").count > 8)
        #expect(html.contains("nDCG@10") && html.contains("&lt;db&gt;"))
        #expect(html.contains("0.3800"))
    }

    @Test func datasetReportHasHistogramsAndMix() throws {
        let dir = TemporaryDirectory()
        let path = try DatasetStatisticsTests.writeDataset(in: dir, count: 30)
        let statistics = try DatasetStatistics(
            records: try DatasetRecord.load(path: path), rejected: try DatasetRecord.loadRejected(besideDataset: path),
            reference: try DatasetRecord.loadReference(path: DatasetStatisticsTests.squad), embedder: HashingEmbedder(dimension: 64))
        var page = HTMLReport.dataset(statistics)
        page.append(HTMLReport.ann(ANNBenchmark.Report(
            n: 1000, dimension: 8, queries: 10, metric: "cosine", storage: "f32", m: 16, efConstruction: 200, threads: 2,
            buildSeconds: 0.1, indexBytes: 1, exactSeconds: 0.01,
            points: [.init(ef: 16, recallAt10: 0.9, qps: 20_000, qpsBatch: 35_000),
                     .init(ef: 64, recallAt10: 0.99, qps: 9_000, qpsBatch: 16_000)])))
        try page.write(to: dir.file("report.html"))
        let html = try String(contentsOfFile: dir.file("report.html"), encoding: .utf8)
        Self.assertSelfContained(html)
        for heading in ["Type and label mix", "Length distributions", "Rejection reasons", "Compared with real samples",
                        "ANN recall against speed"] {
            #expect(html.contains(heading), "\(heading)")
        }
        #expect(html.contains("<polyline") && html.contains("ef 64"))
        #expect(html.contains("grounding") && html.contains("factoid"))
    }
}

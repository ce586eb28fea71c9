import Foundation

extension HTMLReport {
    /// A report of retrieval metrics per mode: a bar chart and a table (and per-query counts when present).
    public static func retrieval(_ report: RetrievalReport, title: String = "Retrieval evaluation") -> HTMLReport {
        var page = HTMLReport(title: title)
        page.addRetrieval(report)
        return page
    }

    /// Adds the retrieval metrics section.
    public mutating func addRetrieval(_ report: RetrievalReport) {
        let modes = report.orderedModes
        let metricNames = RetrievalScores().named.map(\.name)
        let chart = SVGChart.groupedBars(
            categories: metricNames,
            series: modes.map { mode in (mode, report.modes[mode]!.named.map(\.value)) }, maximum: 1)
        let rows = modes.map { mode -> [String] in
            [mode] + report.modes[mode]!.named.map { Self.number($0.value) } + [String(format: "%.1f", report.seconds[mode] ?? 0)]
        }
        var body = "<p>\(report.queries) judged queries; embedder \(escape(report.embedder)); database \(escape(report.database)). "
            + "Measures follow trec_eval (ndcg_cut.10, recall.10, recall.100, recip_rank within the top 10).</p>\n"
        body += chart + Self.table(header: ["mode"] + metricNames + ["seconds"], rows: rows)
        if let perQuery = report.perQuery {
            let zeroRecall = modes.map { mode in
                [mode, String((perQuery[mode] ?? [:]).values.filter { $0.recallAt10 == 0 }.count)]
            }
            body += "<p>Queries with no relevant document in the top 10:</p>\n"
                + Self.table(header: ["mode", "queries"], rows: zeroRecall)
        }
        addSection("Retrieval metrics by mode", body: body)
    }

    /// A report of dataset statistics: mix, lengths, diversity, rejections, coverage and reference distances.
    public static func dataset(_ statistics: DatasetStatistics, title: String = "Dataset statistics") -> HTMLReport {
        var page = HTMLReport(title: title)
        page.addDataset(statistics)
        return page
    }

    /// Adds the dataset sections.
    public mutating func addDataset(_ s: DatasetStatistics) {
        var overview = [["samples", String(s.samples)], ["distinct-1", Self.number(s.distinct1)],
                        ["distinct-2", Self.number(s.distinct2)]]
        if let rate = s.nearDuplicateRate {
            overview.append(["near-duplicate rate (cosine ≥ \(s.nearDuplicateThreshold))", Self.number(rate)])
        }
        if let c = s.coverage {
            overview.append(["documents used", "\(c.documentsUsed) of \(c.documents) (\(String(format: "%.1f%%", 100 * c.documentFraction)))"])
            overview.append(["chunks used", "\(c.chunksUsed) of \(c.chunks) (\(String(format: "%.1f%%", 100 * c.chunkFraction)))"])
        }
        addSection("Overview", body: Self.table(header: ["measure", "value"], rows: overview))

        var mix = ""
        if !s.byType.isEmpty { mix += "<p>By type</p>\n" + SVGChart.horizontalBars(Self.sortedCounts(s.byType)) }
        if !s.byLabel.isEmpty { mix += "<p>By label</p>\n" + SVGChart.horizontalBars(Self.sortedCounts(s.byLabel)) }
        let documents = Self.sortedCounts(s.byDocument)
        mix += "<p>By source document (\(documents.count) documents; top 15)</p>\n"
            + SVGChart.horizontalBars(Array(documents.prefix(15)).map { (URL(fileURLWithPath: $0.name).lastPathComponent, $0.value) })
        addSection("Type and label mix", body: mix)

        var lengthBody = Self.table(
            header: ["field", "n", "min", "median", "mean", "p90", "max"],
            rows: s.lengths.keys.sorted().map { key in
                let l = s.lengths[key]!
                return [key, String(l.count), String(l.min), String(format: "%.1f", l.median), String(format: "%.1f", l.mean),
                        String(l.p90), String(l.max)]
            })
        for key in s.lengthValues.keys.sorted() {
            var series: [(name: String, values: [Double])] = [("generated", s.lengthValues[key]!.map(Double.init))]
            if key == (s.lengthValues["question"] != nil ? "question" : "text"), let reference = s.reference,
               !reference.lengthValues.isEmpty {
                series.append(("reference", reference.lengthValues.map(Double.init)))
            }
            lengthBody += SVGChart.histogram(series, bins: 20, xLabel: "\(key) length (words)")
        }
        addSection("Length distributions", body: lengthBody)

        if let rejected = s.rejected {
            let total = rejected.values.reduce(0, +)
            addSection("Rejection reasons", body: "<p>\(total) rejected samples (from the .rejected.jsonl beside the dataset).</p>\n"
                       + SVGChart.horizontalBars(Self.sortedCounts(rejected)))
        }
        if let r = s.reference {
            var rows = [["reference samples", String(r.samples)], ["token JSD (bits)", Self.number(r.tokenJSD)],
                        ["length JSD (bits)", Self.number(r.lengthJSD)]]
            if let d = r.meanEmbeddingDistance { rows.append(["mean-embedding cosine distance", Self.number(d)]) }
            if let p = r.knnPrecision { rows.append(["kNN precision (k = 3)", Self.number(p)]) }
            if let q = r.knnRecall { rows.append(["kNN recall (k = 3)", Self.number(q)]) }
            addSection("Compared with real samples", body: Self.table(header: ["measure", "value"], rows: rows))
        }
    }

    /// A report of an ANN benchmark: the recall–QPS curve and the table.
    public static func ann(_ report: ANNBenchmark.Report, title: String = "HNSW recall and speed") -> HTMLReport {
        var page = HTMLReport(title: title)
        page.addANN(report)
        return page
    }

    /// Adds the ANN section: recall@10 against single-thread QPS, one point per ef.
    public mutating func addANN(_ report: ANNBenchmark.Report) {
        let chart = SVGChart.line(report.points.map { ($0.qps, $0.recallAt10, "ef \($0.ef)") },
                                  xLabel: "queries per second (one thread)", yLabel: "recall@10")
        let rows = report.points.map { p in
            [String(p.ef), Self.number(p.recallAt10), String(format: "%.0f", p.qps), String(format: "%.0f", p.qpsBatch)]
        }
        let body = "<p>n = \(report.n), dimension \(report.dimension), \(report.queries) queries, metric \(report.metric), "
            + "storage \(report.storage), M = \(report.m), efConstruction = \(report.efConstruction); build "
            + String(format: "%.2f s", report.buildSeconds) + ".</p>\n" + chart
            + Self.table(header: ["ef", "recall@10", "QPS", "QPS (\(report.threads) threads)"], rows: rows)
        addSection("ANN recall against speed", body: body)
    }

    static func sortedCounts(_ counts: [String: Int]) -> [(name: String, value: Double)] {
        counts.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }.map { ($0.key, Double($0.value)) }
    }
}

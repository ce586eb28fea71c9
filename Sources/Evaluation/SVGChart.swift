import Foundation

/// Small self-contained SVG charts for reports: no scripts, no fonts or styles from the network.
public enum SVGChart {
    /// Colours for series, in order (colour-blind safe, Okabe–Ito).
    static let palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]

    /// A grouped bar chart: one group per category, one bar per series, values in 0...`maximum`.
    /// - Parameters:
    ///   - categories: group labels along the x axis.
    ///   - series: (name, one value per category).
    public static func groupedBars(categories: [String], series: [(name: String, values: [Double])],
                                   maximum: Double? = nil, width: Int = 720, height: Int = 320) -> String {
        let top = maximum ?? niceCeiling(series.flatMap(\.values).max() ?? 1)
        let plot = Plot(width: width, height: height, left: 48, bottom: 40, top: 28)
        var svg = plot.open(label: "grouped bar chart") + plot.yAxis(maximum: top)
        let groupWidth = plot.innerWidth / Double(max(categories.count, 1))
        let barWidth = groupWidth * 0.8 / Double(max(series.count, 1))
        for (c, category) in categories.enumerated() {
            let groupX = plot.left + Double(c) * groupWidth + groupWidth * 0.1
            for (s, entry) in series.enumerated() where c < entry.values.count {
                let value = entry.values[c]
                let h = plot.innerHeight * min(max(value / top, 0), 1)
                let x = groupX + Double(s) * barWidth
                svg += rect(x: x, y: plot.baseline - h, width: barWidth * 0.92, height: h, fill: palette[s % palette.count],
                            title: "\(entry.name) \(category): \(format(value))")
                svg += text(x: x + barWidth * 0.46, y: plot.baseline - h - 3, format(value), size: 9, anchor: "middle")
            }
            svg += text(x: groupX + groupWidth * 0.4, y: plot.baseline + 16, category, size: 12, anchor: "middle")
        }
        svg += legend(series.map(\.name), x: plot.left, y: 14)
        return svg + "</svg>\n"
    }

    /// Horizontal bars for counts by name (for example samples by type), largest first.
    public static func horizontalBars(_ counts: [(name: String, value: Double)], width: Int = 720) -> String {
        let rows = counts.isEmpty ? [("(none)", 0.0)] : counts
        let rowHeight = 22.0
        let height = Int(Double(rows.count) * rowHeight) + 16
        let labelWidth = 200.0
        let top = max(rows.map(\.1).max() ?? 1, 1e-12)
        var svg = "<svg role=\"img\" aria-label=\"bar chart\" width=\"\(width)\" "
            + "height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\">\n"
        for (i, row) in rows.enumerated() {
            let y = 8 + Double(i) * rowHeight
            let w = (Double(width) - labelWidth - 70) * row.1 / top
            svg += text(x: labelWidth - 6, y: y + 15, truncated(row.0, 32), size: 12, anchor: "end")
            svg += rect(x: labelWidth, y: y + 3, width: w, height: rowHeight - 6, fill: palette[0], title: "\(row.0): \(format(row.1))")
            svg += text(x: labelWidth + w + 4, y: y + 15, format(row.1), size: 11, anchor: "start")
        }
        return svg + "</svg>\n"
    }

    /// A histogram of `values` in `bins` equal-width bins (several series overlaid, as fractions when more
    /// than one, so that sets of different sizes compare).
    public static func histogram(_ series: [(name: String, values: [Double])], bins: Int = 20, xLabel: String,
                                 width: Int = 720, height: Int = 280) -> String {
        let all = series.flatMap(\.values)
        guard let low = all.min(), let high = all.max() else { return "<svg width=\"1\" height=\"1\"></svg>\n" }
        let span = max(high - low, 1)
        let binWidth = span / Double(bins)
        let normalise = series.count > 1
        let counts: [[Double]] = series.map { entry in
            var c = [Double](repeating: 0, count: bins)
            for v in entry.values { c[min(Int((v - low) / binWidth), bins - 1)] += 1 }
            return normalise ? c.map { $0 / Double(max(entry.values.count, 1)) } : c
        }
        let highest = counts.flatMap { $0 }.max() ?? 1
        // Counts get a top divisible by the four tick steps, so every tick is a whole number.
        let top = normalise ? niceCeiling(highest) : max(4, (highest / 4).rounded(.up) * 4)
        let plot = Plot(width: width, height: height, left: 48, bottom: 40, top: 28)
        var svg = plot.open(label: "histogram of \(xLabel)") + plot.yAxis(maximum: top)
        let w = plot.innerWidth / Double(bins)
        for (s, entry) in counts.enumerated() {
            for (b, count) in entry.enumerated() where count > 0 {
                let h = plot.innerHeight * count / top
                svg += rect(x: plot.left + Double(b) * w + 1, y: plot.baseline - h, width: w - 2, height: h,
                            fill: palette[s % palette.count], opacity: normalise ? 0.55 : 1,
                            title: "\(series[s].name) [\(format(low + Double(b) * binWidth)), \(format(low + Double(b + 1) * binWidth))): \(format(count))")
            }
        }
        for tick in 0...4 {
            let x = plot.left + plot.innerWidth * Double(tick) / 4
            svg += text(x: x, y: plot.baseline + 14, format(low + span * Double(tick) / 4), size: 10, anchor: "middle")
        }
        svg += text(x: plot.left + plot.innerWidth / 2, y: Double(height) - 6, xLabel, size: 12, anchor: "middle")
        if series.count > 1 { svg += legend(series.map(\.name), x: plot.left, y: 14) }
        return svg + "</svg>\n"
    }

    /// A line chart with points (for example recall against queries per second, one point per ef).
    /// - Parameter points: (x, y, label) in drawing order.
    public static func line(_ points: [(x: Double, y: Double, label: String)], xLabel: String, yLabel: String,
                            width: Int = 720, height: Int = 320) -> String {
        let plot = Plot(width: width, height: height, left: 56, bottom: 44, top: 20)
        guard !points.isEmpty else { return plot.open(label: "empty chart") + "</svg>\n" }
        let xs = points.map(\.x), ys = points.map(\.y)
        let (x0, x1) = (min(xs.min()!, 0), niceCeiling(xs.max()!))
        let (y0, y1) = (max(floor(ys.min()! * 10) / 10 - 0.05, 0), min(ceil(ys.max()! * 20) / 20 + 0.02, 1.0))
        func px(_ x: Double) -> Double { plot.left + plot.innerWidth * (x - x0) / max(x1 - x0, 1e-12) }
        func py(_ y: Double) -> Double { plot.baseline - plot.innerHeight * (y - y0) / max(y1 - y0, 1e-12) }
        var svg = plot.open(label: "\(yLabel) against \(xLabel)")
        for tick in 0...4 {
            let y = y0 + (y1 - y0) * Double(tick) / 4
            svg += "<line x1=\"\(f(plot.left))\" y1=\"\(f(py(y)))\" x2=\"\(f(plot.left + plot.innerWidth))\" y2=\"\(f(py(y)))\" stroke=\"#ddd\"/>\n"
            svg += text(x: plot.left - 6, y: py(y) + 4, format(y), size: 10, anchor: "end")
            let x = x0 + (x1 - x0) * Double(tick) / 4
            svg += text(x: px(x), y: plot.baseline + 14, format(x), size: 10, anchor: "middle")
        }
        let path = points.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
        svg += "<polyline fill=\"none\" stroke=\"\(palette[0])\" stroke-width=\"2\" points=\"\(path)\"/>\n"
        for p in points {
            svg += "<circle cx=\"\(f(px(p.x)))\" cy=\"\(f(py(p.y)))\" r=\"4\" fill=\"\(palette[1])\"><title>\(escape(p.label))</title></circle>\n"
            svg += text(x: px(p.x) + 6, y: py(p.y) - 6, p.label, size: 10, anchor: "start")
        }
        svg += text(x: plot.left + plot.innerWidth / 2, y: Double(height) - 6, xLabel, size: 12, anchor: "middle")
        svg += "<text x=\"14\" y=\"\(f(plot.top + plot.innerHeight / 2))\" font-size=\"12\" text-anchor=\"middle\" "
            + "transform=\"rotate(-90 14 \(f(plot.top + plot.innerHeight / 2)))\">\(escape(yLabel))</text>\n"
        return svg + "</svg>\n"
    }

    // MARK: - Pieces

    /// The plotting area of a chart with axes.
    struct Plot {
        let width: Int, height: Int
        let left: Double, bottom: Double, top: Double
        var innerWidth: Double { Double(width) - left - 12 }
        var innerHeight: Double { Double(height) - bottom - top }
        var baseline: Double { top + innerHeight }

        func open(label: String) -> String {
            "<svg role=\"img\" aria-label=\"\(escape(label))\" width=\"\(width)\" "
                + "height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"sans-serif\">\n"
        }

        func yAxis(maximum: Double) -> String {
            var svg = ""
            for tick in 0...4 {
                let value = maximum * Double(tick) / 4
                let y = baseline - innerHeight * Double(tick) / 4
                svg += "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + innerWidth))\" y2=\"\(f(y))\" stroke=\"#ddd\"/>\n"
                svg += SVGChart.text(x: left - 6, y: y + 4, format(value), size: 10, anchor: "end")
            }
            return svg + "<line x1=\"\(f(left))\" y1=\"\(f(baseline))\" x2=\"\(f(left + innerWidth))\" y2=\"\(f(baseline))\" stroke=\"#333\"/>\n"
        }
    }

    static func rect(x: Double, y: Double, width: Double, height: Double, fill: String, opacity: Double = 1,
                     title: String) -> String {
        "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(max(width, 0)))\" height=\"\(f(max(height, 0)))\" fill=\"\(fill)\""
            + (opacity < 1 ? " fill-opacity=\"\(f(opacity))\"" : "") + "><title>\(escape(title))</title></rect>\n"
    }

    static func text(x: Double, y: Double, _ content: String, size: Int, anchor: String) -> String {
        "<text x=\"\(f(x))\" y=\"\(f(y))\" font-size=\"\(size)\" text-anchor=\"\(anchor)\">\(escape(content))</text>\n"
    }

    static func legend(_ names: [String], x: Double, y: Double) -> String {
        var svg = ""
        var offset = x
        for (i, name) in names.enumerated() {
            svg += "<rect x=\"\(f(offset))\" y=\"\(f(y - 9))\" width=\"10\" height=\"10\" fill=\"\(palette[i % palette.count])\"/>\n"
            svg += text(x: offset + 14, y: y, name, size: 12, anchor: "start")
            offset += 24 + Double(name.count) * 7
        }
        return svg
    }

    /// A round number at or above `value` (1, 2, 2.5, 5 × 10^n), for axis maxima.
    static func niceCeiling(_ value: Double) -> Double {
        guard value > 0 else { return 1 }
        let magnitude = pow(10, floor(log10(value)))
        for step in [1.0, 2.0, 2.5, 5.0, 10.0] where step * magnitude >= value { return step * magnitude }
        return 10 * magnitude
    }

    static func format(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e9 { return String(Int(value)) }
        if abs(value) >= 100 { return String(format: "%.0f", value) }
        return String(format: abs(value) >= 1 ? "%.2f" : "%.3f", value)
    }

    static func f(_ value: Double) -> String { String(format: "%.1f", value) }

    static func truncated(_ text: String, _ length: Int) -> String {
        text.count <= length ? text : String(text.prefix(length - 1)) + "…"
    }

    /// Escapes text for XML and HTML content and attributes.
    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}

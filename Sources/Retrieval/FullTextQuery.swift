import Foundation

/// Turns free text into a safe FTS5 query: every word becomes a quoted term, terms are joined with `OR`, so
/// punctuation, operators (`AND`, `NEAR`, `-`, `*`, `:`) and unbalanced quotes in user input never reach the
/// FTS5 parser as syntax. BM25 then ranks documents that match more, and rarer, terms first.
public enum FullTextQuery {
    /// The FTS5 expression for `text`, or nil when it has no word at all.
    public static func expression(for text: String) -> String? {
        var terms: [String] = []
        var seen: Set<String> = []
        var current = String.UnicodeScalarView()
        func flush() {
            guard !current.isEmpty else { return }
            let term = String(current).lowercased()
            current = String.UnicodeScalarView()
            if seen.insert(term).inserted { terms.append(term) }
        }
        for scalar in text.unicodeScalars {
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil || scalar == "_" {
                current.append(scalar)
            } else {
                flush()
            }
        }
        flush()
        guard !terms.isEmpty else { return nil }
        // Words hold no double quote, but escape anyway: inside an FTS5 string a quote is doubled.
        return terms.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: " OR ")
    }
}

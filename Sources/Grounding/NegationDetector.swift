import TextAnalysis

/// Finds negation cues, so that a claim negated where its support is not (or the reverse) is flagged.
public enum NegationDetector {
    /// The negation cues among the tokens in `tokenRange` of `text` ("not", "never", "n't", "without", ...).
    public static func cues(in text: AnalyzedText, tokenRange: Range<Int>? = nil) -> [String] {
        let range = tokenRange ?? 0..<text.tokens.count
        return range.map { text.tokens[$0].key }.filter { Lexicon.negationCues.contains($0) }
    }

    /// Whether the tokens in `tokenRange` of `text` hold an odd number of negation cues (so the clause is
    /// negated; "not unlike" and "never ... no" cancel out).
    public static func isNegated(_ text: AnalyzedText, tokenRange: Range<Int>? = nil) -> Bool {
        cues(in: text, tokenRange: tokenRange).count % 2 == 1
    }
}

import TextAnalysis

/// Finds an answer as a span of a context after normalisation: case, diacritics, white space, punctuation,
/// unicode quotes and dashes, thousands separators, number words and articles ("the") are ignored, because
/// both sides are compared as sequences of token keys (see ``WordTokenizer``).
public enum SpanMatcher {
    /// Where `answer` occurs in `context`, as ranges of context token indices (articles at the edges of a
    /// match excluded). Empty when it does not occur, or when the answer has no tokens.
    ///
    /// - Complexity: O(*n* · *m*) for *n* context and *m* answer tokens.
    public static func occurrences(of answer: AnalyzedText, in context: AnalyzedText) -> [Range<Int>] {
        let needle = significant(answer)
        guard !needle.isEmpty else { return [] }
        let haystack = significant(context)
        guard haystack.count >= needle.count else { return [] }
        var matches: [Range<Int>] = []
        for start in 0...(haystack.count - needle.count) {
            var matched = true
            for offset in 0..<needle.count where haystack[start + offset].key != needle[offset].key {
                matched = false
                break
            }
            if matched {
                matches.append(haystack[start].index..<(haystack[start + needle.count - 1].index + 1))
            }
        }
        return matches
    }

    /// The longest run of answer tokens that occurs contiguously in the context, as a fraction of the
    /// answer's tokens (1 when the whole answer is a span; 0 when no token occurs).
    ///
    /// - Complexity: O(*n* · *m*) time, O(*m*) memory.
    public static func longestCommonRunFraction(of answer: AnalyzedText, in context: AnalyzedText) -> Double {
        let needle = significant(answer).map(\.key)
        let haystack = significant(context).map(\.key)
        guard !needle.isEmpty, !haystack.isEmpty else { return 0 }
        return Double(WordOverlap.longestCommonRun(haystack, needle)) / Double(needle.count)
    }

    /// Tokens that take part in matching: everything but articles, with their index in the text.
    private static func significant(_ text: AnalyzedText) -> [(key: String, index: Int)] {
        text.tokens.enumerated().compactMap { index, token in
            Lexicon.articles.contains(token.key) && token.kind == .word ? nil : (token.key, index)
        }
    }
}

/// Finds negation cues and antonym clashes between a claim and the context sentence it is aligned to.
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

    /// Words of the claim whose antonym, but not the word itself, appears in the support range: pairs
    /// (claim word, support word), as written in lower case.
    public static func antonymClashes(claim: AnalyzedText, claimRange: Range<Int>? = nil, support: AnalyzedText,
                                      supportRange: Range<Int>) -> [(String, String)] {
        let claimKeys = Set((claimRange ?? 0..<claim.tokens.count).map { claim.tokens[$0].key })
        let supportKeys = Set(supportRange.map { support.tokens[$0].key })
        var clashes: [(String, String)] = []
        for word in claimKeys.sorted() where !supportKeys.contains(word) {
            guard let opposites = Lexicon.antonyms[word] else { continue }
            for opposite in opposites.sorted() where supportKeys.contains(opposite) && !claimKeys.contains(opposite) {
                clashes.append((word, opposite))
            }
        }
        return clashes
    }
}

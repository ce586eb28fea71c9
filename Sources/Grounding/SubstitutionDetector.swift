/// Finds numbers and names swapped in a near-verbatim claim: where a claim copies most of its aligned
/// sentence but puts a different number or name in place of the sentence's ("Ward stripped the ball" against
/// "Miller stripped the ball"). The swapped-in fact may occur elsewhere in the sentence, so a presence check
/// alone would miss it.
///
/// Claim and sentence are aligned word by word with a longest common subsequence of token keys; every gap
/// between aligned words where the claim has a number or name and the sentence has a different one is a
/// substitution.
public enum SubstitutionDetector {
    /// A replaced stretch: the claim's words and the sentence's words in the same place.
    public struct Substitution: Sendable, Equatable {
        /// The claim's words, as written.
        public var claim: String
        /// The sentence's words, as written.
        public var support: String
    }

    /// The substitutions of a claim against a support range.
    ///
    /// - Parameters:
    ///   - minimumOverlap: the fraction of the claim's tokens that must align for it to count as near-verbatim;
    ///     below it, the claim is a paraphrase and nothing is reported.
    /// - Complexity: O(*n* · *m*) for *n* claim and *m* support tokens.
    public static func substitutions(claim: AnalyzedText, claimRange: Range<Int>, support: AnalyzedText,
                                     supportRange: Range<Int>, minimumOverlap: Double = 0.6) -> [Substitution] {
        let a = claimRange.map { claim.tokens[$0].key }
        let b = supportRange.map { support.tokens[$0].key }
        guard !a.isEmpty, !b.isEmpty else { return [] }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        guard Double(table[0][0]) >= minimumOverlap * Double(a.count) else { return [] }
        var anchors: [(Int, Int)] = []
        var i = 0, j = 0
        while i < a.count, j < b.count {
            if a[i] == b[j] {
                anchors.append((i, j))
                i += 1
                j += 1
            } else if table[i + 1][j] >= table[i][j + 1] {
                i += 1
            } else {
                j += 1
            }
        }
        var result: [Substitution] = []
        var previous = (-1, -1)
        for anchor in anchors + [(a.count, b.count)] {
            let claimGap = (previous.0 + 1)..<anchor.0
            var supportGap = (previous.1 + 1)..<anchor.1
            // At the edges the sentence may run on beyond the claim: compare only the stretch next to the anchor.
            if previous.0 == -1 { supportGap = max(supportGap.lowerBound, anchor.1 - claimGap.count - 1)..<anchor.1 }
            if anchor.0 == a.count {
                supportGap = supportGap.lowerBound..<min(supportGap.upperBound, supportGap.lowerBound + claimGap.count + 1)
            }
            previous = anchor
            guard !claimGap.isEmpty, !supportGap.isEmpty else { continue }
            let claimIndices = claimGap.map { claimRange.lowerBound + $0 }
            let supportIndices = supportGap.map { supportRange.lowerBound + $0 }
            if claimIndices.contains(where: { isFactToken(claim.tokens[$0]) })
                && supportIndices.contains(where: { isFactToken(support.tokens[$0]) }) {
                result.append(Substitution(claim: text(claim, claimIndices), support: text(support, supportIndices)))
            }
        }
        return result
    }

    /// A number or a capitalised word that is not a function word.
    static func isFactToken(_ token: WordToken) -> Bool {
        if token.isNumber { return !(token.isSpelledOut && token.key == "1") }
        return token.kind == .word && token.isCapitalized && !Lexicon.stopwords.contains(token.key)
    }

    private static func text(_ analysed: AnalyzedText, _ indices: [Int]) -> String {
        guard let first = indices.first, let last = indices.last else { return "" }
        return analysed.substring(analysed.tokens[first].range.lowerBound..<analysed.tokens[last].range.upperBound)
    }
}

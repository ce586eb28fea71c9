/// One claim of an answer aligned to its best context sentence, with what does and does not match there.
///
/// The best sentence is the one covering most of the claim's content terms (half credit for a term in a
/// neighbouring sentence). A claim that is a span of the context is aligned to the sentence holding the span.
/// A claim negated where its support is not (or the reverse) is penalised. Embedding similarity, antonym
/// parity, swapped names in near-verbatim claims and a penalty for facts found only next door were rules here
/// once; none moved balanced accuracy by a point on any development set's test split, so they went
/// (`Benchmarks/grounding/README.md`, "Ablation").
public struct ClaimAlignment: Sendable {
    /// The claim's text.
    public let text: String
    /// The claim's token range in the answer.
    public let tokenRange: Range<Int>
    /// Index of the aligned context sentence.
    public let sentence: Int
    /// Context token range of the claim when it is a span of the context, else `nil`.
    public let span: Range<Int>?
    /// Fraction of the claim's content terms found in the aligned sentence (neighbours count half).
    public let coverage: Double
    /// The claim's numbers, dates, units and names.
    public let facts: [Fact]
    /// Facts found neither in the aligned sentence nor in its neighbours.
    public let missingFacts: [Fact]
    /// Whether the claim is negated where its support is not, or the reverse.
    public let hasNegationMismatch: Bool
    /// The claim's support in [0, 1] after penalties.
    public let score: Double

    init(claim: AnalyzedText, tokenRange: Range<Int>, text: String, context: AnalyzedText, isFragment: Bool, configuration: SupportChecker.Configuration, background: AnalyzedText? = nil) {
        self.text = text
        self.tokenRange = tokenRange
        let terms = claim.contentStems(in: tokenRange)
        let sentenceStems = context.sentences.map { context.contentStems(in: $0.tokenRange) }
        func coverage(at sentence: Int) -> Double {
            guard !terms.isEmpty else { return 0.5 }
            var credit = 0.0
            for term in terms {
                if sentenceStems[sentence].contains(term) {
                    credit += 1
                } else if (sentence > 0 && sentenceStems[sentence - 1].contains(term))
                            || (sentence + 1 < sentenceStems.count && sentenceStems[sentence + 1].contains(term)) {
                    credit += 0.5
                }
            }
            return credit / Double(terms.count)
        }
        let claimText = AnalyzedText(text)
        let spans = SpanMatcher.occurrences(of: claimText, in: context)
        let best: Int
        if let first = spans.first {
            let candidates = spans.map { context.sentenceOfToken[$0.lowerBound] }
            best = candidates.max { coverage(at: $0) < coverage(at: $1) } ?? context.sentenceOfToken[first.lowerBound]
            self.span = spans.first { context.sentenceOfToken[$0.lowerBound] == best }
        } else {
            best = context.sentences.indices.max { coverage(at: $0) < coverage(at: $1) } ?? 0
            self.span = nil
        }
        self.sentence = best
        self.coverage = span == nil ? coverage(at: best) : 1

        let facts = FactExtractor.facts(in: claim, tokenRange: tokenRange, isFragment: isFragment)
        self.facts = facts
        let windowRange = context.sentences[max(best - 1, 0)].tokenRange.lowerBound
            ..< context.sentences[min(best + 1, context.sentences.count - 1)].tokenRange.upperBound
        var missing: [Fact] = []
        if span == nil {
            for fact in facts where !FactExtractor.isPresent(fact, in: context, tokenRange: windowRange) {
                let known = background.map { FactExtractor.isPresent(fact, in: $0, tokenRange: 0..<$0.tokens.count) }
                if known != true { missing.append(fact) }
            }
        }
        self.missingFacts = missing
        // Negation matters only for a claim that says something (two or more content terms) and is not copied
        // verbatim from the context.
        self.hasNegationMismatch = span == nil && terms.count >= 2
            && NegationDetector.isNegated(claim, tokenRange: tokenRange)
                != NegationDetector.isNegated(context, tokenRange: Self.supportRegion(of: terms, in: context, sentence: best))
        var score = span != nil ? 1 : self.coverage
        if !missing.isEmpty { score *= configuration.missingFactPenalty }
        if hasNegationMismatch { score *= configuration.negationPenalty }
        self.score = score
    }

    /// A one-line description of what is wrong with the claim, or `nil` when nothing is.
    /// The tokens of `sentence` from three before the first to the last one carrying a claim term: the part
    /// of the sentence that states the claim, where a negation would apply to it.
    static func supportRegion(of terms: Set<String>, in context: AnalyzedText, sentence: Int) -> Range<Int> {
        let range = context.sentences[sentence].tokenRange
        let hits = range.filter { context.stems[$0].map(terms.contains) ?? false }
        guard let first = hits.first, let last = hits.last else { return range }
        return max(first - 3, range.lowerBound)..<(last + 1)
    }

    var problem: String? {
        var problems: [String] = []
        if !missingFacts.isEmpty {
            problems.append(missingFacts.map(\.description).joined(separator: ", ") + " not in the context")
        }
        if hasNegationMismatch { problems.append("negation differs from the aligned sentence") }
        return problems.isEmpty ? nil : problems.joined(separator: "; ")
    }
}

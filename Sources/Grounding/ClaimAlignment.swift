/// One claim of an answer aligned to its best context sentence, with what does and does not match there.
///
/// The best sentence maximises `lexicalWeight · coverage + (1 − lexicalWeight) · similarity`, where coverage
/// is the fraction of the claim's content terms found in the sentence (half credit for a neighbouring
/// sentence) and similarity the embeddings' cosine rescaled to [0, 1]. A claim that is a span of the context
/// is aligned to the sentence holding the span.
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
    /// Cosine similarity of the claim's and the aligned sentence's embeddings.
    public let similarity: Double
    /// The claim's numbers, dates, units and names.
    public let facts: [Fact]
    /// Facts found neither in the aligned sentence nor in its neighbours.
    public let missingFacts: [Fact]
    /// Facts found only in a neighbouring sentence.
    public let nearbyFacts: [Fact]
    /// Numbers or names the claim puts where its aligned sentence has others (near-verbatim claims only).
    public let substitutions: [SubstitutionDetector.Substitution]
    /// Whether the claim is negated where its support is not, or the reverse.
    public let hasNegationMismatch: Bool
    /// (claim word, support word) antonym clashes.
    public let antonymClashes: [(String, String)]
    /// The claim's support in [0, 1] after penalties.
    public let score: Double

    init(claim: AnalyzedText, tokenRange: Range<Int>, text: String, context: AnalyzedText, similarities: [Double],
         isFragment: Bool, configuration: SupportChecker.Configuration, background: AnalyzedText? = nil) {
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
        func rescaled(_ cosine: Double) -> Double {
            min(max((cosine - configuration.similarityFloor) / (1 - configuration.similarityFloor), 0), 1)
        }
        func alignment(at sentence: Int) -> Double {
            configuration.lexicalWeight * coverage(at: sentence)
                + (1 - configuration.lexicalWeight) * rescaled(similarities.indices.contains(sentence) ? similarities[sentence] : 0)
        }

        let claimText = AnalyzedText(text)
        let spans = SpanMatcher.occurrences(of: claimText, in: context)
        let best: Int
        if let first = spans.first {
            let candidates = spans.map { context.sentenceOfToken[$0.lowerBound] }
            best = candidates.max { alignment(at: $0) < alignment(at: $1) } ?? context.sentenceOfToken[first.lowerBound]
            self.span = spans.first { context.sentenceOfToken[$0.lowerBound] == best }
        } else {
            best = context.sentences.indices.max { alignment(at: $0) < alignment(at: $1) } ?? 0
            self.span = nil
        }
        self.sentence = best
        self.coverage = span == nil ? coverage(at: best) : 1
        self.similarity = similarities.indices.contains(best) ? similarities[best] : 0

        let facts = FactExtractor.facts(in: claim, tokenRange: tokenRange, isFragment: isFragment)
        self.facts = facts
        let sentenceRange = context.sentences[best].tokenRange
        let windowRange = context.sentences[max(best - 1, 0)].tokenRange.lowerBound
            ..< context.sentences[min(best + 1, context.sentences.count - 1)].tokenRange.upperBound
        var missing: [Fact] = []
        var nearby: [Fact] = []
        if span == nil {
            let known = facts.filter { fact in
                background.map { FactExtractor.isPresent(fact, in: $0, tokenRange: 0..<$0.tokens.count) } ?? false
            }
            for fact in facts where !known.contains(fact)
                && !FactExtractor.isPresent(fact, in: context, tokenRange: sentenceRange) {
                if FactExtractor.isPresent(fact, in: context, tokenRange: windowRange) {
                    nearby.append(fact)
                } else {
                    missing.append(fact)
                }
            }
        }
        self.missingFacts = missing
        self.nearbyFacts = nearby
        self.substitutions = span == nil
            ? SubstitutionDetector.substitutions(claim: claim, claimRange: tokenRange, support: context,
                                                 supportRange: sentenceRange,
                                                 minimumOverlap: configuration.verbatimOverlap)
            : []

        // Negation and antonyms matter only for a claim that says something (two or more content terms) and
        // is not copied verbatim from the context.
        var negationMismatch = false
        var clashes: [(String, String)] = []
        if span == nil, terms.count >= 2 {
            let region = Self.supportRegion(of: terms, in: context, sentence: best)
            negationMismatch = NegationDetector.isNegated(claim, tokenRange: tokenRange)
                != NegationDetector.isNegated(context, tokenRange: region)
            clashes = NegationDetector.antonymClashes(claim: claim, claimRange: tokenRange, support: context,
                                                      supportRange: region)
        }
        self.hasNegationMismatch = negationMismatch
        self.antonymClashes = clashes

        var score = span != nil ? 1 : configuration.lexicalWeight * self.coverage
            + (1 - configuration.lexicalWeight) * rescaled(similarity)
        if !missing.isEmpty || !substitutions.isEmpty { score *= configuration.missingFactPenalty }
        if !nearby.isEmpty { score *= configuration.nearbyFactPenalty }
        if negationMismatch { score *= configuration.negationPenalty }
        if !clashes.isEmpty { score *= configuration.antonymPenalty }
        self.score = score
    }

    /// The tokens of `sentence` from three before the first to the last one carrying a claim term: the part
    /// of the sentence that states the claim, where a negation would apply to it.
    static func supportRegion(of terms: Set<String>, in context: AnalyzedText, sentence: Int) -> Range<Int> {
        let range = context.sentences[sentence].tokenRange
        let hits = range.filter { context.stems[$0].map(terms.contains) ?? false }
        guard let first = hits.first, let last = hits.last else { return range }
        return max(first - 3, range.lowerBound)..<(last + 1)
    }

    /// A one-line description of what is wrong with the claim, or `nil` when nothing is.
    var problem: String? {
        var problems: [String] = []
        if !missingFacts.isEmpty {
            problems.append(missingFacts.map(\.description).joined(separator: ", ") + " not in the context")
        }
        if !nearbyFacts.isEmpty {
            problems.append(nearbyFacts.map(\.description).joined(separator: ", ")
                            + " only in a sentence next to the aligned one")
        }
        for substitution in substitutions {
            problems.append("\"\(substitution.claim)\" where the context says \"\(substitution.support)\"")
        }
        if hasNegationMismatch { problems.append("negation differs from the aligned sentence") }
        for (word, opposite) in antonymClashes {
            problems.append("\"\(word)\" where the context says \"\(opposite)\"")
        }
        return problems.isEmpty ? nil : problems.joined(separator: "; ")
    }
}

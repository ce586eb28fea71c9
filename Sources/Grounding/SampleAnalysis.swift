/// Everything the checks read about one (question, answer, context) sample, computed once: the analysed
/// texts, the answer's claims and their alignment to context sentences, the answer's span occurrences, and
/// the embeddings used.
public struct SampleAnalysis: Sendable {
    /// The analysed question.
    public let question: AnalyzedText
    /// The analysed answer.
    public let answer: AnalyzedText
    /// The context passages joined by blank lines (a sentence never spans two passages).
    public let context: AnalyzedText
    /// Unicode-scalar offset of each passage in ``context``.
    public let passageStarts: [Int]
    /// Whether the answer is a short fragment ("Denver Broncos") rather than prose.
    public let isFragment: Bool
    /// Where the whole answer occurs as a span of the context (context token ranges).
    public let spanOccurrences: [Range<Int>]
    /// The answer's claims (its sentences) aligned to the context.
    public let claims: [ClaimAlignment]
    /// Cosine similarity of the question with each context sentence.
    public let questionSimilarities: [Double]
    /// Caller-supplied id of the chunk the sample was generated from, for the round-trip check.
    public let sourceChunkID: String?

    /// The separator put between passages in ``context``.
    static let passageSeparator = "\n\n"

    init(sample: GroundingSample, cache: AnalysisCache, configuration: SupportChecker.Configuration) throws {
        let joined = sample.passages.joined(separator: Self.passageSeparator)
        var starts: [Int] = []
        var offset = 0
        for passage in sample.passages {
            starts.append(offset)
            offset += passage.unicodeScalars.count + Self.passageSeparator.unicodeScalars.count
        }
        let question = cache.analysis(of: sample.question)
        let answer = cache.analysis(of: sample.answer)
        let context = cache.analysis(of: joined)
        self.question = question
        self.answer = answer
        self.context = context
        self.passageStarts = starts
        self.sourceChunkID = sample.sourceChunkID
        self.isFragment = answer.isFragment(maximumWords: configuration.fragmentWordLimit)
        self.spanOccurrences = SpanMatcher.occurrences(of: answer, in: context)

        let sentenceVectors = try (0..<context.sentences.count).map { try cache.vector(of: context.sentenceText($0)) }
        let questionVector = try cache.vector(of: sample.question)
        self.questionSimilarities = sentenceVectors.map { AnalysisCache.cosine(questionVector, $0) }
        let background = sample.background.map { cache.analysis(of: $0) }
        var claims: [ClaimAlignment] = []
        for (index, claimText) in Self.claimTexts(of: answer, isFragment: isFragment).enumerated() {
            let tokenRange = isFragment ? 0..<answer.tokens.count : answer.sentences[index].tokenRange
            claims.append(ClaimAlignment(claim: answer, tokenRange: tokenRange, text: claimText, context: context,
                                         isFragment: isFragment, configuration: configuration, background: background))
        }
        self.claims = claims
    }

    /// The texts a sample needs embedded: the question and the context's sentences (for question fit).
    static func textsToEmbed(for sample: GroundingSample, cache: AnalysisCache) -> [String] {
        let context = cache.analysis(of: sample.passages.joined(separator: passageSeparator))
        return [sample.question] + (0..<context.sentences.count).map { context.sentenceText($0) }
    }

    /// A fragment is one claim; prose has one claim a sentence.
    static func claimTexts(of answer: AnalyzedText, isFragment: Bool) -> [String] {
        if isFragment || answer.sentences.count <= 1 { return [answer.text] }
        return (0..<answer.sentences.count).map { answer.sentenceText($0) }
    }

    /// The passage and in-passage offsets of a context token range.
    func supportingSpan(ofTokens tokenRange: Range<Int>) -> PassageSpan? {
        guard !tokenRange.isEmpty else { return nil }
        let lower = context.tokens[tokenRange.lowerBound].range.lowerBound
        let upper = context.tokens[tokenRange.upperBound - 1].range.upperBound
        return supportingSpan(ofScalars: lower..<upper)
    }

    /// The passage and in-passage offsets of a context scalar range.
    func supportingSpan(ofScalars range: Range<Int>) -> PassageSpan? {
        guard let passage = passageStarts.lastIndex(where: { $0 <= range.lowerBound }) else { return nil }
        let start = passageStarts[passage]
        return PassageSpan(passage: passage, start: range.lowerBound - start, end: range.upperBound - start)
    }

    /// The sentence holding context token `index`.
    func sentence(ofToken index: Int) -> Int {
        context.sentenceOfToken[index]
    }
}

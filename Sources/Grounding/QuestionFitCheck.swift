import Foundation

/// Question–context fit: the question must be answerable from the context where the answer is, not merely
/// the answer present somewhere in it.
///
/// The answer's location is its span (or, for a free-form answer, its claims' aligned sentences). There the
/// check measures
/// - lexical fit: the question's content terms near the location, each weighted by how distinctive it is in
///   the context (`1 / (1 + ln(1 + sentences holding it))`) and credited by distance *d* in tokens:
///   `exp(−max(d − 1, 0) / distanceDecay)` in the same sentence, at least ``SupportChecker/Configuration/sameSentenceFloor``;
///   ``SupportChecker/Configuration/neighbourSentenceCredit`` in a neighbouring sentence;
/// - competitive fit: the answer's lexical fit against the best rival location: for a fragment answer, every
///   other candidate of the same type in the context (numbers for a number, capitalised names for a name,
///   every third token otherwise); for prose, every other sentence. An answer that is the best
///   candidate scores 1; one with a rival twice as close to the question's terms, 0.5;
/// - semantic fit: how close the location's sentence comes to the sentence most similar to the question
///   (embedding cosine);
/// - answer type (``AnswerType``): "how many" needs a number, "when" a time, "who" and "where" more than a
///   bare number, and a bare date needs a question about time.
/// The score is a weighted mean of the three fits at the best location, times a penalty for a type mismatch.
/// (A penalty for a fragment that only echoes the question went after an ablation: `Benchmarks/grounding/README.md`.)
public struct QuestionFitCheck: GroundingCheck {
    public let name = "question_fit"
    /// The checker's configuration (weights, distances, pass score).
    public let configuration: SupportChecker.Configuration

    /// Creates the check.
    public init(configuration: SupportChecker.Configuration) {
        self.configuration = configuration
    }

    public func evaluate(_ sample: SampleAnalysis) -> CheckResult {
        let context = sample.context
        guard !context.tokens.isEmpty else {
            return CheckResult(name: name, passed: false, score: 0, reason: "the context is empty")
        }
        let terms = QuestionTerms(question: sample.question, context: context)

        let isSpan = !sample.spanOccurrences.isEmpty
        var locations: [Range<Int>] = sample.spanOccurrences
        if !isSpan {
            locations = sample.claims.map { $0.span ?? context.sentences[$0.sentence].tokenRange }
        }
        guard !locations.isEmpty else {
            return CheckResult(name: name, passed: false, score: 0, reason: "the answer is not located in the context")
        }
        let rivals = isSpan && sample.isFragment
            ? AnswerCandidates.rivals(of: sample.answer, in: context, excluding: locations)
            : context.sentences.map(\.tokenRange).filter { sentence in !locations.contains { sentence.overlaps($0) } }
        let bestRival = rivals.map { lexicalFit(at: $0, terms: terms, context: context) }.max() ?? 0
        let bestSimilarity = sample.questionSimilarities.max() ?? 0

        var best: (score: Double, lexical: Double, competitive: Double, semantic: Double, sentence: Int) = (-1, 0, 0, 0, 0)
        for location in locations where context.sentenceOfToken.indices.contains(location.lowerBound) {
            let sentence = context.sentenceOfToken[location.lowerBound]
            let lexical = lexicalFit(at: location, terms: terms, context: context)
            let competitive = max(lexical, bestRival) > 0 ? lexical / max(lexical, bestRival) : configuration.neutralFit
            let similarity = sample.questionSimilarities.indices.contains(sentence)
                ? sample.questionSimilarities[sentence] : 0
            let semantic = min(max(1 - (bestSimilarity - similarity) / configuration.similarityGapScale, 0), 1)
            let score = configuration.competitiveFitWeight * competitive + configuration.absoluteFitWeight * lexical
                + (1 - configuration.competitiveFitWeight - configuration.absoluteFitWeight) * semantic
            if score > best.score { best = (score, lexical, competitive, semantic, sentence) }
        }

        let expected = AnswerType(question: sample.question)
        // A bare date answers only a question about time or a number ("What is the NASUWT?" "2005").
        let unaskedDate = sample.isFragment && AnswerType.isDate(sample.answer) && !AnswerType.acceptsDate(sample.question)
        let typeMismatch = !expected.admits(sample.answer) || unaskedDate
        var score = best.score
        if typeMismatch { score *= configuration.typeMismatchPenalty }
        let passed = score >= configuration.fitPassScore
        var reason: String
        if unaskedDate {
            reason = "the answer is a date but the question does not ask about a time"
        } else if typeMismatch {
            reason = "the question asks for \(expected.description) but the answer is not one"
        } else if passed {
            reason = "question terms fit the answer's location (sentence \(best.sentence + 1))"
        } else if best.competitive < 0.6 {
            reason = "the question's terms are closer to another part of the context than to the answer (sentence \(best.sentence + 1))"
        } else {
            reason = "the answer's sentence (\(best.sentence + 1)) is not about what the question asks"
        }
        reason += String(format: "; lexical %.2f, competitive %.2f, semantic %.2f", best.lexical, best.competitive,
                         best.semantic)
        return CheckResult(name: name, passed: passed, score: score, reason: reason, features: [
            "lexical": best.lexical, "competitive": best.competitive, "semantic": best.semantic,
            "best_rival": bestRival, "type_mismatch": typeMismatch ? 1 : 0, "terms": Double(terms.stems.count),
            "locations": Double(locations.count), "similarity": sample.questionSimilarities.indices.contains(best.sentence)
                ? sample.questionSimilarities[best.sentence] : 0,
        ])
    }

    /// Weighted, distance-credited fraction of the question's terms near a location (see the type's notes).
    func lexicalFit(at location: Range<Int>, terms: QuestionTerms, context: AnalyzedText) -> Double {
        guard terms.totalWeight > 0 else { return configuration.neutralFit }
        // An empty trailing range (a sentence with no tokens) sits past the last token.
        guard context.sentenceOfToken.indices.contains(location.lowerBound) else { return 0 }
        let sentence = context.sentenceOfToken[location.lowerBound]
        var credit = 0.0
        for (stem, weight) in zip(terms.stems, terms.weights) {
            var termCredit = 0.0
            for position in terms.positions[stem] ?? [] {
                let other = context.sentenceOfToken[position]
                if other == sentence {
                    let distance = position < location.lowerBound ? location.lowerBound - position
                        : (position >= location.upperBound ? position - location.upperBound + 1 : 0)
                    let decayed = exp(-Double(max(distance - 1, 0)) / configuration.distanceDecay)
                    termCredit = max(termCredit, max(decayed, configuration.sameSentenceFloor))
                } else if abs(other - sentence) == 1 {
                    termCredit = max(termCredit, configuration.neighbourSentenceCredit)
                }
                if termCredit >= 1 { break }
            }
            credit += weight * termCredit
        }
        return credit / terms.totalWeight
    }
}

/// The content terms of a question with their weights in a context and their positions there.
struct QuestionTerms {
    /// Distinct content-term stems of the question, sorted.
    let stems: [String]
    /// Each stem's weight: `1 / (1 + ln(1 + number of context sentences holding it))`.
    let weights: [Double]
    /// Sum of the weights.
    let totalWeight: Double
    /// Context token indices of each stem.
    let positions: [String: [Int]]

    init(question: AnalyzedText, context: AnalyzedText) {
        let stems = question.allContentStems.sorted()
        let sentenceStems = context.sentences.map { context.contentStems(in: $0.tokenRange) }
        let weights = stems.map { stem in 1 / (1 + log(1 + Double(sentenceStems.filter { $0.contains(stem) }.count))) }
        let wanted = Set(stems)
        var positions: [String: [Int]] = [:]
        for (index, stem) in context.stems.enumerated() {
            if let stem, wanted.contains(stem) { positions[stem, default: []].append(index) }
        }
        self.stems = stems
        self.weights = weights
        self.totalWeight = weights.reduce(0, +)
        self.positions = positions
    }
}

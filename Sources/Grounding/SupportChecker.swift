import Embeddings

/// Decides whether an answer is supported by its context: runs the checks (span, claim alignment, question
/// fit, and round-trip retrieval when a retriever is given), combines their scores, and asks the optional
/// judge about scores in the uncertain band.
///
/// The combined score is the weakest of the support score (the claim check's score, capped by the span
/// check's when the answer must be a span), the question-fit score and, when checked, the round-trip score:
/// each is a necessary condition, so a strong one cannot make up for a failed one. An answer is supported
/// when the combined score reaches ``Configuration/threshold``.
///
/// - Important: `Sendable`; one checker may serve many tasks at once. It caches the analysis and the
///   embeddings of every text it sees (contexts repeat across samples), so use one checker per dataset.
public final class SupportChecker: Sendable {
    /// The decision threshold fixed on the tune split of the development set (see ``Configuration``).
    public static let defaultThreshold = 0.51

    /// The checker's parameters.
    public let configuration: Configuration
    /// The round-trip retrieval seam, if wired.
    public let retriever: (any PassageRetriever)?
    /// The optional judge for the uncertain band.
    public let judge: (any SupportJudge)?
    private let cache: AnalysisCache

    /// Creates a checker.
    ///
    /// - Parameters:
    ///   - embedder: embeds claims, questions and context sentences (MiniLM in production; any embedder works).
    ///   - configuration: thresholds and weights.
    ///   - retriever: enables the round-trip check.
    ///   - judge: decides samples whose score falls in ``Configuration/effectiveJudgeBand``.
    /// - Throws: ``GroundingError/invalidConfiguration(name:reason:)``.
    public init(embedder: any Embedder, configuration: Configuration = Configuration(),
                retriever: (any PassageRetriever)? = nil, judge: (any SupportJudge)? = nil) throws {
        try configuration.validate()
        self.configuration = configuration
        self.retriever = retriever
        self.judge = judge
        self.cache = AnalysisCache(embedder: embedder)
    }

    /// The verdict on one sample.
    ///
    /// - Throws: the embedder's and the retriever's errors. A judge's error is not thrown: the checks' decision
    ///   stands and a failed `judge` check records it.
    public func verdict(for sample: GroundingSample) async throws -> Verdict {
        try await verdicts(for: [sample])[0]
    }

    /// The verdict on an answer to a question over context passages.
    public func verdict(question: String, answer: String, context: [String]) async throws -> Verdict {
        try await verdict(for: GroundingSample(question: question, answer: answer, passages: context))
    }

    /// The verdicts on many samples, in order; all texts are embedded first in large batches.
    ///
    /// - Parameter progress: called after each sample with the number done.
    public func verdicts(for samples: [GroundingSample],
                         progress: (@Sendable (Int) -> Void)? = nil) async throws -> [Verdict] {
        var texts: [String] = []
        for sample in samples {
            texts += SampleAnalysis.textsToEmbed(for: sample, cache: cache, configuration: configuration)
        }
        try cache.prepareVectors(for: texts)
        var verdicts: [Verdict] = []
        verdicts.reserveCapacity(samples.count)
        for (index, sample) in samples.enumerated() {
            let analysis = try SampleAnalysis(sample: sample, cache: cache, configuration: configuration)
            verdicts.append(try await verdict(for: analysis, sample: sample))
            progress?(index + 1)
        }
        return verdicts
    }

    /// Runs the checks on an analysed sample and combines them.
    private func verdict(for analysis: SampleAnalysis, sample: GroundingSample) async throws -> Verdict {
        let spanCheck = SpanCheck(configuration: configuration)
        let span = spanCheck.evaluate(analysis)
        let claims = ClaimCheck(configuration: configuration).evaluate(analysis)
        let fit = QuestionFitCheck(configuration: configuration).evaluate(analysis)
        var checks = [span, claims, fit]
        var support = claims.score
        if spanCheck.requiresSpan(analysis) { support = min(support, span.score) }
        var factors = [support, fit.score]
        if let retriever, sample.sourceChunkID != nil {
            let roundTrip = try await RoundTripCheck(retriever: retriever, configuration: configuration)
                .evaluate(analysis)
            checks.append(roundTrip)
            factors.append(roundTrip.score)
        }
        let score = factors.min() ?? 0
        var isSupported = score >= configuration.threshold
        var decider = Verdict.Decider.checks
        if let judge, configuration.effectiveJudgeBand.contains(score) {
            do {
                let judged = try await judge.judge(question: sample.question, answer: sample.answer,
                                                   context: sample.passages)
                checks.append(CheckResult(name: "judge", passed: judged, score: judged ? 1 : 0,
                                          reason: judged ? "the judge found the answer supported"
                                              : "the judge found the answer unsupported"))
                isSupported = judged
                decider = .judge
            } catch {
                checks.append(CheckResult(name: "judge", passed: isSupported, score: score,
                                          reason: "judge failed (\(error)); the checks decide"))
            }
        }
        var spans = analysis.spanOccurrences.compactMap { analysis.supportingSpan(ofTokens: $0) }
        if spans.isEmpty {
            spans = analysis.claims.compactMap { claim in
                claim.span.flatMap { analysis.supportingSpan(ofTokens: $0) }
                    ?? analysis.supportingSpan(ofScalars: analysis.context.sentences[claim.sentence].range)
            }
        }
        return Verdict(isSupported: isSupported, score: score, threshold: configuration.threshold,
                       decidedBy: decider, checks: checks, supportingSpans: Array(Set(spans)).sorted {
                           ($0.passage, $0.start) < ($1.passage, $1.start)
                       })
    }
}

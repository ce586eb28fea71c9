import Embeddings

/// Decides whether an answer is supported by its context: the grounding stage that `rag generate`, `rag filter`
/// and `rag eval grounding` share. It checks the sample's form (``QuestionForm``; a failure rejects it before
/// any model call), runs the word-level checks (span, claim alignment, question fit, and round-trip retrieval
/// when a retriever is given), combines their scores, and, when a verifier model is given, asks it about every
/// sample that passes the cheap gate.
///
/// The combined word-level score is the weakest of the support score (the claim check's score, capped by the
/// span check's when the answer must be a span), the question-fit score and, when checked, the round-trip
/// score: each is a necessary condition, so a strong one cannot make up for a failed one.
/// - Without a verifier, an answer is supported when that score reaches ``Configuration/threshold``.
/// - With one, a sample scoring below ``Configuration/verifierGate`` is rejected without a model call; the
///   others are supported when the verifier's P(Yes) reaches ``Configuration/verifierThreshold``, and that
///   probability is the verdict's score. A verifier that fails rejects the sample.
/// - With one that also answers (``QuestionAnswerer``) and round-trip answering on, the reader answers first:
///   an answer that disagrees with the sample's rejects it; one that agrees from a reader whose probability
///   of answering at all reaches ``Configuration/confidentReaderProbability`` keeps it without the P(Yes)
///   call when the compared answer is a fragment (at most ``Configuration/fragmentWordLimit`` words); the
///   others are decided by P(Yes). A longer answer agrees only when at least half of the reader's phrase lies
///   inside it (``Configuration/longAnswerAgreementThreshold``).
///
/// - Important: `Sendable`; one checker may serve many tasks at once. It caches the analysis and the
///   embeddings of every text it sees (contexts repeat across samples), so use one checker per dataset.
public final class SupportChecker: Sendable {
    /// The decision threshold fixed on the tune split of the development set (see ``Configuration``).
    public static let defaultThreshold = 0.51
    /// The verifier's P(Yes) threshold (see ``Configuration/verifierThreshold``), with the gate fitted on the
    /// tune split of `Benchmarks/grounding/squad2_dev.jsonl` for Qwen2.5-Coder-1.5B at precision >= 0.80
    /// (`Benchmarks/grounding/fit_verifier.py`; 200 lines, see the README there).
    public static let defaultVerifierThreshold = 0.56
    /// The word-level gate before a verifier call (see ``Configuration/verifierGate``).
    public static let defaultVerifierGate = 0.1
    /// The least agreement of the reader's own answer with the sample's (see
    /// ``Configuration/answerAgreementThreshold``).
    public static let defaultAnswerAgreementThreshold = 0.3
    /// The least agreement for a long answer (see ``Configuration/longAnswerAgreementThreshold``), fitted on the
    /// tune half of `Benchmarks/grounding/sentence_probe.py`'s run (XQuAD questions against the sentence that
    /// answers them or another sentence of their paragraph; see the README there): every value in (0.38, 0.5]
    /// makes the same tune decisions, and higher ones cost recall on `squad2_dev`'s long answer spans.
    public static let defaultLongAnswerAgreementThreshold = 0.5
    /// The reader's probability of answering at or above which an agreeing answer is kept without the P(Yes)
    /// call (see ``Configuration/confidentReaderProbability``; fitted with `fit_verifier.py --cascade` on the
    /// same 200 lines).
    public static let defaultConfidentReaderProbability = 0.995

    /// The checker's parameters.
    public let configuration: Configuration
    /// The round-trip retrieval seam, if wired.
    public let retriever: (any PassageRetriever)?
    /// The optional reader model that decides samples passing the word-level gate.
    public let verifier: (any AnswerVerifier)?
    private let cache: AnalysisCache

    /// Creates a checker.
    ///
    /// - Parameters:
    ///   - embedder: embeds claims, questions and context sentences (MiniLM in production; any embedder works).
    ///   - configuration: thresholds and weights.
    ///   - retriever: enables the round-trip check.
    ///   - verifier: decides the samples that pass ``Configuration/verifierGate``.
    /// - Throws: ``GroundingError/invalidConfiguration(name:reason:)``.
    public init(embedder: any Embedder, configuration: Configuration = Configuration(),
                retriever: (any PassageRetriever)? = nil, verifier: (any AnswerVerifier)? = nil) throws {
        try configuration.validate()
        self.configuration = configuration
        self.retriever = retriever
        self.verifier = verifier
        self.cache = AnalysisCache(embedder: embedder)
    }

    /// The verdict on one sample.
    ///
    /// - Throws: the embedder's and the retriever's errors. A verifier's error is not thrown: the sample is
    ///   rejected and a failed `verifier` check records why.
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
            texts += SampleAnalysis.textsToEmbed(for: sample, cache: cache)
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

    /// Round-trip answering: the reader answers the question without the sample's answer, and the two must
    /// agree. A reader that fails rejects the sample, as the verifier does.
    private func answerRoundTrip(_ answerer: any QuestionAnswerer, sample: GroundingSample) async -> CheckResult {
        let name = "answer_round_trip"
        let compared = sample.shortAnswer ?? sample.answer
        let threshold = configuration.agreementThreshold(forAnswer: compared)
        do {
            let reader = try await answerer.answer(question: sample.question, passages: sample.passages)
            let agreement = AnswerRoundTrip.agreement(reader: reader.text, answer: compared)
            let passed = agreement >= threshold
            let said = reader.text.map { "\"\($0.prefix(120))\"" } ?? "that the passages do not answer the question"
            var features = ["asked": 1.0, "unanswerable": reader.text == nil ? 1 : 0]
            features["answerable"] = reader.answerableProbability
            return CheckResult(
                name: name, passed: passed, score: agreement,
                reason: "\(reader.model) answered \(said); "
                    + String(format: "agreement %.2f %@ %.2f", agreement, passed ? ">=" : "<", threshold),
                features: features)
        } catch {
            return CheckResult(name: name, passed: false, score: 0,
                               reason: "the reader failed, so the sample is not kept: \(error)",
                               features: ["asked": 1, "failed": 1])
        }
    }

    /// Runs the checks on an analysed sample and combines them.
    private func verdict(for analysis: SampleAnalysis, sample: GroundingSample) async throws -> Verdict {
        let spanCheck = SpanCheck(configuration: configuration)
        let span = spanCheck.evaluate(analysis)
        let claims = ClaimCheck(configuration: configuration).evaluate(analysis)
        let fit = QuestionFitCheck(configuration: configuration).evaluate(analysis)
        let skipped = configuration.skippedChecks
        let form = skipped.contains(.format)
            ? CheckResult(name: QuestionForm.name, passed: true, score: 1, reason: "not checked")
            : QuestionForm.check(question: sample.question, answer: sample.answer)
        var checks = [form, span, claims, fit]
        var support = skipped.contains(.claims) ? 1 : claims.score
        if spanCheck.requiresSpan(analysis), !skipped.contains(.span) { support = min(support, span.score) }
        var factors = [support]
        if !skipped.contains(.questionFit) { factors.append(fit.score) }
        if let retriever, sample.sourceChunkID != nil {
            let roundTrip = try await RoundTripCheck(retriever: retriever, configuration: configuration)
                .evaluate(analysis)
            checks.append(roundTrip)
            factors.append(roundTrip.score)
        }
        var score = factors.min() ?? 0
        var isSupported = form.passed && score >= configuration.threshold
        var threshold = configuration.threshold
        var decider = Verdict.Decider.checks
        if let verifier {
            threshold = configuration.verifierThreshold
            let wordScore = score
            score = 0
            if !form.passed || wordScore < configuration.verifierGate {
                isSupported = false
                checks.append(CheckResult(
                    name: "verifier", passed: false, score: 0,
                    reason: !form.passed ? "not asked: the sample fails the format check"
                        : String(format: "not asked: the word-level score %.2f is below the gate %.2f",
                                 wordScore, configuration.verifierGate),
                    features: ["asked": 0, "word_score": wordScore]))
            } else {
                let answerer = configuration.answerRoundTrip ? verifier as? any QuestionAnswerer : nil
                let readerFirst = answerer != nil && configuration.confidentReaderProbability <= 1
                var askVerifier = true
                if readerFirst, let answerer {
                    // The reader answers first: a disagreeing answer rejects with one call, and an agreeing
                    // one from a reader sure it can answer is kept without the P(Yes) call.
                    let roundTrip = await answerRoundTrip(answerer, sample: sample)
                    checks.append(roundTrip)
                    decider = .verifier
                    score = roundTrip.score
                    isSupported = roundTrip.passed
                    if !roundTrip.passed {
                        askVerifier = false
                    } else if let q = roundTrip.features["answerable"], q >= configuration.confidentReaderProbability,
                              configuration.isFragmentAnswer(sample.shortAnswer ?? sample.answer) {
                        // The reader's confidence vouches for a short answer it matched; a long one (a sentence)
                        // can agree with any phrase of it, so P(Yes) still reads it.
                        askVerifier = false
                        score = q
                        checks.append(CheckResult(
                            name: "verifier", passed: true, score: q,
                            reason: String(format: "not asked: the reader answered in agreement with P(answerable) %.3f >= %.3f",
                                           q, configuration.confidentReaderProbability),
                            features: ["asked": 0, "skipped": 1, "word_score": wordScore]))
                    }
                }
                if askVerifier {
                    do {
                        let judgement = try await verifier.verify(question: sample.question, answer: sample.answer,
                                                                  passages: sample.passages)
                        let p = judgement.probabilityYes
                        isSupported = p >= threshold
                        score = p
                        decider = .verifier
                        let how = judgement.isScored ? String(format: "P(Yes) %.2f", p)
                            : "sampled \(p >= 0.5 ? "Yes" : "No") (the server returned no log-probabilities)"
                        checks.append(CheckResult(
                            name: "verifier", passed: isSupported, score: p,
                            reason: "\(judgement.model): \(how)" + (isSupported ? "" : String(format: " below %.2f", threshold)),
                            features: ["asked": 1, "scored": judgement.isScored ? 1 : 0, "word_score": wordScore]))
                        if isSupported, !readerFirst, let answerer {
                            let roundTrip = await answerRoundTrip(answerer, sample: sample)
                            checks.append(roundTrip)
                            isSupported = roundTrip.passed
                        }
                    } catch {
                        isSupported = false
                        checks.append(CheckResult(name: "verifier", passed: false, score: 0,
                                                  reason: "the verifier failed, so the sample is not kept: \(error)",
                                                  features: ["asked": 1, "failed": 1, "word_score": wordScore]))
                    }
                }
            }
        }
        var spans = analysis.spanOccurrences.compactMap { analysis.supportingSpan(ofTokens: $0) }
        if spans.isEmpty {
            spans = analysis.claims.compactMap { claim in
                claim.span.flatMap { analysis.supportingSpan(ofTokens: $0) }
                    ?? analysis.supportingSpan(ofScalars: analysis.context.sentences[claim.sentence].range)
            }
        }
        return Verdict(isSupported: isSupported, score: score, threshold: threshold,
                       decidedBy: decider, checks: checks, supportingSpans: Array(Set(spans)).sorted {
                           ($0.passage, $0.start) < ($1.passage, $1.start)
                       })
    }
}

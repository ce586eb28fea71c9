extension SupportChecker {
    /// How answers are held to the context.
    public enum AnswerStyle: String, Sendable, Codable, CaseIterable {
        /// Every answer must be a span of the context.
        case extractive
        /// Answers are judged by claim alignment only.
        case abstractive
        /// A fragment (at most ``Configuration/fragmentWordLimit`` words) must be a span; prose is judged by
        /// claim alignment.
        case automatic
    }

    /// The checker's parameters. Defaults were fixed by principle and checked on the "tune" half of
    /// `Benchmarks/grounding/xquad_dev.jsonl` (even-numbered articles); see that folder's README.
    public struct Configuration: Sendable, Equatable {
        /// Decision threshold on the combined score: supported when `score >= threshold`.
        public var threshold: Double = SupportChecker.defaultThreshold
        /// How answers are held to the context.
        public var answerStyle: AnswerStyle = .automatic
        /// Longest answer, in tokens, treated as a fragment.
        public var fragmentWordLimit = 6
        /// With an ``AnswerVerifier``: the least P(Yes) at which it finds the answer supported.
        public var verifierThreshold: Double = SupportChecker.defaultVerifierThreshold
        /// With an ``AnswerVerifier``: the combined score of the word-level checks below which a sample is
        /// rejected without asking the model (a cheap gate; the verifier decides the rest).
        public var verifierGate: Double = SupportChecker.defaultVerifierGate
        /// With a verifier that answers questions (``QuestionAnswerer``): whether a sample the verifier accepts
        /// must also survive round-trip answering, the reader's own answer agreeing with the sample's.
        public var answerRoundTrip = true
        /// The least ``AnswerRoundTrip/agreement(reader:answer:)`` at which the reader's answer agrees.
        public var answerAgreementThreshold: Double = SupportChecker.defaultAnswerAgreementThreshold
        /// The least agreement for an answer longer than ``fragmentWordLimit`` words (a sentence or clause): at
        /// least this share of the reader's phrase, in order, must lie inside it, since a phrase sharing one word
        /// with a sentence says little. The larger of this and ``answerAgreementThreshold`` applies
        /// (``longAnswerAgreement``).
        public var longAnswerAgreementThreshold: Double = SupportChecker.defaultLongAnswerAgreementThreshold
        /// With round-trip answering: the reader answers first, and a sample whose answer agrees is kept without
        /// the P(Yes) call when the reader's probability of answering at all (rather than "unanswerable") is at
        /// least this; above 1, P(Yes) is always asked first and the reader only after it (the order in which
        /// every signal is recorded, for fitting).
        public var confidentReaderProbability: Double = SupportChecker.defaultConfidentReaderProbability
        /// Rank within which the round-trip check must find the source chunk.
        public var roundTripDepth = 10
        /// Checks left out of the combined score, for ablations (see ``without(_:)``).
        public var skippedChecks: Set<SupportChecker.Rule> = []

        // Claim alignment.
        /// Factor applied to a claim with a number, date, unit or name absent from its aligned sentence and
        /// its neighbours.
        public var missingFactPenalty = 0.1
        /// Factor applied to a claim whose negation differs from its support's.
        public var negationPenalty = 0.15
        /// Score at which a claim passes.
        public var claimPassScore = 0.5
        /// Scale of a required span's score when the answer is not a span (times the longest matching run).
        public var spanMissScale = 0.3

        // Question fit.
        /// Tokens over which a question term's credit decays by a factor e with its distance from the answer.
        public var distanceDecay = 8.0
        /// Least credit for a question term in the answer's sentence.
        public var sameSentenceFloor = 0.15
        /// Credit for a question term in a neighbouring sentence.
        public var neighbourSentenceCredit = 0.15
        /// Fit assumed when the question has no content term found in the context.
        public var neutralFit = 0.5
        /// Weight of the competitive fit (the answer against its best rival location).
        public var competitiveFitWeight = 0.4
        /// Weight of the absolute lexical fit (the rest goes to semantic fit).
        public var absoluteFitWeight = 0.2
        /// Cosine gap to the question's most similar sentence at which semantic fit reaches 0.
        public var similarityGapScale = 0.3
        /// Factor applied when the answer is not of the type the question asks for (see ``AnswerType``).
        public var typeMismatchPenalty = 0.3
        /// Score at which question fit passes.
        public var fitPassScore = 0.5

        /// Creates the default configuration.
        public init() {}

        /// Whether the reader's rules treat `answer` as a fragment: at most ``fragmentWordLimit`` words.
        public func isFragmentAnswer(_ answer: String) -> Bool {
            answer.split(whereSeparator: \.isWhitespace).count <= fragmentWordLimit
        }

        /// The least agreement an answer longer than a fragment needs.
        public var longAnswerAgreement: Double { max(answerAgreementThreshold, longAnswerAgreementThreshold) }

        /// The least agreement the reader's answer needs with `answer`.
        public func agreementThreshold(forAnswer answer: String) -> Double {
            isFragmentAnswer(answer) ? answerAgreementThreshold : longAnswerAgreement
        }

        /// Checks ranges.
        ///
        /// - Throws: ``GroundingError/invalidConfiguration(name:reason:)`` for the first value out of range.
        public func validate() throws {
            func unit(_ value: Double, _ name: String) throws {
                guard value >= 0, value <= 1 else {
                    throw GroundingError.invalidConfiguration(name: name, reason: "must be in [0, 1], got \(value)")
                }
            }
            try unit(threshold, "threshold")
            try unit(verifierThreshold, "verifierThreshold")
            try unit(verifierGate, "verifierGate")
            try unit(answerAgreementThreshold, "answerAgreementThreshold")
            try unit(longAnswerAgreementThreshold, "longAnswerAgreementThreshold")
            guard confidentReaderProbability >= 0 else {
                throw GroundingError.invalidConfiguration(name: "confidentReaderProbability",
                                                          reason: "must be at least 0, got \(confidentReaderProbability)")
            }
            try unit(competitiveFitWeight + absoluteFitWeight, "competitiveFitWeight + absoluteFitWeight")
            guard fragmentWordLimit >= 1 else {
                throw GroundingError.invalidConfiguration(name: "fragmentWordLimit", reason: "must be at least 1")
            }
            guard roundTripDepth >= 1 else {
                throw GroundingError.invalidConfiguration(name: "roundTripDepth", reason: "must be at least 1")
            }
            guard similarityGapScale > 0, distanceDecay > 0 else {
                throw GroundingError.invalidConfiguration(name: "similarityGapScale, distanceDecay",
                                                          reason: "must be positive")
            }
        }
    }
}

extension SupportChecker {
    /// A word-level rule that an ablation can switch off (`rag eval grounding --without RULE`), to measure what
    /// it adds: a check dropped from the combined score, or a penalty set to 1.
    public enum Rule: String, Sendable, CaseIterable {
        /// ``QuestionForm``: the sample's form is then not checked.
        case format
        /// ``SpanCheck`` as a cap on the support score.
        case span
        /// ``ClaimCheck``: the support score is then 1 (or the span check's, when a span is required).
        case claims
        /// ``QuestionFitCheck`` as a factor of the combined score.
        case questionFit = "question_fit"
        /// The cheap gate before a verifier call (``Configuration/verifierGate`` 0).
        case verifierGate = "verifier_gate"
        /// ``Configuration/missingFactPenalty`` (numbers, dates and names absent from the support).
        case missingFact = "missing_fact"
        /// ``Configuration/negationPenalty``.
        case negation
        /// ``Configuration/typeMismatchPenalty``.
        case typeMismatch = "type_mismatch"
        /// Embedding similarity in question fit (the absolute lexical fit takes its weight).
        case fitSimilarity = "fit_similarity"
    }
}

extension SupportChecker.Configuration {
    /// This configuration with `rule` switched off.
    public func without(_ rule: SupportChecker.Rule) -> Self {
        var c = self
        switch rule {
        case .format, .span, .claims, .questionFit: c.skippedChecks.insert(rule)
        case .verifierGate: c.verifierGate = 0
        case .missingFact: c.missingFactPenalty = 1
        case .negation: c.negationPenalty = 1
        case .typeMismatch: c.typeMismatchPenalty = 1
        case .fitSimilarity: c.absoluteFitWeight = 1 - c.competitiveFitWeight
        }
        return c
    }
}

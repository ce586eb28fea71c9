/// A reader model that did not write the sample, asked whether the passages answer the question with the
/// given answer. Implemented outside this module (an OpenAI-compatible client; llama.cpp's server locally).
public protocol AnswerVerifier: Sendable {
    /// The model's name, recorded with every verdict it decides.
    var name: String { get }

    /// The verifier's judgement of one sample.
    ///
    /// - Throws: transport failures and unparseable replies. The checker then rejects the sample: no sample is
    ///   kept without the verification it was meant to get.
    func verify(question: String, answer: String, passages: [String]) async throws -> VerifierJudgement
}

/// What a verifier said about one sample.
public struct VerifierJudgement: Sendable, Equatable {
    /// P(Yes) read from the model's log-probabilities over "Yes" and "No", or 1 / 0 for the sampled word when
    /// the server returned no log-probabilities (see ``isScored``).
    public var probabilityYes: Double
    /// Whether ``probabilityYes`` came from log-probabilities (a score a threshold can be fitted on) rather
    /// than from the one sampled word.
    public var isScored: Bool
    /// The verifying model's name.
    public var model: String

    /// Creates a judgement.
    public init(probabilityYes: Double, isScored: Bool, model: String) {
        self.probabilityYes = probabilityYes
        self.isScored = isScored
        self.model = model
    }
}

/// The reader's own answer to a question, given without seeing the intended answer (round-trip answering,
/// Alberti et al. 2019): a phrase copied from the passages, or none when it found the question unanswerable.
public struct ReaderAnswer: Sendable, Equatable {
    /// The reader's answer; nil when it said the passages do not answer the question.
    public var text: String?
    /// The reading model's name.
    public var model: String
    /// The probability the reader gave to answering at all rather than saying "unanswerable", read from
    /// log-probabilities at the first token of its answer; nil when the server returned none.
    public var answerableProbability: Double?

    /// Creates an answer.
    public init(text: String?, model: String, answerableProbability: Double? = nil) {
        self.text = text
        self.model = model
        self.answerableProbability = answerableProbability
    }
}

/// A verifier that can also answer questions itself, for the round-trip check (``AnswerRoundTrip``).
public protocol QuestionAnswerer: AnswerVerifier {
    /// The reader's answer to `question` from `passages` alone.
    ///
    /// - Throws: transport failures and unparseable replies; the checker then rejects the sample.
    func answer(question: String, passages: [String]) async throws -> ReaderAnswer
}

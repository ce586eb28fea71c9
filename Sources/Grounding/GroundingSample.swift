/// What the checker judges: a question, an answer, and the context passages the answer must be grounded in.
public struct GroundingSample: Sendable, Equatable, Codable {
    /// The question.
    public var question: String
    /// The proposed answer: a fragment ("Denver Broncos") or sentences.
    public var answer: String
    /// The context passages (for a generated sample, its source chunks).
    public var passages: [String]
    /// The id of the chunk the sample was generated from, for the round-trip retrieval check.
    public var sourceChunkID: String?
    /// What the whole dataset is about (a task's domain, "PostgreSQL 15 administration"): names and numbers
    /// found here are not counted as missing from the context, since an answer may name its domain.
    public var background: String?
    /// The phrase of a sentence answer that the question asks for (span-first generation), if known: round-trip
    /// answering then compares the reader's answer with it by token F1 instead of with the whole sentence.
    public var shortAnswer: String?

    /// Creates a sample.
    public init(question: String, answer: String, passages: [String], sourceChunkID: String? = nil,
                background: String? = nil, shortAnswer: String? = nil) {
        self.shortAnswer = shortAnswer
        self.question = question
        self.answer = answer
        self.passages = passages
        self.sourceChunkID = sourceChunkID
        self.background = background
    }
}

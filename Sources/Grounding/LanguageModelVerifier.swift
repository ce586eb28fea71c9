import Dataset
import Foundation
import LanguageModels

/// Asks a reader model "does the passage answer this question with this answer?" and reads P(Yes) from the
/// log-probabilities of its first token (see LLM.md), instead of trusting one sampled word.
///
/// The prompt puts the passages first and the instruction after them, so that llama.cpp's prompt cache serves
/// every check on the same chunk from the prefix it has already read. The reply is one token, unconstrained
/// (any OpenAI-compatible server can take it); when the server sends no log-probabilities, the sampled word
/// decides and the judgement says it was not scored.
public struct LanguageModelVerifier: AnswerVerifier, Sendable {
    /// The model that reads.
    public let model: any LanguageModel
    public var name: String { model.name }

    public init(model: any LanguageModel) {
        self.model = model
    }

    static let system = "You are a careful reader. You check whether a passage really answers a question."

    /// The start both prompts share, passages first: the server's prompt cache serves the second call on the
    /// same sample from the first one's prefix, up to here.
    static func opening(question: String, passages: [String]) -> String {
        let context = passages.count == 1 ? passages[0]
            : passages.enumerated().map { "[\($0.offset + 1)] \($0.element)" }.joined(separator: "\n\n")
        return "Passage:\n\(context)\n\nQuestion: \(question)\n"
    }

    /// The verification prompt; passages first.
    static func prompt(question: String, answer: String, passages: [String]) -> String {
        opening(question: question, passages: passages) + """
            Proposed answer: \(answer)

            Does the passage answer this exact question, with the proposed answer? Say No if the question asks \
            about a person, thing, time, place or condition that the passage does not mention, if the passage \
            says the opposite, or if the proposed answer answers a different question. Reply Yes or No.
            """
    }

    public func verify(question: String, answer: String, passages: [String]) async throws -> VerifierJudgement {
        let completion = try await model.complete(CompletionRequest(
            messages: [ChatMessage(.system, Self.system),
                       ChatMessage(.user, Self.prompt(question: question, answer: answer, passages: passages))],
            temperature: 0, maxTokens: 1, seed: 1, topLogprobs: 10))
        if let probabilities = completion.optionProbabilities(["Yes", "No"]), let yes = probabilities["Yes"] {
            return VerifierJudgement(probabilityYes: yes, isScored: true, model: model.name)
        }
        let word = completion.text.trimmingCharacters(in: .whitespacesAndNewlines.union(.punctuationCharacters)).lowercased()
        if word.hasPrefix("y") || word.hasPrefix("n") {
            return VerifierJudgement(probabilityYes: word.hasPrefix("y") ? 1 : 0, isScored: false, model: model.name)
        }
        throw LanguageModelError.malformedResponse(
            endpoint: "verifier", reason: "expected Yes or No, got \"\(completion.text.prefix(80))\"")
    }
}

extension LanguageModelVerifier: QuestionAnswerer {
    /// What the reader says when the passages do not answer the question.
    static let unanswerable = "unanswerable"

    /// The round-trip prompt; passages first, and no proposed answer.
    static func readerPrompt(question: String, passages: [String]) -> String {
        opening(question: question, passages: passages) + """

            Answer the question with the shortest phrase copied exactly from the passage. If the passage does not \
            answer this exact question (it asks about a person, thing, time, place or condition the passage does \
            not mention, or the passage says otherwise), answer "\(unanswerable)". Reply as {"answer": ...}.
            """
    }

    public func answer(question: String, passages: [String]) async throws -> ReaderAnswer {
        let completion = try await model.complete(CompletionRequest(
            // The verifier's system message and passage block: the server's prompt cache then serves this call
            // from the P(Yes) call's prefix, up to the question.
            messages: [ChatMessage(.system, Self.system),
                       ChatMessage(.user, Self.readerPrompt(question: question, passages: passages))],
            temperature: 0, maxTokens: 96, seed: 1,
            jsonSchema: ["type": "object", "properties": ["answer": ["type": "string", "maxLength": 240]],
                         "required": ["answer"], "additionalProperties": false],
            topLogprobs: 10))
        guard let text = (try? JSONValue.parse(completion.text))?["answer"]?.stringValue else {
            throw LanguageModelError.malformedResponse(
                endpoint: "reader", reason: "expected {\"answer\": ...}, got \"\(completion.text.prefix(80))\"")
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let said = trimmed.lowercased().trimmingCharacters(in: .punctuationCharacters)
        return ReaderAnswer(text: said == Self.unanswerable || trimmed.isEmpty ? nil : trimmed, model: model.name,
                            answerableProbability: Self.answerableProbability(completion))
    }

    /// 1 − the mass on "unanswerable" (any token that begins it) at the first token of the answer, over the
    /// returned alternatives; nil without log-probabilities.
    static func answerableProbability(_ completion: Completion) -> Double? {
        guard let alternatives = completion.alternatives(atValueOf: "answer"), !alternatives.isEmpty else { return nil }
        var total = 0.0, unanswerableMass = 0.0
        for alternative in alternatives {
            let p = Foundation.exp(alternative.logprob)
            total += p
            let token = alternative.token.trimmingCharacters(in: .whitespacesAndNewlines.union(.punctuationCharacters))
                .lowercased()
            if token.count >= 2, unanswerable.hasPrefix(token) { unanswerableMass += p }
        }
        return total > 0 ? 1 - unanswerableMass / total : nil
    }
}

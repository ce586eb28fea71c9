import Foundation
import Store

/// The call journal kept in the corpus database (`llm_calls`).
///
/// Token log-probabilities are journaled with each call, so a replayed P(Yes) judgement keeps its score instead
/// of falling back to the sampled word.
public struct StoreJournal: CallJournal {
    public let store: CorpusStore

    public init(store: CorpusStore) {
        self.store = store
    }

    /// The tokens and their alternatives, as stored in the `logprobs` column.
    struct Logprobs: Codable {
        var tokens: [String]?
        var alternatives: [[TokenLogprob]]
    }

    public func completion(forKey key: String) throws -> Completion? {
        try store.journaledCall(key: key).map { call in
            // A damaged column costs only the score: the judgement is then reported as not scored.
            let logprobs = call.logprobs.flatMap { try? JSONDecoder().decode(Logprobs.self, from: Data($0.utf8)) }
            return Completion(text: call.response, model: call.model, promptTokens: call.promptTokens,
                              completionTokens: call.completionTokens, finishReason: call.finishReason,
                              tokenAlternatives: logprobs?.alternatives, tokens: logprobs?.tokens)
        }
    }

    public func record(key: String, request: String, completion: Completion) throws {
        let logprobs = try completion.tokenAlternatives.map { alternatives in
            String(decoding: try JSONEncoder().encode(Logprobs(tokens: completion.tokens, alternatives: alternatives)),
                   as: UTF8.self)
        }
        try store.recordCall(key: key, request: request, call: JournaledCall(
            model: completion.model, response: completion.text, promptTokens: completion.promptTokens,
            completionTokens: completion.completionTokens, finishReason: completion.finishReason, logprobs: logprobs))
    }
}

import Store

/// The call journal kept in the corpus database (`llm_calls`).
public struct StoreJournal: CallJournal {
    public let store: CorpusStore

    public init(store: CorpusStore) {
        self.store = store
    }

    public func completion(forKey key: String) throws -> Completion? {
        try store.journaledCall(key: key).map {
            Completion(text: $0.response, model: $0.model, promptTokens: $0.promptTokens,
                       completionTokens: $0.completionTokens, finishReason: $0.finishReason)
        }
    }

    public func record(key: String, request: String, completion: Completion) throws {
        try store.recordCall(key: key, request: request, call: JournaledCall(
            model: completion.model, response: completion.text, promptTokens: completion.promptTokens,
            completionTokens: completion.completionTokens, finishReason: completion.finishReason))
    }
}

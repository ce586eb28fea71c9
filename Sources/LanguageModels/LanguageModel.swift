import Dataset
import Foundation

/// One message of a chat prompt.
public struct ChatMessage: Sendable, Codable, Equatable, Hashable {
    public enum Role: String, Sendable, Codable { case system, user, assistant }
    public var role: Role
    public var content: String

    public init(_ role: Role, _ content: String) {
        self.role = role
        self.content = content
    }
}

/// What to ask a language model.
public struct CompletionRequest: Sendable, Equatable, Hashable {
    public var messages: [ChatMessage]
    public var temperature: Double
    public var maxTokens: Int
    public var seed: UInt64
    /// A JSON schema the output must follow, sent as `response_format` where the server supports it.
    public var jsonSchema: JSONValue?
    /// How many alternatives to return with their log-probabilities for each generated token (`logprobs` and
    /// `top_logprobs`); nil asks for none.
    public var topLogprobs: Int?

    public init(
        messages: [ChatMessage], temperature: Double = 0.7, maxTokens: Int = 512, seed: UInt64 = 0,
        jsonSchema: JSONValue? = nil, topLogprobs: Int? = nil
    ) {
        self.messages = messages
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.seed = seed
        self.jsonSchema = jsonSchema
        self.topLogprobs = topLogprobs
    }
}

/// A model's answer with its token accounting.
public struct Completion: Sendable, Codable, Equatable {
    public var text: String
    public var model: String
    public var promptTokens: Int
    public var completionTokens: Int
    /// Why generation stopped (`stop`, `length`, ...), as the server reported it.
    public var finishReason: String?
    /// For each generated token, its most likely alternatives (token text and natural-log probability), when
    /// the request asked for ``CompletionRequest/topLogprobs`` and the server returned them; nil otherwise.
    public var tokenAlternatives: [[TokenLogprob]]?
    /// The generated tokens' texts, aligned with ``tokenAlternatives`` (same condition).
    public var tokens: [String]?

    public init(text: String, model: String, promptTokens: Int, completionTokens: Int, finishReason: String? = nil,
                tokenAlternatives: [[TokenLogprob]]? = nil, tokens: [String]? = nil) {
        self.tokens = tokens
        self.text = text
        self.model = model
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.finishReason = finishReason
        self.tokenAlternatives = tokenAlternatives
    }

    /// The probability mass the model put on each of `options` at the first generated token that is one of
    /// them, normalised over the options: the score of a constrained choice (a "Yes"/"No" verdict, a label)
    /// rather than the one sampled word. Tokens are compared trimmed and case-folded, and a token that is a
    /// prefix of exactly one option counts for it (a tokenizer may split "Yes" as "Y" + "es").
    ///
    /// - Returns: option → probability (summing to 1), or nil when there are no log-probabilities or no
    ///   alternative matches an option.
    public func optionProbabilities(_ options: [String]) -> [String: Double]? {
        guard let tokenAlternatives else { return nil }
        let folded = options.map { $0.lowercased() }
        for alternatives in tokenAlternatives {
            var mass = [Double](repeating: 0, count: options.count)
            for alternative in alternatives {
                let token = alternative.token.trimmingCharacters(in: .whitespacesAndNewlines.union(.punctuationCharacters))
                    .lowercased()
                guard !token.isEmpty else { continue }
                let matching = folded.indices.filter { folded[$0] == token || folded[$0].hasPrefix(token) }
                if matching.count == 1 { mass[matching[0]] += Foundation.exp(alternative.logprob) }
            }
            let total = mass.reduce(0, +)
            if total > 0 {
                return Dictionary(uniqueKeysWithValues: zip(options, mass.map { $0 / total }))
            }
        }
        return nil
    }

    /// The alternatives at the token that starts the value of the JSON string field `key` in the reply (the
    /// first token past `"key": "`): how sure the model was of how its answer begins. Nil without tokens.
    public func alternatives(atValueOf key: String) -> [TokenLogprob]? {
        guard let tokens, let tokenAlternatives, tokens.count == tokenAlternatives.count else { return nil }
        let text = tokens.joined()
        guard let match = text.range(of: #"\{\s*"\#(key)"\s*:\s*""#, options: .regularExpression) else { return nil }
        let valueStart = text.distance(from: text.startIndex, to: match.upperBound)
        var consumed = 0
        for (i, token) in tokens.enumerated() {
            consumed += token.count
            if consumed > valueStart { return tokenAlternatives[i] }
        }
        return nil
    }
}

/// One alternative for a generated token with its natural-log probability.
public struct TokenLogprob: Sendable, Codable, Equatable {
    public var token: String
    public var logprob: Double

    public init(token: String, logprob: Double) {
        self.token = token
        self.logprob = logprob
    }
}

/// Anything that completes chat prompts: an OpenAI-compatible server (llama.cpp, Ollama, vLLM), or a fake in
/// tests of faults a real server cannot be made to show.
///
/// - Important: implementations are `Sendable` and are called from many tasks at once; they bound their own
///   concurrency.
public protocol LanguageModel: Sendable {
    /// The model's name as recorded with every sample.
    var name: String { get }
    func complete(_ request: CompletionRequest) async throws -> Completion
}

/// Errors of language-model clients; every case names the endpoint.
public enum LanguageModelError: Error, CustomStringConvertible, Equatable {
    /// The server answered with an HTTP error status after all retries.
    case httpStatus(endpoint: String, status: Int, body: String)
    /// The connection failed or timed out after all retries.
    case unreachable(endpoint: String, reason: String)
    /// The server's answer was not the expected JSON.
    case malformedResponse(endpoint: String, reason: String)
    /// The local server could not be installed or started.
    case serverStartFailed(reason: String)
    /// A server address given by the user is not a URL.
    case invalidURL(String)

    public var description: String {
        switch self {
        case let .httpStatus(endpoint, status, body): "\(endpoint): HTTP \(status): \(body.prefix(300))"
        case let .unreachable(endpoint, reason): "\(endpoint): unreachable: \(reason)"
        case let .malformedResponse(endpoint, reason): "\(endpoint): malformed response: \(reason)"
        case let .serverStartFailed(reason): "local LLM server: \(reason)"
        case let .invalidURL(text): "not a URL: \(text)"
        }
    }
}

import Dataset
import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A counting semaphore for tasks: at most `limit` holders at once, others wait in order.
actor AsyncSemaphore {
    private let limit: Int
    private var held = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) { self.limit = max(1, limit) }

    var inFlight: Int { held + waiters.count }

    func acquire() async {
        if held < limit {
            held += 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty {
            held -= 1
        } else {
            waiters.removeFirst().resume()
        }
    }
}

/// A client of OpenAI-compatible `/v1/chat/completions` servers (llama.cpp's llama-server, Ollama, vLLM).
///
/// Calls are spread over one or more endpoints, each with its own concurrency bound; failures that may pass
/// (HTTP 429 and 5xx, timeouts, dropped connections) are retried with exponential backoff and jitter, honouring
/// `Retry-After`. JSON-schema constrained output is requested through `response_format`.
public final class OpenAICompatibleClient: LanguageModel, @unchecked Sendable {
    /// One server.
    public struct Endpoint: Sendable {
        public var baseURL: URL
        /// Most calls in flight on this server.
        public var concurrency: Int

        public init(baseURL: URL, concurrency: Int = 1) {
            self.baseURL = baseURL
            self.concurrency = concurrency
        }
    }

    public let name: String
    private let endpoints: [Endpoint]
    private let semaphores: [AsyncSemaphore]
    private let apiKey: String?
    private let timeout: TimeInterval
    private let maxRetries: Int
    private let session: URLSession
    private let counter = Counter()

    /// - Parameters:
    ///   - endpoints: servers to spread calls over (at least one).
    ///   - model: the model name sent with every request and recorded with samples.
    ///   - apiKeyVariable: environment variable holding a bearer token (none is sent when it is unset).
    ///   - timeout: seconds one call may take.
    ///   - maxRetries: retries after the first attempt for failures that may pass.
    public init(
        endpoints: [Endpoint], model: String, apiKeyVariable: String = "OPENAI_API_KEY",
        timeout: TimeInterval = 120, maxRetries: Int = 4
    ) {
        precondition(!endpoints.isEmpty, "at least one endpoint")
        self.endpoints = endpoints
        semaphores = endpoints.map { AsyncSemaphore(limit: $0.concurrency) }
        name = model
        apiKey = ProcessInfo.processInfo.environment[apiKeyVariable].flatMap { $0.isEmpty ? nil : $0 }
        self.timeout = timeout
        self.maxRetries = maxRetries
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        session = URLSession(configuration: configuration)
    }

    /// Total calls in flight or waiting over all endpoints.
    public func pendingCalls() async -> Int {
        var total = 0
        for s in semaphores { total += await s.inFlight }
        return total
    }

    public func complete(_ request: CompletionRequest) async throws -> Completion {
        let index = await chooseEndpoint()
        let endpoint = endpoints[index]
        await semaphores[index].acquire()
        do {
            let result = try await completeWithRetries(request, endpoint: endpoint)
            await semaphores[index].release()
            return result
        } catch {
            await semaphores[index].release()
            throw error
        }
    }

    /// The endpoint with the fewest calls in flight (ties: round robin).
    private func chooseEndpoint() async -> Int {
        guard endpoints.count > 1 else { return 0 }
        let start = counter.next() % endpoints.count
        var best = start
        var bestLoad = Int.max
        for offset in 0..<endpoints.count {
            let i = (start + offset) % endpoints.count
            let load = await semaphores[i].inFlight
            if load < bestLoad {
                best = i
                bestLoad = load
            }
        }
        return best
    }

    private func completeWithRetries(_ request: CompletionRequest, endpoint: Endpoint) async throws -> Completion {
        let url = endpoint.baseURL.appendingPathComponent("v1/chat/completions")
        let body = try requestBody(request)
        var attempt = 0
        while true {
            do {
                return try await send(body, to: url)
            } catch let failure as RetryableFailure {
                guard attempt < maxRetries else { throw failure.error }
                let backoff = failure.retryAfter ?? (0.5 * pow(2, Double(attempt)) * Double.random(in: 0.8...1.2))
                try await Task.sleep(nanoseconds: UInt64(min(backoff, 30) * 1e9))
                attempt += 1
            }
        }
    }

    private struct RetryableFailure: Error {
        var error: LanguageModelError
        var retryAfter: Double?
    }

    private func requestBody(_ request: CompletionRequest) throws -> Data {
        var body: [String: JSONValue] = [
            "model": .string(name),
            "messages": .array(request.messages.map { ["role": .string($0.role.rawValue), "content": .string($0.content)] }),
            "temperature": .number(request.temperature),
            "max_tokens": .number(Double(request.maxTokens)),
            "seed": .number(Double(request.seed % (1 << 31))),
            "stream": false,
            // llama.cpp reuses the longest common prefix of the slot's previous prompt; passages come first in
            // rag's prompts so checks on the same chunk read it once. Other servers ignore the field.
            "cache_prompt": true,
        ]
        if let top = request.topLogprobs {
            body["logprobs"] = true
            body["top_logprobs"] = .number(Double(top))
        }
        if let schema = request.jsonSchema {
            body["response_format"] = [
                "type": "json_schema",
                "json_schema": ["name": "sample", "strict": true, "schema": schema],
            ]
        }
        // Sorted keys: a JSON schema's properties then reach the server in a fixed order, and llama.cpp's
        // grammar makes the model write them in that order (span-first replies depend on it).
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(JSONValue.object(body))
    }

    private func send(_ body: Data, to url: URL) async throws -> Completion {
        var urlRequest = URLRequest(url: url, timeoutInterval: timeout)
        urlRequest.httpMethod = "POST"
        urlRequest.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let apiKey { urlRequest.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization") }
        urlRequest.httpBody = body
        let endpoint = url.absoluteString
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: urlRequest)
        } catch {
            throw RetryableFailure(error: .unreachable(endpoint: endpoint, reason: error.localizedDescription))
        }
        guard let http = response as? HTTPURLResponse else {
            throw LanguageModelError.malformedResponse(endpoint: endpoint, reason: "not an HTTP response")
        }
        let text = String(decoding: data, as: UTF8.self)
        guard (200..<300).contains(http.statusCode) else {
            let error = LanguageModelError.httpStatus(endpoint: endpoint, status: http.statusCode, body: text)
            if http.statusCode == 429 || http.statusCode >= 500 {
                let retryAfter = (http.value(forHTTPHeaderField: "Retry-After")).flatMap(Double.init)
                throw RetryableFailure(error: error, retryAfter: retryAfter)
            }
            throw error
        }
        let json: JSONValue
        do {
            json = try JSONValue.parse(text)
        } catch {
            throw RetryableFailure(error: .malformedResponse(endpoint: endpoint, reason: "body is not JSON: \(text.prefix(200))"))
        }
        guard let choice = json["choices"]?.arrayValue?.first,
              let content = choice["message"]?["content"]?.stringValue
        else {
            throw RetryableFailure(error: .malformedResponse(endpoint: endpoint, reason: "no choices[0].message.content"))
        }
        func int(_ v: JSONValue?) -> Int { if case let .number(n)? = v { Int(n) } else { 0 } }
        func double(_ v: JSONValue?) -> Double? { if case let .number(n)? = v { n } else { nil } }
        // OpenAI's shape, which llama.cpp and vLLM follow: logprobs.content[i].top_logprobs[j].{token, logprob}.
        let alternatives = choice["logprobs"]?["content"]?.arrayValue?.map { position in
            (position["top_logprobs"]?.arrayValue ?? []).compactMap { item -> TokenLogprob? in
                guard let token = item["token"]?.stringValue, let logprob = double(item["logprob"]) else { return nil }
                return TokenLogprob(token: token, logprob: logprob)
            }
        }
        let tokens = choice["logprobs"]?["content"]?.arrayValue?.map { $0["token"]?.stringValue ?? "" }
        return Completion(
            text: content, model: json["model"]?.stringValue ?? name,
            promptTokens: int(json["usage"]?["prompt_tokens"]), completionTokens: int(json["usage"]?["completion_tokens"]),
            finishReason: choice["finish_reason"]?.stringValue,
            tokenAlternatives: alternatives.flatMap { $0.isEmpty ? nil : $0 },
            tokens: tokens.flatMap { $0.isEmpty ? nil : $0 })
    }
}

/// A thread-safe counter.
final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()

    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}

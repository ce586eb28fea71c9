import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Embeds through an OpenAI-compatible server: `POST {baseURL}/v1/embeddings` with
/// `{"model": …, "input": [texts]}`, answered by `{"data": [{"index", "embedding"}]}`.
///
/// Vectors are L2-normalised on arrival, so ``isNormalized`` holds whatever the server does. The dimension is
/// given, or discovered from the first answer (``resolveDimension()``); a later answer of another size is a
/// ``EmbeddingError/dimensionMismatch(expected:actual:)``.
///
/// **Synchronous and asynchronous use.** ``Embedder/embed(_:)`` is synchronous: it starts the request on
/// URLSession's own delegate queue and blocks the calling thread on a semaphore until the answer arrives.
/// That cannot deadlock (the completion never needs the caller's thread) but it parks a thread, so
/// async code should call ``embedAsync(_:)``, which suspends instead.
///
/// - Important: `Sendable`. Configuration is immutable; the discovered dimension is guarded by a lock.
public final class HTTPEmbedder: Embedder, @unchecked Sendable {
    /// The model name sent with every request; also the embedder's ``name``.
    public let model: String
    /// The server root; requests go to `baseURL/v1/embeddings`.
    public let baseURL: URL
    /// Name of the environment variable holding the API key (sent as `Authorization: Bearer`), if any.
    public let apiKeyVariable: String?
    /// Most texts per request; larger batches are split.
    public let batchSize: Int
    /// Token budget reported to chunkers.
    public let maxTokens: Int
    /// Seconds before a request fails.
    public let timeout: TimeInterval
    public var name: String { model }
    public var isNormalized: Bool { true }
    /// An approximate counter (words), since the server's tokenizer is unknown.
    public var tokenizer: any TokenCounter { SimpleWordTokenizer() }

    private let session: URLSession
    private let lock = NSLock()
    private var knownDimension: Int?  // guarded by `lock`

    /// - Parameters:
    ///   - baseURL: server root, for example `http://127.0.0.1:8080`.
    ///   - model: model name to request.
    ///   - dimension: vector length if known; otherwise discovered from the first answer.
    ///   - apiKeyVariable: environment variable with the API key, for example `OPENAI_API_KEY`.
    public init(baseURL: URL, model: String, dimension: Int? = nil, apiKeyVariable: String? = nil,
                batchSize: Int = 128, maxTokens: Int = 512, timeout: TimeInterval = 60) {
        self.baseURL = baseURL
        self.model = model
        self.knownDimension = dimension
        self.apiKeyVariable = apiKeyVariable
        self.batchSize = max(1, batchSize)
        self.maxTokens = maxTokens
        self.timeout = timeout
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        self.session = URLSession(configuration: configuration)
    }

    /// The vector length: the given one, else the one discovered so far, else 0 after a failed probe.
    /// Prefer ``resolveDimension()``, which reports why discovery failed.
    public var dimension: Int {
        (try? resolveDimension()) ?? 0
    }

    /// The vector length, asking the server (one short request) if it is not known yet.
    ///
    /// - Throws: ``EmbeddingError/remoteFailure(url:reason:)`` if the probe fails.
    public func resolveDimension() throws -> Int {
        if let known = lock.withLock({ knownDimension }) { return known }
        _ = try embed(["dimension probe"])
        return lock.withLock { knownDimension } ?? 0
    }

    /// Embeds `texts`, blocking the calling thread until the server answered (see the type's discussion).
    ///
    /// - Throws: ``EmbeddingError/remoteFailure(url:reason:)`` or ``EmbeddingError/dimensionMismatch(expected:actual:)``.
    public func embed(_ texts: [String]) throws -> [[Float]] {
        var vectors: [[Float]] = []
        vectors.reserveCapacity(texts.count)
        for start in stride(from: 0, to: texts.count, by: batchSize) {
            let batch = Array(texts[start..<min(texts.count, start + batchSize)])
            let request = try makeRequest(batch)
            let outcome = ResultBox()
            let done = DispatchSemaphore(value: 0)
            session.dataTask(with: request) { data, response, error in
                outcome.set(data: data, response: response, error: error)
                done.signal()
            }.resume()
            done.wait()
            let (data, response, error) = outcome.get()
            vectors += try decode(data: data, response: response, error: error, expected: batch.count)
        }
        return vectors
    }

    /// Embeds `texts`, suspending instead of blocking.
    public func embedAsync(_ texts: [String]) async throws -> [[Float]] {
        var vectors: [[Float]] = []
        for start in stride(from: 0, to: texts.count, by: batchSize) {
            let batch = Array(texts[start..<min(texts.count, start + batchSize)])
            let request = try makeRequest(batch)
            let (data, response, error) = await withCheckedContinuation { continuation in
                session.dataTask(with: request) { data, response, error in
                    continuation.resume(returning: (data, response, error))
                }.resume()
            }
            vectors += try decode(data: data, response: response, error: error, expected: batch.count)
        }
        return vectors
    }

    private var endpoint: URL {
        baseURL.appendingPathComponent("v1").appendingPathComponent("embeddings")
    }

    private func makeRequest(_ texts: [String]) throws -> URLRequest {
        var request = URLRequest(url: endpoint, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let apiKeyVariable, let key = ProcessInfo.processInfo.environment[apiKeyVariable], !key.isEmpty {
            request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        }
        request.httpBody = try JSONSerialization.data(withJSONObject: ["model": model, "input": texts])
        return request
    }

    private func decode(data: Data?, response: URLResponse?, error: (any Error)?, expected: Int) throws -> [[Float]] {
        let url = endpoint.absoluteString
        if let error {
            throw EmbeddingError.remoteFailure(url: url, reason: error.localizedDescription)
        }
        guard let http = response as? HTTPURLResponse, let data else {
            throw EmbeddingError.remoteFailure(url: url, reason: "no HTTP response")
        }
        guard (200..<300).contains(http.statusCode) else {
            let body = String(decoding: data.prefix(200), as: UTF8.self).replacingOccurrences(of: "\n", with: " ")
            throw EmbeddingError.remoteFailure(url: url, reason: "HTTP \(http.statusCode): \(body)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let items = object["data"] as? [[String: Any]]
        else {
            throw EmbeddingError.remoteFailure(url: url, reason: "answer lacks a \"data\" array")
        }
        var vectors = [[Float]?](repeating: nil, count: expected)
        for (position, item) in items.enumerated() {
            let index = (item["index"] as? NSNumber)?.intValue ?? position
            guard let numbers = item["embedding"] as? [NSNumber], vectors.indices.contains(index) else {
                throw EmbeddingError.remoteFailure(url: url, reason: "malformed item \(position) in \"data\"")
            }
            var vector = numbers.map(\.floatValue)
            let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if norm > 0 { vector = vector.map { $0 / norm } }
            vectors[index] = vector
        }
        let result = try vectors.enumerated().map { index, vector in
            guard let vector else {
                throw EmbeddingError.remoteFailure(url: url, reason: "no embedding for input \(index)")
            }
            return vector
        }
        if let first = result.first {
            let known = lock.withLock { () -> Int in
                if knownDimension == nil { knownDimension = first.count }
                return knownDimension!
            }
            for vector in result where vector.count != known {
                throw EmbeddingError.dimensionMismatch(expected: known, actual: vector.count)
            }
        }
        return result
    }
}

/// Carries a URLSession completion to the thread waiting on the semaphore.
///
/// - Important: the lock guards the stored values; the semaphore orders the write before the read.
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: (Data?, URLResponse?, (any Error)?) = (nil, nil, nil)

    func set(data: Data?, response: URLResponse?, error: (any Error)?) {
        lock.withLock { value = (data, response, error) }
    }

    func get() -> (Data?, URLResponse?, (any Error)?) {
        lock.withLock { value }
    }
}

import Foundation

/// A command's way to a language model: the OpenAI-compatible servers named with `--llm`, or the local
/// llama.cpp server that rag starts (and its owner stops with ``stop()``).
public struct LanguageModelConnection: Sendable {
    public let client: OpenAICompatibleClient
    /// The local server rag started, if it did.
    public let server: LocalLLMServer?

    /// Clients for comma-separated base `urls`, `concurrency` calls in flight on each.
    /// - Throws: ``LanguageModelError/invalidURL(_:)`` naming a part that is not a URL.
    public static func remote(urls: String, model: String, keyVariable: String = "OPENAI_API_KEY", concurrency: Int = 1,
                       timeout: TimeInterval = 120) throws -> LanguageModelConnection {
        let endpoints = try urls.split(separator: ",").map { text -> OpenAICompatibleClient.Endpoint in
            guard let url = URL(string: String(text)), url.scheme != nil else {
                throw LanguageModelError.invalidURL(String(text))
            }
            return .init(baseURL: url, concurrency: concurrency)
        }
        return LanguageModelConnection(
            client: OpenAICompatibleClient(endpoints: endpoints, model: model, apiKeyVariable: keyVariable, timeout: timeout),
            server: nil)
    }

    /// Starts the model installed by scripts/install-llm.sh on a free port (check
    /// `LocalLLMServer.isInstalled()` first).
    /// - Parameter threads: CPU threads of the server (1 when another server shares the cores).
    public static func local(_ model: LocalLLMServer.Model = .small, concurrency: Int = 1, threads: Int = 1,
                      timeout: TimeInterval = 120) async throws -> LanguageModelConnection {
        let server = try await LocalLLMServer(model: model, parallel: concurrency, threads: threads)
        return LanguageModelConnection(
            client: OpenAICompatibleClient(endpoints: [.init(baseURL: server.baseURL, concurrency: concurrency)],
                                           model: model.name, timeout: timeout),
            server: server)
    }

    /// Stops the local server, if rag started one.
    public func stop() { server?.stop() }
}

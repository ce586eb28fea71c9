import ArgumentParser
import Foundation
import Generation

/// A command's way to a language model: the OpenAI-compatible servers named with `--llm`, or the local
/// llama.cpp server that rag starts (and its owner stops with ``stop()``).
struct LanguageModelConnection {
    let client: OpenAICompatibleClient
    /// The local server rag started, if it did.
    let server: LocalLLMServer?

    /// Clients for comma-separated base `urls`, `concurrency` calls in flight on each.
    /// - Throws: a `ValidationError` naming a part that is not a URL.
    static func remote(urls: String, model: String, keyVariable: String = "OPENAI_API_KEY", concurrency: Int = 1,
                       timeout: TimeInterval = 120) throws -> LanguageModelConnection {
        let endpoints = try urls.split(separator: ",").map { text -> OpenAICompatibleClient.Endpoint in
            guard let url = URL(string: String(text)), url.scheme != nil else {
                throw ValidationError("--llm: not a URL: \(text)")
            }
            return .init(baseURL: url, concurrency: concurrency)
        }
        return LanguageModelConnection(
            client: OpenAICompatibleClient(endpoints: endpoints, model: model, apiKeyVariable: keyVariable, timeout: timeout),
            server: nil)
    }

    /// Starts the model installed by scripts/install-llm.sh on a free port (check
    /// `LocalLLMServer.isInstalled()` first).
    static func local(concurrency: Int = 1, timeout: TimeInterval = 120) async throws -> LanguageModelConnection {
        let server = try await LocalLLMServer(parallel: concurrency)
        return LanguageModelConnection(
            client: OpenAICompatibleClient(endpoints: [.init(baseURL: server.baseURL, concurrency: concurrency)],
                                           model: LocalLLMServer.modelName, timeout: timeout),
            server: server)
    }

    /// Stops the local server, if rag started one.
    func stop() { server?.stop() }
}

import Foundation
import LanguageModels

/// A FAKE `LanguageModel` for unit tests of control flow: each reply comes from a script the test writes,
/// no server is involved. It records every request, so a test can count calls and read the prompts.
public final class ScriptedLanguageModel: LanguageModel, @unchecked Sendable {
    public let name: String
    private let script: @Sendable (_ call: Int, _ request: CompletionRequest) -> String
    private let lock = NSLock()
    private var requests: [CompletionRequest] = []

    /// - Parameter script: the reply text for the call numbered `call` (from 0).
    public init(name: String = "scripted", script: @escaping @Sendable (_ call: Int, _ request: CompletionRequest) -> String) {
        self.name = name
        self.script = script
    }

    /// Requests received so far, in order.
    public var received: [CompletionRequest] { lock.withLock { requests } }

    public func complete(_ request: CompletionRequest) async throws -> Completion {
        let call = lock.withLock {
            requests.append(request)
            return requests.count - 1
        }
        let text = script(call, request)
        return Completion(text: text, model: name, promptTokens: 10, completionTokens: text.count / 4,
                          finishReason: "stop")
    }

    /// The text of numbered passage `[number]` in a prompt built as rag's writer prompts are (`[N] (heading)`
    /// on its own line, then the passage).
    public static func passage(_ number: Int, in request: CompletionRequest) -> String? {
        guard let user = request.messages.last?.content else { return nil }
        let lines = user.components(separatedBy: "\n")
        guard let start = lines.firstIndex(where: { $0.hasPrefix("[\(number)]") }), start + 1 < lines.count else {
            return nil
        }
        return lines[start + 1]
    }
}

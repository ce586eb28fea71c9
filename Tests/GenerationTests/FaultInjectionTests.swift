import Foundation
import Generation
import LanguageModels
import RAGTestSupport
import Store
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Faults no real server can be made to show on demand (429 bursts, dropped connections, garbage bodies),
/// against `Fixtures/fake_fault_server.py`, a FAKE server named as such.
@Suite(.serialized) struct FaultInjectionTests {
    final class FakeServer: @unchecked Sendable {
        let process: Subprocess
        let port: Int

        /// Starts the server, waits (suspending) for the port it prints and until it answers.
        init() async throws {
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("Fixtures/fake_fault_server.py").path
            process = try Subprocess("/usr/bin/env", ["python3", script])
            port = Int(await process.firstLine() ?? "") ?? 0
            // A loaded machine can be slow to schedule the server's first accept.
            for _ in 0..<100 {
                if let url = URL(string: "http://127.0.0.1:\(port)/count/ok"),
                   (try? await URLSession.shared.data(from: url)) != nil { break }
                try await Task.sleep(for: .milliseconds(100))
            }
        }

        func client(_ mode: String, retries: Int = 4) -> OpenAICompatibleClient {
            OpenAICompatibleClient(
                endpoints: [.init(baseURL: URL(string: "http://127.0.0.1:\(port)/\(mode)")!)], model: "fake",
                timeout: 10, maxRetries: retries)
        }

        func calls(_ mode: String) async throws -> Int {
            let (data, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/count/\(mode)")!)
            return (try JSONSerialization.jsonObject(with: data) as? [String: Int])?["count"] ?? -1
        }
    }

    let request = CompletionRequest(messages: [ChatMessage(.user, "hi")], jsonSchema: ["type": "object"])

    @Test func retriesThrough429AndDroppedConnections() async throws {
        let server = try await FakeServer()
        #expect(server.port > 0)
        let ok = try await server.client("429x2").complete(request)
        #expect(ok.promptTokens == 11 && ok.completionTokens == 7)
        #expect(try await server.calls("429x2") == 3)
        _ = try await server.client("drop").complete(request)
        #expect(try await server.calls("drop") == 2)
    }

    /// P(Yes) is read from the first token's alternatives; a server that sends none gives no probabilities,
    /// so the caller knows to fall back to the sampled word.
    @Test func readsOptionProbabilitiesFromLogprobs() async throws {
        let server = try await FakeServer()
        var scored = request
        scored.topLogprobs = 10
        let verdict = try await server.client("logprobs").complete(scored)
        let probabilities = try #require(verdict.optionProbabilities(["Yes", "No"]))
        let no = exp(-0.4) + exp(-3.0), yes = exp(-1.2)
        #expect(abs(probabilities["Yes"]! - yes / (yes + no)) < 1e-9)
        #expect(abs(probabilities["No"]! - no / (yes + no)) < 1e-9)
        let plain = try await server.client("ok").complete(scored)
        #expect(plain.tokenAlternatives == nil && plain.optionProbabilities(["Yes", "No"]) == nil)
    }

    /// A scored call journaled in a real database is replayed with its log-probabilities, so a resumed run's
    /// P(Yes) is the first run's, with no second call to the server.
    @Test func theJournalReplaysAScoredCallWithItsLogprobs() async throws {
        let server = try await FakeServer()
        let dir = TemporaryDirectory()
        let store = try CorpusStore(path: dir.file("journal.sqlite"))
        var scored = request
        scored.topLogprobs = 10
        let first = JournaledModel(base: server.client("logprobs"), journal: StoreJournal(store: store))
        let original = try await first.complete(scored)
        #expect(first.called == 1 && original.tokenAlternatives != nil)

        let reopened = try CorpusStore(path: dir.file("journal.sqlite"), create: false)
        let second = JournaledModel(base: server.client("logprobs"), journal: StoreJournal(store: reopened))
        let replayed = try await second.complete(scored)
        #expect(second.replayed == 1 && second.called == 0)
        #expect(replayed == original)
        #expect(replayed.optionProbabilities(["Yes", "No"]) == original.optionProbabilities(["Yes", "No"]))
        #expect(try await server.calls("logprobs") == 1)
    }

    @Test func aConnectionDroppedEveryTimeEndsAsUnreachable() async throws {
        let server = try await FakeServer()
        await #expect {
            try await server.client("dropall", retries: 1).complete(request)
        } throws: { error in
            guard case .unreachable? = error as? LanguageModelError else { return false }
            return true
        }
        #expect(try await server.calls("dropall") == 2)
    }

    @Test func givesUpWithTheEndpointAndStatus() async throws {
        let server = try await FakeServer()
        await #expect {
            try await server.client("500", retries: 2).complete(request)
        } throws: { error in
            guard case let .httpStatus(endpoint, status, _) = error as? LanguageModelError else { return false }
            return status == 500 && endpoint.contains("/500/")
        }
        #expect(try await server.calls("500") == 3)
        // A client error is not retried.
        await #expect(throws: LanguageModelError.self) { try await server.client("400").complete(request) }
        #expect(try await server.calls("400") == 1)
        await #expect {
            try await server.client("garbage", retries: 1).complete(request)
        } throws: { error in
            guard case .malformedResponse = error as? LanguageModelError else { return false }
            return true
        }
    }
}

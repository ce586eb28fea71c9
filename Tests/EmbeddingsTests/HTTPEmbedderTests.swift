import Embeddings
import Foundation
import RAGTestSupport
import Testing

/// A fake OpenAI-compatible server: python3's http.server answering `POST /v1/embeddings` with
/// `[len(text), 1, 0, 0]` per input (in reverse order, with indices) and echoing the API key check.
private final class FakeEmbeddingServer {
    private static let script = """
        import http.server, json, sys
        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a): pass
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers['Content-Length'])))
                if self.path != '/v1/embeddings' or self.headers.get('Authorization') != 'Bearer sekrit':
                    self.send_response(401); self.end_headers(); self.wfile.write(b'{"error": "unauthorized"}'); return
                data = [{"index": i, "embedding": [len(t), 1, 0, 0]} for i, t in enumerate(body["input"])][::-1]
                out = json.dumps({"model": body["model"], "data": data}).encode()
                self.send_response(200); self.send_header('Content-Type', 'application/json')
                self.send_header('Content-Length', str(len(out))); self.end_headers(); self.wfile.write(out)
        s = http.server.ThreadingHTTPServer(('127.0.0.1', 0), H)
        print(s.server_address[1], flush=True)
        s.serve_forever()
        """
    let process: Subprocess
    let port: Int

    /// Starts the server and waits (suspending) for the port it prints.
    init() async throws {
        process = try Subprocess("/usr/bin/env", ["python3", "-c", Self.script])
        let line = await process.firstLine() ?? ""
        port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }
}

@Suite(.serialized) struct HTTPEmbedderTests {
    @Test func unreachableServerIsRemoteFailure() throws {
        let embedder = HTTPEmbedder(baseURL: URL(string: "http://127.0.0.1:9")!, model: "m", dimension: 8, timeout: 5)
        #expect(embedder.dimension == 8)
        #expect(embedder.name == "m")
        #expect {
            _ = try embedder.embed(["hello"])
        } throws: { error in
            guard case EmbeddingError.remoteFailure(let url, _) = error else { return false }
            return url == "http://127.0.0.1:9/v1/embeddings"
        }
    }

    @Test func embedsThroughOpenAICompatibleServer() async throws {
        let server = try await FakeEmbeddingServer()
        try #require(server.port > 0)
        setenv("RAG_TEST_EMBED_KEY", "sekrit", 1)
        let embedder = HTTPEmbedder(baseURL: URL(string: "http://127.0.0.1:\(server.port)")!, model: "fake",
                                    apiKeyVariable: "RAG_TEST_EMBED_KEY", batchSize: 2)
        #expect(try embedder.resolveDimension() == 4)
        let vectors = try embedder.embed(["a", "bbb", "cc"])  // two requests: batch size 2
        #expect(vectors.count == 3)
        let raw: [[Float]] = [[1, 1, 0, 0], [3, 1, 0, 0], [2, 1, 0, 0]]
        let expected = raw.map { v -> [Float] in
            let norm = v.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
            return v.map { $0 / norm }
        }
        for (got, want) in zip(vectors, expected) {
            #expect(zip(got, want).allSatisfy { abs($0 - $1) < 1e-6 })
        }
        let asynchronous = try await embedder.embedAsync(["a", "bbb", "cc"])
        #expect(asynchronous == vectors)

        let unauthorized = HTTPEmbedder(baseURL: URL(string: "http://127.0.0.1:\(server.port)")!, model: "fake")
        #expect {
            _ = try unauthorized.embed(["a"])
        } throws: { error in
            guard case EmbeddingError.remoteFailure(_, let reason) = error else { return false }
            return reason.contains("401")
        }
        _ = server
    }
}

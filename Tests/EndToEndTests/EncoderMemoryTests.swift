import Embeddings
import Foundation
import RAGTestSupport
import Testing

/// What loading MiniLM costs in memory, measured on `rag embed` as a child process.
///
/// The same measurement inside the test process counted whatever the tests running beside it allocated, and
/// failed by under a megabyte on a clean CI clone. A child's peak RSS counts the child alone (see
/// ``PeakMemory``), and the hashing embedder's run on the same passages subtracts the runtime, argument parsing
/// and I/O.
@Suite struct EncoderMemoryTests {
    @Test func loadedModelCostsAtMostFileSizePlus50MB() async throws {
        guard let binary = RagProcess.binary else {
            Issue.record("rag binary not found beside the tests; build it or set RAG_BINARY")
            return
        }
        let directory = try BERTEmbedder.locateDefaultModel()
        let weights = try #require(
            try FileManager.default.attributesOfItem(atPath: directory + "/model.safetensors")[.size] as? Int)
        let dir = TemporaryDirectory()
        let passages = dir.path + "/passages.txt"
        let texts = (0..<64).map { "passage \($0): " + String(repeating: "vector retrieval and grounding ", count: 1 + $0 % 20) }
        try texts.joined(separator: "\n").write(toFile: passages, atomically: true, encoding: .utf8)

        let baseline = try await PeakMemory.run(binary, ["embed", "--file", passages, "--embedder", "hash"])
        let encoder = try await PeakMemory.run(binary, ["embed", "--file", passages, "--model", directory])
        #expect(baseline.status == 0 && encoder.status == 0)
        // The encoder's run must really have loaded the model (RSS of the mapped weights alone is most of it).
        #expect(encoder.peakBytes - baseline.peakBytes > weights / 2,
                "MiniLM's run peaked at \(encoder.peakBytes >> 20) MB, the hashing run at \(baseline.peakBytes >> 20) MB")
        #expect(encoder.peakBytes - baseline.peakBytes <= weights + 50 << 20,
                "MiniLM cost \((encoder.peakBytes - baseline.peakBytes) >> 20) MB for a \(weights >> 20) MB model")
    }
}

import Embeddings
import Foundation
import Testing

/// Damaged and inconsistent model files are rejected with the error that names the problem.
@Suite struct SafeTensorsTests {
    /// A model directory in a temporary folder: the real configuration files and `vocab.txt` linked in, and
    /// `model.safetensors` supplied by the test.
    private func modelCopy(weights: Data) throws -> URL {
        let source = URL(fileURLWithPath: try Fixtures.modelDirectory())
        let directory = try Fixtures.temporaryDirectory()
        for name in ["config.json", "vocab.txt", "sentence_bert_config.json", "modules.json"] {
            try FileManager.default.createSymbolicLink(at: directory.appendingPathComponent(name),
                                                       withDestinationURL: source.appendingPathComponent(name))
        }
        try weights.write(to: directory.appendingPathComponent("model.safetensors"))
        return directory
    }

    private func realWeights() throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: try Fixtures.modelDirectory() + "/model.safetensors"),
                 options: .alwaysMapped)
    }

    /// A safetensors file from a header dictionary and zero-filled data.
    private func safetensors(_ header: [String: Any], dataBytes: Int) throws -> Data {
        var json = try JSONSerialization.data(withJSONObject: header)
        // Pad with spaces to 8 bytes, as the safetensors writer does, so that tensor data is aligned.
        json.append(Data(repeating: UInt8(ascii: " "), count: (8 - json.count % 8) % 8))
        var data = Data()
        var length = UInt64(json.count).littleEndian
        withUnsafeBytes(of: &length) { data.append(contentsOf: $0) }
        data.append(json)
        data.append(Data(count: dataBytes))
        return data
    }

    private func expectDamaged(_ directory: URL, reasonContains fragment: String) {
        let path = directory.appendingPathComponent("model.safetensors").path
        #expect {
            _ = try BERTEmbedder(modelDirectory: directory.path)
        } throws: { error in
            guard case EmbeddingError.damagedFile(let errorPath, let reason) = error else { return false }
            return errorPath == path && reason.contains(fragment)
        }
    }

    @Test func truncatedFileIsDamaged() throws {
        let weights = try realWeights()
        let directory = try modelCopy(weights: weights.prefix(weights.count / 2))
        defer { try? FileManager.default.removeItem(at: directory) }
        expectDamaged(directory, reasonContains: "truncated")
    }

    @Test func fileShorterThanHeaderLengthIsDamaged() throws {
        let directory = try modelCopy(weights: Data([1, 2, 3]))
        defer { try? FileManager.default.removeItem(at: directory) }
        expectDamaged(directory, reasonContains: "8-byte")
    }

    @Test func headerLengthBeyondFileIsDamaged() throws {
        var weights = Data(try realWeights().prefix(4096))
        weights.replaceSubrange(0..<8, with: [0xFF, 0xFF, 0xFF, 0x7F, 0, 0, 0, 0])
        let directory = try modelCopy(weights: weights)
        defer { try? FileManager.default.removeItem(at: directory) }
        expectDamaged(directory, reasonContains: "header length")
    }

    @Test func badHeaderJSONIsDamaged() throws {
        var weights = Data(try realWeights())
        weights[8] = UInt8(ascii: "#")  // the header's opening brace
        let directory = try modelCopy(weights: weights)
        defer { try? FileManager.default.removeItem(at: directory) }
        expectDamaged(directory, reasonContains: "JSON")
    }

    @Test func missingTensorIsReported() throws {
        let header: [String: Any] = [
            "embeddings.word_embeddings.weight": ["dtype": "F32", "shape": [30522, 384], "data_offsets": [0, 30522 * 384 * 4]],
        ]
        let directory = try modelCopy(weights: try safetensors(header, dataBytes: 30522 * 384 * 4))
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("model.safetensors").path
        #expect(throws: EmbeddingError.missingTensor(path: path, name: "embeddings.position_embeddings.weight")) {
            _ = try BERTEmbedder(modelDirectory: directory.path)
        }
    }

    @Test func wrongShapeIsReported() throws {
        let header: [String: Any] = [
            "embeddings.word_embeddings.weight": ["dtype": "F32", "shape": [1000, 384], "data_offsets": [0, 1000 * 384 * 4]],
        ]
        let directory = try modelCopy(weights: try safetensors(header, dataBytes: 1000 * 384 * 4))
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("model.safetensors").path
        #expect(throws: EmbeddingError.wrongShape(path: path, name: "embeddings.word_embeddings.weight",
                                                  expected: [30522, 384], actual: [1000, 384])) {
            _ = try BERTEmbedder(modelDirectory: directory.path)
        }
    }

    @Test func wrongDtypeIsDamaged() throws {
        let header: [String: Any] = [
            "embeddings.word_embeddings.weight": ["dtype": "F16", "shape": [30522, 384], "data_offsets": [0, 30522 * 384 * 2]],
        ]
        let directory = try modelCopy(weights: try safetensors(header, dataBytes: 30522 * 384 * 2))
        defer { try? FileManager.default.removeItem(at: directory) }
        expectDamaged(directory, reasonContains: "F16")
    }

    @Test func missingWeightsFileIsReported() throws {
        let directory = try modelCopy(weights: Data())
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("model.safetensors").path
        try FileManager.default.removeItem(atPath: path)
        #expect(throws: EmbeddingError.missingFile(path: path)) {
            _ = try BERTEmbedder(modelDirectory: directory.path)
        }
    }

    @Test func readsHeaderOfRealFile() throws {
        let file = try SafeTensorsFile(path: try Fixtures.modelDirectory() + "/model.safetensors")
        #expect(file.tensors["embeddings.word_embeddings.weight"]?.shape == [30522, 384])
        #expect(file.tensors["embeddings.position_ids"]?.dtype == "I64")
        let bias = try file.floats("embeddings.LayerNorm.bias", shape: [384])
        #expect(bias.count == 384)
    }
}

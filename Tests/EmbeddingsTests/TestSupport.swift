import Embeddings
import Foundation
import Testing

/// Shared fixtures: the reference file in ../shared/reference and the installed model.
enum Fixtures {
    struct ReferenceSentence: Decodable {
        var text: String
        var input_ids: [Int32]
        var num_tokens: Int
        var embedding: [Float]
    }

    struct ReferenceFile: Decodable {
        var max_seq_length: Int
        var dim: Int
        var sentences: [ReferenceSentence]
    }

    /// `RAG_SHARED_DIR`, else `shared/` beside the checkout (this file is Tests/EmbeddingsTests/ in it).
    static var sharedDirectory: URL {
        if let shared = ProcessInfo.processInfo.environment["RAG_SHARED_DIR"], !shared.isEmpty {
            return URL(fileURLWithPath: shared)
        }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared")
    }

    struct MissingReference: Error, CustomStringConvertible {
        var path: String
        var description: String { "reference file missing at \(path): set RAG_SHARED_DIR" }
    }

    private static let loadedReference: Result<ReferenceFile, any Error> = Result {
        let url = sharedDirectory.appendingPathComponent("reference/reference_embeddings.json")
        guard let data = try? Data(contentsOf: url) else { throw MissingReference(path: url.path) }
        return try JSONDecoder().decode(ReferenceFile.self, from: data)
    }

    /// The reference sentences; throws (failing the test) if the file is not found.
    static func reference() throws -> ReferenceFile {
        try loadedReference.get()
    }

    /// The installed model's directory. Throws (the test fails, never skips) if the model is not installed.
    static func modelDirectory() throws -> String {
        try BERTEmbedder.locateDefaultModel()
    }

    /// One shared embedder: loading maps 87 MB, done once per test process.
    static let embedder: Result<BERTEmbedder, any Error> = Result { try BERTEmbedder(locating: nil) }

    static func loadedEmbedder() throws -> BERTEmbedder {
        try embedder.get()
    }

    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        var dot = 0.0, na = 0.0, nb = 0.0
        for i in a.indices {
            dot += Double(a[i]) * Double(b[i])
            na += Double(a[i]) * Double(a[i])
            nb += Double(b[i]) * Double(b[i])
        }
        return dot / max((na * nb).squareRoot(), 1e-30)
    }

    /// A fresh temporary directory, removed by the caller.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rag-emb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

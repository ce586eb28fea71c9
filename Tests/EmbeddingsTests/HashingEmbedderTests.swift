import Embeddings
import Foundation
import Testing

@Suite struct HashingEmbedderTests {
    @Test func isDeterministicAndNormalised() {
        let embedder = HashingEmbedder()
        #expect(embedder.name == "hash-384")
        #expect(embedder.dimension == 384)
        let texts = ["The quick brown fox", "jumps over the lazy dog", "Ünïcödé wörds too"]
        let first = embedder.embed(texts), second = HashingEmbedder().embed(texts)
        #expect(first == second)
        for vector in first {
            #expect(vector.count == 384)
            let norm = vector.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
            #expect(abs(norm - 1) < 1e-5)
        }
    }

    @Test func usesStableFNV1a() {
        // Published FNV-1a 64 test vectors.
        #expect(HashingEmbedder.fnv1a("") == 0xCBF2_9CE4_8422_2325)
        #expect(HashingEmbedder.fnv1a("a") == 0xAF63_DC4C_8601_EC8C)
        #expect(HashingEmbedder.fnv1a("foobar") == 0x8594_4171_F739_67E8)
    }

    @Test func sharedWordsMeanHigherSimilarity() {
        let embedder = HashingEmbedder(dimension: 256)
        #expect(embedder.name == "hash-256")
        let v = embedder.embed(["vector search with hnsw", "hnsw vector search index", "baking sourdough bread"])
        let near = zip(v[0], v[1]).reduce(0) { $0 + $1.0 * $1.1 }
        let far = zip(v[0], v[2]).reduce(0) { $0 + $1.0 * $1.1 }
        #expect(near > far)
        #expect(embedder.embed(["Case"]) == embedder.embed(["case"]))
    }

    @Test func emptyTextGivesZeroVectorAndWordCount() {
        let embedder = HashingEmbedder()
        #expect(embedder.embed([""])[0].allSatisfy { $0 == 0 })
        #expect(embedder.tokenizer.tokenCount("Hello, wide world! 42") == 4)
        #expect(SimpleWordTokenizer().words("Hello, WORLD") == ["hello", "world"])
    }
}


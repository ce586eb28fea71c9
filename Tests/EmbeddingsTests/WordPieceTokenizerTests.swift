import Embeddings
import Foundation
import Testing

@Suite struct WordPieceTokenizerTests {
    @Test func referenceTokenIDsForAllSentences() throws {
        let embedder = try Fixtures.loadedEmbedder()
        let sentences = try Fixtures.reference().sentences
        #expect(sentences.count == 20)
        for sentence in sentences {
            let ids = embedder.wordPiece.encode(sentence.text)
            #expect(ids == sentence.input_ids, "ids differ for \(sentence.text.debugDescription)")
            #expect(ids.count == sentence.num_tokens)
        }
    }

    @Test func truncatesTo256WithClsAndSep() throws {
        let tokenizer = try Fixtures.loadedEmbedder().wordPiece
        let text = Array(repeating: "word", count: 400).joined(separator: " ")
        let ids = tokenizer.encode(text)
        #expect(ids.count == 256)
        #expect(ids.first == tokenizer.clsID)
        #expect(ids.last == tokenizer.sepID)
        #expect(tokenizer.tokenCount(text) == 400)
        #expect(Array(ids[1..<255]) == Array(tokenizer.pieceIDs(text).prefix(254)))
    }

    @Test func literalSpecialTokensMatchReferenceByDefault() throws {
        let tokenizer = try Fixtures.loadedEmbedder().wordPiece
        #expect(tokenizer.encode("a [SEP] b") == [101, 1037, 102, 1038, 102])
        #expect(tokenizer.pieceIDs("[sep]") == tokenizer.pieceIDs("[ sep ]"))  // case-sensitive
        let model = try Fixtures.modelDirectory()
        let plain = try WordPieceTokenizer(vocabularyFile: model + "/vocab.txt", matchesSpecialTokens: false)
        #expect(plain.pieces("a [SEP] b") == ["a", "[", "sep", "]", "b"])
    }

    @Test func cleanUpAccentsCJKAndCase() throws {
        let tokenizer = try Fixtures.loadedEmbedder().wordPiece
        #expect(tokenizer.pieces("Café\u{0}\u{FFFD}\u{200B}") == tokenizer.pieces("cafe"))
        #expect(tokenizer.pieces("ΟΔΟΣ") == tokenizer.pieces("οδοσ"))
        #expect(tokenizer.pieces("a\u{3000}b\tc") == ["a", "b", "c"])
        #expect(tokenizer.pieces("中文") == ["中", "文"])
        #expect(tokenizer.pieces("🙂") == ["[UNK]"])
        #expect(tokenizer.pieces(String(repeating: "a", count: 101)) == ["[UNK]"])
        #expect(tokenizer.pieces("") == [])
        #expect(tokenizer.tokenCount("hello, world!") == 4)
    }
}

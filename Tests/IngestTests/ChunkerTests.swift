import RAGTestSupport
import Embeddings
import Foundation
import Testing
import Ingest

@Suite struct ChunkerTests {
    /// Real documents of every format.
    static func documents() throws -> [ExtractedDocument] {
        var documents: [ExtractedDocument] = []
        for name in ["ddl-basics.html", "sql-createtable.html", "functions-json.html"] {
            let path = SharedData.path("corpora/postgresql-15-html/" + name)
            documents.append(try HTMLLoader().load(try Data(contentsOf: URL(fileURLWithPath: path)), path: path))
        }
        let handbook = SharedData.path("corpora/debian-handbook-11-en/sect.apt-get.html")
        documents.append(try HTMLLoader().load(try Data(contentsOf: URL(fileURLWithPath: handbook)), path: handbook))
        documents.append(try PDFLoader().load(path: SharedData.path("pdfs/R-intro.pdf")))
        let jsonl = SharedData.path("retrieval/cranfield/corpus.jsonl")
        documents += try JSONLLoader().load(try Data(contentsOf: URL(fileURLWithPath: jsonl)), path: jsonl).documents.prefix(50)
        let jargon = SharedData.path("corpora/jargon-file-4.4.7/jargon.txt")
        let text = try Data(contentsOf: URL(fileURLWithPath: jargon)).prefix(200_000)
        documents.append(try PlainTextLoader().load(text, path: jargon))
        return documents
    }

    /// The WordPiece tokenizer of the installed model, when there is one.
    static func wordPiece() -> WordPieceTokenizer? {
        guard let directory = try? BERTEmbedder.locateDefaultModel(explicitDirectory: nil) else { return nil }
        return try? WordPieceTokenizer(vocabularyFile: directory + "/vocab.txt")
    }

    func check(_ chunker: Chunker, _ document: ExtractedDocument) {
        let scalars = Array(document.text.unicodeScalars)
        let chunks = chunker.chunks(of: document)
        #expect(!chunks.isEmpty)
        var previousEnd = 0
        for chunk in chunks {
            // The span is exact.
            #expect(String(String.UnicodeScalarView(scalars[chunk.range])) == chunk.text)
            // Never inside a word: a chunk starts and ends at the text's edges or next to whitespace.
            #expect(chunk.range.lowerBound == 0 || scalars[chunk.range.lowerBound - 1].properties.isWhitespace)
            #expect(chunk.range.upperBound == scalars.count || scalars[chunk.range.upperBound].properties.isWhitespace)
            // The summed count is the real count, within the budget (a single over-long word aside).
            #expect(chunk.tokenCount == chunker.tokenizer.tokenCount(chunk.text))
            #expect(chunk.tokenCount <= chunker.tokenBudget || !chunk.text.contains(where: \.isWhitespace))
            if chunker.overlapTokens == 0 {
                // Without overlap, chunks are in order, disjoint, and only whitespace lies between them.
                #expect(chunk.range.lowerBound >= previousEnd)
                let gap = scalars[previousEnd..<chunk.range.lowerBound].allSatisfy { $0.properties.isWhitespace }
                #expect(gap)
            }
            previousEnd = chunk.range.upperBound
        }
        #expect(chunks.map(\.ordinal) == Array(0..<chunks.count))
        if chunker.overlapTokens == 0 {
            let tail = scalars[previousEnd...].allSatisfy { $0.properties.isWhitespace }
            #expect(tail)
        }
    }

    @Test func spansAreExactWithTheWordTokenizer() throws {
        for budget in [16, 100, 510] {
            let chunker = try Chunker(tokenizer: SimpleWordTokenizer(), tokenBudget: budget)
            for document in try Self.documents() { check(chunker, document) }
        }
    }

    @Test func spansAreExactWithWordPiece() throws {
        guard let tokenizer = Self.wordPiece() else { return }
        let chunker = try Chunker(tokenizer: tokenizer, tokenBudget: 254)
        for document in try Self.documents() { check(chunker, document) }
    }

    @Test func overlapRepeatsTheEndOfThePreviousChunk() throws {
        let chunker = try Chunker(tokenizer: SimpleWordTokenizer(), tokenBudget: 40, overlapTokens: 15)
        let documents = try Self.documents()
        for document in documents { check(chunker, document) }
        let chunks = chunker.chunks(of: documents[0])
        let overlapping = zip(chunks, chunks.dropFirst()).filter { $1.range.lowerBound < $0.range.upperBound }
        #expect(!overlapping.isEmpty)
    }

    @Test func headingsStartChunksAndStayWithTheirContent() throws {
        let markdown = "# A\n\n## B\n\nbody of b\n\n## C\n\nbody of c"
        let document = try MarkdownLoader().load(Data(markdown.utf8), path: "x.md")
        let chunks = try Chunker(tokenizer: SimpleWordTokenizer(), tokenBudget: 100).chunks(of: document)
        #expect(chunks.map(\.text) == ["A\n\nB\n\nbody of b", "C\n\nbody of c"])
        #expect(chunks.map(\.headingPath) == [["A", "B"], ["A", "C"]])
    }

    @Test func pdfChunksKeepTheirPage() throws {
        let document = try PDFLoader().load(path: SharedData.path("pdfs/R-intro.pdf"))
        let chunks = try Chunker(tokenizer: SimpleWordTokenizer(), tokenBudget: 200).chunks(of: document)
        #expect(chunks.allSatisfy { $0.page != nil })
        #expect(Set(chunks.compactMap(\.page)).count > 20)
    }

    @Test func invalidBudgetsAreRefused() {
        #expect(throws: IngestError.self) { _ = try Chunker(tokenizer: SimpleWordTokenizer(), tokenBudget: 2) }
        #expect(throws: IngestError.self) {
            _ = try Chunker(tokenizer: SimpleWordTokenizer(), tokenBudget: 100, overlapTokens: 80)
        }
    }
}

import Foundation
import Generation
import Grounding
import Testing

@Suite struct SpanLocatorTests {
    let passage = """
        The pg_dump utility makes consistent backups even while the database is in use.  It does not block \
        other users accessing the database (readers or writers). By default, it connects to the “local” server.
        """

    @Test func exactAndNormalisedQuotesAreFoundAtTheirOffsets() throws {
        let exact = try #require(SpanLocator.locate("It does not block other users", in: passage))
        #expect(String(Array(passage)[exact.range]) == "It does not block other users")
        // Case, collapsed whitespace and plain quotes still match; the range covers the original characters.
        let loose = try #require(SpanLocator.locate("even while the database is in use. it does NOT", in: passage))
        #expect(String(Array(passage)[loose.range]) == "even while the database is in use.  It does not")
        let quoted = try #require(SpanLocator.locate("connects to the \"local\" server", in: passage))
        #expect(String(Array(passage)[quoted.range]) == "connects to the “local” server")
        #expect(exact.confidence == 1 && exact.isExact && loose.isExact && quoted.isExact)
    }

    @Test func paraphrasesFallBackToTheBestSentenceOrNothing() throws {
        let paraphrase = try #require(SpanLocator.locate("pg_dump makes backups that are consistent while the database is used", in: passage))
        #expect(String(Array(passage)[paraphrase.range]).hasPrefix("The pg_dump utility"))
        #expect(paraphrase.confidence < 1)
        #expect(SpanLocator.locate("VACUUM reclaims storage occupied by dead tuples", in: passage) == nil)
        #expect(!paraphrase.isExact)
    }

    /// Stop 34's run kept `-P` / "prevents the server from using indexes for system catalog lookups" as copied from
    /// the manual's "…started with the -P option, which prevents it from using indexes for system catalog lookups":
    /// the sentence holds every content word of the value, so the fallback's overlap is 1, and the span rule took
    /// that for a copy. A copy is an exact match.
    @Test func aSentenceHoldingEveryWordIsNotACopy() throws {
        let sentence = "To recover safely, the server must be started with the -P option, which prevents it from using "
            + "indexes for system catalog lookups."
        let reworded = try #require(SpanLocator.locate("prevents the server from using indexes for system catalog lookups", in: sentence))
        #expect(reworded.confidence == 1 && !reworded.isExact)
        #expect(SpanLocator.locate("prevents it from using indexes for system catalog lookups", in: sentence)?.isExact == true)
        let fields = [ExtractionField(name: "purpose", description: "what it controls")]
        #expect(!GenerationPipeline.fieldSpans(text: sentence, values: ["purpose": "prevents the server from using indexes"], fields: fields).passed)
        #expect(GenerationPipeline.fieldSpans(text: sentence, values: ["purpose": "prevents it from using indexes"], fields: fields).passed)
    }
}

@Suite struct ExtractiveGeneratorTests {
    /// Paragraphs of XQuAD (real Wikipedia text): every answer the rules make is a span of its paragraph.
    @Test func answersAreSpansOfRealParagraphs() throws {
        let path = sharedDirectory() + "/data/qa/xquad/xquad.en.json"
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        var made = 0
        for article in (json["data"] as! [[String: Any]]).prefix(10) {
            for paragraph in article["paragraphs"] as! [[String: Any]] {
                let context = paragraph["context"] as! String
                for q in ExtractiveGenerator().questions(from: context) {
                    made += 1
                    #expect(String(Array(context)[q.answerRange]) == q.answer)
                    #expect(q.question.hasSuffix("?"))
                    #expect(q.sentenceRange.contains(q.answerRange.lowerBound))
                }
            }
        }
        #expect(made >= 20, "rules made only \(made) questions from 10 articles")
    }
}

/// `../shared` beside the checkout (or `RAG_SHARED_DIR`).
func sharedDirectory() -> String {
    if let dir = ProcessInfo.processInfo.environment["RAG_SHARED_DIR"] { return dir }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared").path
}

import RAGTestSupport
import Foundation
import Testing
import Retrieval
import Store

@Suite struct FullTextQueryTests {
    @Test func quotesEveryWordAndDropsPunctuation() {
        #expect(FullTextQuery.expression(for: "apt-get \"upgrade\" OR (NEAR x:*") ==
                "\"apt\" OR \"get\" OR \"upgrade\" OR \"or\" OR \"near\" OR \"x\"")
        #expect(FullTextQuery.expression(for: "  ?!  ") == nil)
        #expect(FullTextQuery.expression(for: "Ünïcode naïve café") == "\"ünïcode\" OR \"naïve\" OR \"café\"")
    }

    @Test(arguments: [
        "\"unbalanced", "a AND OR NOT b", "col:value", "prefix*", "-minus", "NEAR(a b, 3)", "^caret", "{a b}:c",
        "'; DROP TABLE chunks; --", "(", "\"\"", "x\u{0}y", "SELECT * FROM chunks",
    ])
    func punctuationNeverBreaksFullTextSearch(query: String) throws {
        let dir = TemporaryDirectory()
        let store = try CorpusStore(path: dir.file("db.sqlite"))
        _ = try store.replace([StoreFixtures.update("/a.txt", ["select the value of a column", "drop table chunks"])])
        _ = try store.lexicalSearch(query, limit: 5)
        #expect(try store.statistics().chunks == 2)
    }
}

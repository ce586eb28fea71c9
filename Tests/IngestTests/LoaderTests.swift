import RAGTestSupport
import Foundation
import Testing
import Ingest

@Suite struct HTMLLoaderTests {
    func load(_ relative: String) throws -> ExtractedDocument {
        let path = SharedData.path(relative)
        return try HTMLLoader().load(try Data(contentsOf: URL(fileURLWithPath: path)), path: path)
    }

    @Test func postgresPageKeepsContentAndDropsNavigation() throws {
        let document = try load("corpora/postgresql-15-html/ddl-basics.html")
        #expect(document.title == "5.1. Table Basics")
        #expect(document.text.hasPrefix("5.1. Table Basics\n\nA table in a relational database is much like a table on paper"))
        #expect(!document.text.contains("Prev"), "the navheader/navfooter tables are dropped")
        #expect(!document.text.contains("Home"))
        #expect(document.text.contains("CREATE TABLE my_first_table ("), "code in <pre> is kept")
        #expect(document.text.contains("DROP TABLE IF EXISTS"))
        #expect(!document.text.contains("&lt;") && !document.text.contains("&amp;"))
        let heading = try #require(document.blocks.first)
        #expect(heading.kind == .heading(level: 2))
        #expect(document.blocks.dropFirst().allSatisfy { $0.headingPath.first == "5.1. Table Basics" })
        #expect(document.blocks.contains { $0.headingPath == ["5.1. Table Basics", "Tip"] }, "the Tip box has an h3")
        #expect(document.blocks.contains { $0.kind == .code })
    }

    @Test func debianHandbookHeadingPathsAndNoSiteChrome() throws {
        let document = try load("corpora/debian-handbook-11-en/sect.apt-get.html")
        #expect(document.title == "6.2. aptitude, apt-get, and apt Commands")
        #expect(!document.text.contains("Download the ebook"), "the banner is dropped")
        #expect(!document.text.contains("Prev"), "the docnav list is dropped")
        let paths = Set(document.blocks.map { $0.headingPath.joined(separator: " > ") })
        #expect(paths.contains("6.2. aptitude, apt-get, and apt Commands > 6.2.3. System Upgrade"))
    }

    @Test func recoveringParserDecodesEntitiesAndSurvivesBrokenMarkup() throws {
        let html = """
            <html><head><title>T &amp; U</title><style>p { color: red }</style><script>if (a < b) { x("</p>") }</script>
            <body><nav><a href="/">Home</a></nav><h1>Caf&eacute; &#x263A; &#9731;</h1>
            <p>one<br>two &nbsp;&unknown; <b>bold</p><p>unclosed <i>italic
            <ul><li>first<li>second</ul>
            <table><tr><th>k</th><td>v</td></tr></table><pre>  line 1
              line 2</pre><!-- gone --><div class="toc">toc link</div>tail < text
            """
        let document = try HTMLLoader().load(Data(html.utf8), path: "inline.html")
        #expect(document.title == "T & U")
        #expect(document.text == """
            Café ☺ ☃

            one two &unknown; bold

            unclosed italic

            first

            second

            k | v

            line 1
              line 2

            tail < text
            """)
        #expect(document.blocks.map(\.kind) == [.heading(level: 1), .paragraph, .paragraph, .listItem, .listItem,
                                                .tableRow, .code, .paragraph])
    }
}

@Suite struct OtherLoaderTests {
    @Test func markdownHeadingsGiveThePathAndFencesAreCode() throws {
        let markdown = """
            # Guide

            Intro paragraph
            on two lines.

            ## Install
            Run this:

            ```sh
            # not a heading
            make install
            ```

            Setext Title
            ------------
            - item one
            - item two
            """
        let document = try MarkdownLoader().load(Data(markdown.utf8), path: "guide.md")
        #expect(document.title == "Guide")
        #expect(document.blocks.map(\.kind) == [.heading(level: 1), .paragraph, .heading(level: 2), .paragraph, .code,
                                                .heading(level: 2), .listItem, .listItem])
        #expect(document.blocks[4].headingPath == ["Guide", "Install"])
        #expect(document.blocks[6].headingPath == ["Guide", "Setext Title"])
        #expect(document.text.contains("# not a heading\nmake install"))
    }

    @Test func plainTextParagraphs() throws {
        let text = "Title line\r\n\r\nFirst paragraph\r\ncontinues.\n\n\n  Second.  \n"
        let document = try PlainTextLoader().load(Data(text.utf8), path: "a.txt")
        #expect(document.text == "Title line\n\nFirst paragraph\ncontinues.\n\nSecond.")
        #expect(document.blocks.count == 3)
        #expect(document.title == "Title line")
    }

    @Test func jsonlBEIRCorpusWorksAsIs() throws {
        let path = SharedData.path("retrieval/cranfield/corpus.jsonl")
        let records = try JSONLLoader().load(try Data(contentsOf: URL(fileURLWithPath: path)), path: path)
        let documents = records.documents
        #expect(documents.count == 1_398, "records 471 and 995 have no text")
        #expect(records.badLines.isEmpty)
        let first = try #require(documents.first)
        #expect(first.recordID == "1")
        #expect(first.metadata["_id"] == "1")
        #expect(first.metadata["text"] == nil)
        #expect(first.title.map { first.text.hasPrefix($0) } == true, "the title is the first block")
        #expect(Set(documents.map(\.recordID)).count == 1_398)
    }

    @Test func jsonlTextFieldAndMetadata() throws {
        let jsonl = """
            {"id": 7, "headword": "foo", "text": "The foo thing.", "tags": ["a", "b"], "score": 1.5, "ok": true}

            {"headword": "bar", "text": "Bar."}
            """
        let documents = try JSONLLoader().load(Data(jsonl.utf8), path: "j.jsonl").documents
        #expect(documents.map(\.recordID) == ["7", "line-3"])
        #expect(documents[0].metadata == ["id": "7", "headword": "foo", "tags": "[\"a\",\"b\"]", "score": "1.5", "ok": "true"])
        #expect(throws: IngestError.malformedRecord(path: "j.jsonl", line: 1,
                                                    reason: "no string field \"body\" (and 1 more bad lines)")) {
            _ = try JSONLLoader(textField: "body").load(Data(jsonl.utf8), path: "j.jsonl")
        }
        #expect(throws: IngestError.malformedRecord(path: "bad.jsonl", line: 2, reason: "invalid JSON")) {
            _ = try JSONLLoader(strict: true).load(Data("{\"text\": \"ok\"}\n{broken\n".utf8), path: "bad.jsonl")
        }
    }

    @Test func pdfPagesKeepTheirNumbers() throws {
        let path = SharedData.path("pdfs/R-data.pdf")
        let document = try PDFLoader().load(path: path)
        let pages = Set(document.blocks.compactMap(\.page))
        #expect(pages.count > 10)
        #expect(pages.min() == 1)
        #expect(document.text.contains("R Data Import/Export"))
    }

    @Test func emptyBinaryAndUndecodableFilesAreReported() throws {
        #expect(throws: IngestError.empty(path: "e.txt")) { _ = try PlainTextLoader().load(Data(), path: "e.txt") }
        #expect(throws: IngestError.empty(path: "w.txt")) { _ = try PlainTextLoader().load(Data(" \n\t\n".utf8), path: "w.txt") }
        #expect(throws: IngestError.binary(path: "b.txt")) { _ = try PlainTextLoader().load(Data([0x50, 0, 1, 2]), path: "b.txt") }
        #expect(throws: IngestError.empty(path: "n.html")) {
            _ = try HTMLLoader().load(Data("<html><script>x</script><nav>menu</nav></html>".utf8), path: "n.html")
        }
        #expect(IngestError.empty(path: "e.txt").isSkip)
        #expect(!IngestError.malformedRecord(path: "l.jsonl", line: 1, reason: "invalid JSON").isSkip)
    }
}

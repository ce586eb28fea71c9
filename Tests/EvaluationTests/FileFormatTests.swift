import Dataset
import RAGTestSupport
import Foundation
import Testing
import Evaluation

/// Reading qrels, queries and run files, and the errors that name file and line.
struct FileFormatTests {
    @Test func qrelsInBEIRAndTRECLayouts() throws {
        let dir = TemporaryDirectory()
        try dir.write("beir.tsv", "query-id\tcorpus-id\tscore\n1\t184\t1\n1\t29\t2\n2\t12\t0\n")
        try dir.write("trec.txt", "1 0 184 1\n1 0 29 2\n2 0 12 0\n")
        let beir = try Qrels.load(path: dir.file("beir.tsv"))
        #expect(beir == (try Qrels.load(path: dir.file("trec.txt"))))
        #expect(beir["1"] == ["184": 1, "29": 2])
        #expect(beir.queryIDs == ["1", "2"])
    }

    @Test func malformedQrelsNameTheLine() throws {
        let dir = TemporaryDirectory()
        try dir.write("bad.tsv", "1\t184\t1\n1\t29\tx\n")
        #expect(throws: EvaluationError.malformedLine(path: dir.file("bad.tsv"), line: 2, reason: "grade 'x' is not an integer")) {
            try Qrels.load(path: dir.file("bad.tsv"))
        }
    }

    @Test func queriesNeedIdAndText() throws {
        let dir = TemporaryDirectory()
        try dir.write("q.jsonl", "{\"_id\": \"1\", \"text\": \"heat transfer\"}\n{\"id\": 7, \"text\": \"wings\"}\n")
        #expect(try QuerySet.load(path: dir.file("q.jsonl")).queries.map(\.id) == ["1", "7"])
        try dir.write("bad.jsonl", "{\"_id\": \"1\", \"text\": \"a\"}\n\n{\"_id\": \"2\"}\n")
        #expect(throws: EvaluationError.missingField(path: dir.file("bad.jsonl"), line: 3, field: "text")) {
            try QuerySet.load(path: dir.file("bad.jsonl"))
        }
    }

    @Test func runFilesRoundTrip() throws {
        let dir = TemporaryDirectory()
        let run = TrecRun(results: ["2": [ScoredDocument(id: "b", score: 0.1), ScoredDocument(id: "a", score: 0.30000000000000004)],
                                    "1": [ScoredDocument(id: "c", score: -1.5)]], tag: "rag-lexical")
        try run.write(to: dir.file("run.trec"))
        let text = try String(contentsOfFile: dir.file("run.trec"), encoding: .utf8)
        #expect(text == "1 Q0 c 1 -1.5 rag-lexical\n2 Q0 a 1 0.30000000000000004 rag-lexical\n2 Q0 b 2 0.1 rag-lexical\n")
        let back = try TrecRun.load(path: dir.file("run.trec"))
        #expect(back.results["2"]?.map(\.score) == [0.30000000000000004, 0.1])
        #expect(back.tag == "rag-lexical")
    }

    @Test func generatedDatasetBecomesQueries() throws {
        let dir = TemporaryDirectory()
        try dir.write("d.jsonl", """
            {"id": "s1", "question": "What is WAL?", "answer": "A log.", "type": "factoid", "source_chunk_ids": [12, 13]}
            {"id": "s2", "text": "Some text", "label": "positive", "source_chunk_ids": [4]}
            {"id": "s1", "question": "Again?", "type": "factoid", "source_chunk_ids": [5]}
            {"id": "u1", "question": "What does the manual say about Mars?", "type": "unanswerable", "source_chunk_ids": [6]}

            """)
        let records = try DatasetRecord.load(path: dir.file("d.jsonl"))
        let (queries, qrels) = DatasetQueries.make(from: records)
        #expect(queries.queries.map(\.id) == ["s1", "s1@line-3"], "an unanswerable question has no relevant passage")
        #expect(qrels["s1"] == ["12": 1, "13": 1], "every source chunk of a multi-chunk question is relevant")
        #expect(qrels["s1@line-3"] == ["5": 1])
    }
}

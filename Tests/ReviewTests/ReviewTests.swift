import RAGTestSupport
import Embeddings
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Ingest
import Review
import Store
import Testing

/// A real database of the shipped sample corpus (hashing embedder: these tests are about reviews, not vectors)
/// and a dataset whose spans are sentences of its real chunks.
struct ReviewFixture {
    let dir = TemporaryDirectory()
    let store: CorpusStore
    let datasetPath: String
    /// (id, chunk) of the kept samples, then the rejected ones.
    let keptIDs = ["k1", "k2", "k3", "k4"]
    let rejectedIDs = ["r1", "r2"]
    let chunks: [StoredChunk]

    init() throws {
        let store = try CorpusStore(path: dir.file("db.sqlite"))
        self.store = store
        _ = try IngestPipeline(store: store, embedder: HashingEmbedder(dimension: 64), options: IngestOptions())
            .run(paths: [SharedData.packageRoot + "/corpora/postgresql-sample/ddl-default.html",
                         SharedData.packageRoot + "/corpora/postgresql-sample/indexes-types.html"])
        let all = try store.documentPaths().flatMap { try store.chunks(documentPath: $0) }
        chunks = Array(all.filter { $0.text.count > 200 }.prefix(6))
        precondition(chunks.count == 6, "the sample corpus has long enough chunks")
        let kept = zip(keptIDs, chunks.prefix(4)).map { Self.line($0, $1, passed: true) }
        let rejected = zip(rejectedIDs, chunks.suffix(2)).map { Self.line($0, $1, passed: false) }
        datasetPath = dir.file("data.jsonl")
        try dir.write("data.jsonl", kept.joined(separator: "\n") + "\n")
        try dir.write("data.rejected.jsonl", rejected.joined(separator: "\n") + "\n")
    }

    static func line(_ id: String, _ chunk: StoredChunk, passed: Bool) -> String {
        // The span: characters 10..<60 of the chunk, as document offsets.
        let text = String(Array(chunk.text)[10..<60])
        let record: [String: Any] = [
            "id": id, "question": "What does chunk \(chunk.id) say?", "answer": "Answer \(id).", "type": "factoid",
            "source_chunk_ids": [chunk.id],
            "spans": [["document": chunk.documentPath, "chunk_id": chunk.id,
                       "start": chunk.characterRange.lowerBound + 10, "end": chunk.characterRange.lowerBound + 60,
                       "text": text]],
            "checks": [["name": "grounding", "passed": passed, "score": passed ? 0.9 : 0.1, "reason": "r"]],
        ]
        return String(decoding: try! JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]), as: UTF8.self)
    }

    func review(_ id: String, _ reviewer: String, _ verdict: SampleReview.Verdict, edited: String? = nil,
                at time: Double = Date().timeIntervalSince1970) throws {
        try store.record(review: SampleReview(dataset: "data.jsonl", sampleID: id, reviewer: reviewer, verdict: verdict,
                                              edited: edited, automaticallyKept: id.hasPrefix("k"), reviewedAt: time))
    }
}

@Suite struct ReviewDatasetTests {
    @Test func loadsKeptAndRejectedSamplesWithTheSpanHighlightedInTheStoredChunk() throws {
        let fixture = try ReviewFixture()
        let dataset = try ReviewDataset(path: fixture.datasetPath, store: fixture.store)
        #expect(dataset.items.map(\.id) == fixture.keptIDs + fixture.rejectedIDs)
        #expect(dataset.items.map(\.automaticallyKept) == [true, true, true, true, false, false])
        for (item, chunk) in zip(dataset.items, fixture.chunks) {
            let passage = try #require(item.context.first)
            #expect(passage.chunkID == chunk.id && passage.isStored)
            #expect(passage.pieces.map(\.text).joined() == chunk.text)
            #expect(passage.pieces.filter(\.isSupport).map(\.text) == [String(Array(chunk.text)[10..<60])])
            #expect(item.unmatchedSpans.isEmpty)
            #expect(item.fields.map(\.name) == ["question", "answer"])
        }
        let keptOnly = try ReviewDataset(path: fixture.datasetPath, store: fixture.store, includeRejected: false)
        #expect(keptOnly.items.count == 4)
    }

    @Test func highlightsTheCitedOccurrenceByUnicodeScalarOffsetsInMixedScriptText() throws {
        // Combining accents, a ZWJ family and a flag before the span: Character and scalar offsets differ, and the
        // span's sentence occurs twice, so only the offsets (not a text search) find the cited one.
        let dir = TemporaryDirectory()
        let store = try CorpusStore(path: dir.file("db.sqlite"))
        let sentence = "The Cafe\u{301} serves tea at noon."
        try dir.write("cafe.md", "# Cafe\u{301} Ame\u{301}lie\n\n\(sentence) 👩‍👩‍👧 🇫🇷 Ame\u{301}lie says: \(sentence)\n")
        _ = try IngestPipeline(store: store, embedder: HashingEmbedder(dimension: 64), options: IngestOptions())
            .run(paths: [dir.file("cafe.md")])
        let chunk = try #require(try store.documentPaths().flatMap { try store.chunks(documentPath: $0) }
            .first { $0.text.contains("says") })
        let scalars = Array(chunk.text.unicodeScalars)
        let cited = chunk.text.unicodeScalars.count - sentence.unicodeScalars.count
            - (chunk.text.hasSuffix(".") ? 0 : chunk.text.unicodeScalars.reversed().prefix { $0 != "." }.count)
        #expect(String(String.UnicodeScalarView(scalars[cited..<(cited + sentence.unicodeScalars.count)])) == sentence)
        let record: [String: Any] = [
            "id": "s1", "question": "When does the café serve tea?", "answer": "at noon", "type": "factoid",
            "source_chunk_ids": [chunk.id],
            "spans": [["document": chunk.documentPath, "chunk_id": chunk.id,
                       "start": chunk.characterRange.lowerBound + cited,
                       "end": chunk.characterRange.lowerBound + cited + sentence.unicodeScalars.count, "text": sentence]],
            "checks": [["name": "grounding", "passed": true, "score": 0.9, "reason": "r"]],
        ]
        try dir.write("data.jsonl", String(decoding: try JSONSerialization.data(withJSONObject: record), as: UTF8.self) + "\n")
        let item = try #require(try ReviewDataset(path: dir.file("data.jsonl"), store: store).items.first)
        let pieces = try #require(item.context.first?.pieces)
        #expect(pieces.map(\.text).joined() == chunk.text)
        #expect(pieces.filter(\.isSupport).map(\.text) == [sentence])
        // The highlighted sentence is the second one: the text before it holds the first.
        let before = pieces.prefix { !$0.isSupport }.map(\.text).joined()
        #expect(before.contains(sentence) && before.contains("says"))
        #expect(item.unmatchedSpans.isEmpty)
    }

    @Test func malformedLineIsAnErrorNamingFileAndLine() throws {
        let fixture = try ReviewFixture()
        try fixture.dir.write("bad.jsonl", "{\"id\": \"a\", \"question\": \"q?\"}\nnot json\n")
        #expect(throws: ReviewError.malformedLine(path: fixture.dir.file("bad.jsonl"), line: 2, reason: "not a JSON object")) {
            try ReviewDataset(path: fixture.dir.file("bad.jsonl"), store: fixture.store)
        }
        try fixture.dir.write("empty.jsonl", "\n")
        #expect(throws: ReviewError.empty(path: fixture.dir.file("empty.jsonl"))) {
            try ReviewDataset(path: fixture.dir.file("empty.jsonl"), store: fixture.store, includeRejected: false)
        }
    }
}

@Suite struct ReviewAgreementTests {
    @Test func countsAgreementKappaDisputesAndReviewerPairs() throws {
        let fixture = try ReviewFixture()
        // alice: k1 accept, k2 accept, k3 reject, r1 reject, r2 accept.  bob: k1 accept, k3 accept, r1 reject.
        try fixture.review("k1", "alice", .accept)
        try fixture.review("k2", "alice", .accept)
        try fixture.review("k3", "alice", .reject)
        try fixture.review("r1", "alice", .reject)
        try fixture.review("r2", "alice", .accept)
        try fixture.review("k1", "bob", .accept)
        try fixture.review("k3", "bob", .accept)
        try fixture.review("r1", "bob", .reject)
        let dataset = try ReviewDataset(path: fixture.datasetPath, store: fixture.store)
        let a = ReviewAgreement(dataset: dataset, reviews: try fixture.store.reviews(dataset: dataset.name))
        #expect(a.samples == 6 && a.reviewed == 5 && a.disputed == 1)  // k3: alice reject, bob accept
        #expect(a.acceptedKept == 2 && a.acceptedRejected == 1 && a.rejectedKept == 0 && a.rejectedRejected == 1)
        #expect(a.agreement == 0.75)
        // Table [[2, 1], [0, 1]]: observed 0.75, expected (3*2 + 1*2)/16 = 0.5, kappa 0.5.
        #expect(abs((a.kappa ?? 0) - 0.5) < 1e-12)
        #expect(a.keptAcceptedShare == 1)
        #expect(a.reviewers == ["alice", "bob"])
        // alice vs bob on k1, k3, r1: agree on k1 and r1.
        let pair = try #require(a.pairs.first)
        #expect(pair.shared == 3 && abs(pair.agreement - 2.0 / 3.0) < 1e-12)
    }

    @Test func aReviewerChangingTheirMindReplacesTheirVerdictAndUndoRemovesIt() throws {
        let fixture = try ReviewFixture()
        try fixture.review("k1", "alice", .reject, at: 100)
        try fixture.review("k1", "alice", .accept, at: 200)
        var reviews = try fixture.store.reviews(dataset: "data.jsonl")
        #expect(reviews.count == 1 && reviews[0].verdict == .accept)
        #expect(try fixture.store.removeReview(dataset: "data.jsonl", sampleID: "k1", reviewer: "alice"))
        #expect(try !fixture.store.removeReview(dataset: "data.jsonl", sampleID: "k1", reviewer: "alice"))
        reviews = try fixture.store.reviews(dataset: "data.jsonl")
        #expect(reviews.isEmpty)
    }

    @Test func kappaIsUndefinedWhenBothRatersNeverVary() throws {
        let fixture = try ReviewFixture()
        try fixture.review("k1", "alice", .accept)
        try fixture.review("k2", "alice", .accept)
        let dataset = try ReviewDataset(path: fixture.datasetPath, store: fixture.store)
        let a = ReviewAgreement(dataset: dataset, reviews: try fixture.store.reviews(dataset: dataset.name))
        #expect(a.agreement == 1 && a.kappa == nil)
    }
}

@Suite struct ReviewExportTests {
    @Test func exportsAcceptedSamplesWithTheLatestEdit() throws {
        let fixture = try ReviewFixture()
        try fixture.review("k1", "alice", .accept, edited: #"{"answer": "first edit"}"#, at: 100)
        try fixture.review("k1", "bob", .accept, edited: #"{"answer": "second edit"}"#, at: 200)
        try fixture.review("k2", "alice", .reject)
        try fixture.review("r2", "alice", .accept)
        let dataset = try ReviewDataset(path: fixture.datasetPath, store: fixture.store)
        let reviews = try fixture.store.reviews(dataset: dataset.name)
        let lines = try ReviewExport.lines(dataset: dataset, reviews: reviews).map {
            try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        #expect(lines.map { $0["id"] as? String } == ["k1", "r2"])
        #expect(lines[0]["answer"] as? String == "second edit")
        #expect((lines[0]["review"] as? [String: Any])?["reviewers"] as? [String] == ["alice", "bob"])
        #expect(lines[1]["answer"] as? String == "Answer r2.")

        let withUnreviewed = try ReviewExport.lines(dataset: dataset, reviews: reviews, includeUnreviewed: true)
        #expect(withUnreviewed.count == 4)  // k1, k3, k4 (kept, unreviewed), r2; not k2 (rejected by a person)
        let written = try ReviewExport.write(to: fixture.dir.file("out.jsonl"), dataset: dataset, reviews: reviews)
        #expect(written == 2)
    }
}

/// The review server over real HTTP on 127.0.0.1.
@Suite struct ReviewServerTests {
    @Test func storesReviewsAndRejectsBadRequestsWithReasons() async throws {
        let fixture = try ReviewFixture()
        let dataset = try ReviewDataset(path: fixture.datasetPath, store: fixture.store)
        let server = try ReviewServer(dataset: dataset, store: fixture.store, reviewer: "alice")
        let task = Task { try await server.run() }
        defer { task.cancel() }
        // Generous limits: on a loaded two-core machine the cooperative pool can be busy with other tests' work.
        let url = try await server.url(timeout: 300)

        func post(_ body: String, method: String = "POST") async throws -> (Int, [String: Any]) {
            var request = URLRequest(url: URL(string: url + "api/review")!)
            request.httpMethod = method
            request.timeoutInterval = 300
            request.httpBody = Data(body.utf8)
            let (data, response) = try await URLSession.shared.data(for: request)
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
            return ((response as! HTTPURLResponse).statusCode, object)
        }

        func get(_ path: String) async throws -> Data {
            var request = URLRequest(url: URL(string: url + path)!)
            request.timeoutInterval = 300
            return try await URLSession.shared.data(for: request).0
        }

        let page = try await get("")
        let html = String(decoding: page, as: UTF8.self)
        #expect(html.contains("data-id=\"k1\"") && html.contains("<mark>"))

        var (status, reply) = try await post(#"{"sample_id": "k1", "reviewer": "alice", "verdict": "accept"}"#)
        #expect(status == 200 && reply["status"] as? String == "accepted")
        (status, reply) = try await post(#"{"sample_id": "k1", "reviewer": "alice", "verdict": "maybe"}"#)
        #expect(status == 400 && (reply["error"] as? String)?.contains("verdict") == true)
        (status, reply) = try await post(#"{"sample_id": "nope", "reviewer": "alice", "verdict": "accept"}"#)
        #expect(status == 404)
        (status, reply) = try await post(#"{"sample_id": "k2", "reviewer": "", "verdict": "accept"}"#)
        #expect(status == 400 && (reply["error"] as? String)?.contains("reviewer") == true)
        (status, reply) = try await post(#"{"sample_id": "k2", "reviewer": "bob", "verdict": "accept", "edited": {"source": "x"}}"#)
        #expect(status == 400 && (reply["error"] as? String)?.contains("no editable field") == true)
        (status, _) = try await post("not json")
        #expect(status == 400)
        (status, reply) = try await post(#"{"sample_id": "k1", "reviewer": "alice"}"#, method: "DELETE")
        #expect(status == 200 && reply["status"] as? String == "unreviewed")
        (status, _) = try await post(#"{"sample_id": "k2", "reviewer": "bob", "verdict": "reject", "note": "vague"}"#)
        #expect(status == 200)

        let stored = try fixture.store.reviews(dataset: "data.jsonl")
        #expect(stored.map(\.sampleID) == ["k2"] && stored[0].note == "vague" && stored[0].automaticallyKept)
        let agreementData = try await get("api/agreement")
        let agreement = try JSONSerialization.jsonObject(with: agreementData) as? [String: Any]
        #expect(agreement?["rejected_kept"] as? Int == 1)
        await server.stop()
    }
}

import RAGTestSupport
import Foundation
import LanguageModels
import Store
import Testing

/// Spans are exact on text where a Character is several Unicode scalars: combining marks, ZWJ emoji, flags,
/// and on CJK and right-to-left text. Each cited span is checked as an outside program would: the stored
/// chunk text sliced at `start - chunk.char_start ..< end - chunk.char_start` in Unicode scalars.
@Suite struct UnicodeSpanTests {
    static let corpus = """
        # Caf\u{65}\u{301} Am\u{65}\u{301}lie

        Caf\u{65}\u{301} Am\u{65}\u{301}lie is a bakery in Lyon that opened its doors in 1998 on the old market square.

        The 👩‍💻 team at Caf\u{65}\u{301} Am\u{65}\u{301}lie is a group of three people who keep the website running.

        The flag 🇫🇷 is the French tricolour that hangs above the entrance of the bakery every day.

        東京 is the capital of Japan and the largest city of the country by population.

        The word שלום is a Hebrew greeting that means peace and is also used to say goodbye.

        The word مرحبا is an Arabic greeting that means hello and is used at any time of day.

        A croissant from Caf\u{65}\u{301} Am\u{65}\u{301}lie is a crescent of laminated dough that costs two euros 😀.
        """

    @Test func everyOfflineSpanIsExactInUnicodeScalars() async throws {
        let checked = try await Self.checkSpans(generator: ["--offline"], count: 7)
        #expect(checked.count >= 5, "spans checked: \(checked.count)")
        #expect(checked.contains { $0.unicodeScalars.count > $0.count }, "some span holds multi-scalar characters")
    }

    /// The same with the real 0.5B writer: its quotes are located in the passages, and every span it cites, kept
    /// or rejected, is exact.
    @Test func everyLLMSpanIsExactInUnicodeScalars() async throws {
        try #require(LocalLLMServer.isInstalled(), "the local LLM is not installed: run bash scripts/install-llm.sh")
        let checked = try await Self.checkSpans(
            generator: ["--writer", "small", "--no-grounding", "--sources-per-sample", "3"], count: 4)
        #expect(checked.count >= 2, "spans checked: \(checked.count)")
    }

    /// Ingests the corpus, generates with `generator`, and checks every span of the kept and rejected lines
    /// against the stored chunk text, sliced in Unicode scalars; returns the texts of the spans checked.
    static func checkSpans(generator: [String], count: Int) async throws -> [String] {
        let dir = TemporaryDirectory()
        // One file a paragraph (with the next one, for the 30 words a source needs), each under the heading.
        let paragraphs = Array(Self.corpus.components(separatedBy: "\n\n").dropFirst())
        let heading = Self.corpus.components(separatedBy: "\n\n")[0]
        for (index, paragraph) in paragraphs.enumerated() {
            try dir.write("docs/cafe-\(index).md", [heading, paragraph, paragraphs[(index + 1) % paragraphs.count]]
                .joined(separator: "\n\n"))
        }
        let ingest = try await RagProcess.run(["ingest", "docs", "--db", "u.db", "--embedder", "hash"], in: dir.path)
        try #require(ingest.status == 0, "\(ingest.stderr)")
        try dir.write("task.yaml", """
            domain: a bakery in Lyon
            kind: qa
            count: \(count)
            seed: 4
            qa: {types: {definition: 1.0}, answer_style: span}
            """)
        let generate = try await RagProcess.run(["generate", "--task", "task.yaml", "--db", "u.db", "--out", "d.jsonl",
                                                 "--embedder", "hash"] + generator, in: dir.path)
        try #require(generate.status == 0, "\(generate.stderr)")
        var lines = try String(contentsOfFile: dir.file("d.jsonl"), encoding: .utf8).split(separator: "\n").map(String.init)
        if let rejected = try? String(contentsOfFile: dir.file("d.rejected.jsonl"), encoding: .utf8) {
            lines += rejected.split(separator: "\n").map(String.init)
        }
        let store = try CorpusStore(path: dir.file("u.db"), create: false)
        var checked: [String] = []
        for line in lines {
            for span in try RagProcess.json(line)["spans"] as? [[String: Any]] ?? [] {
                let id = try #require((span["chunk_id"] as? NSNumber)?.int64Value)
                let chunk = try #require(try store.chunks(ids: [id]).first)
                let start = try #require((span["start"] as? NSNumber)?.intValue) - chunk.characterRange.lowerBound
                let end = try #require((span["end"] as? NSNumber)?.intValue) - chunk.characterRange.lowerBound
                let scalars = Array(chunk.text.unicodeScalars)
                try #require(start >= 0 && end <= scalars.count && start < end, "span \(start)..<\(end) outside its chunk")
                var sliced = String.UnicodeScalarView()
                sliced.append(contentsOf: scalars[start..<end])
                #expect(String(sliced) == span["text"] as? String)
                checked.append(String(sliced))
            }
        }
        return checked
    }
}

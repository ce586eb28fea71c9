import RAGTestSupport
import Embeddings
import Foundation
import Retrieval
import Store
import Testing
import VectorIndex
import Ingest

/// A seeded fuzz of ingest: real files from `../shared/data` (HTML, Markdown, JSONL, text, PDF) with bytes
/// flipped, inserted and deleted, cut short, and re-encoded, plus a few monsters. Every file must end as
/// ingested, skipped or failed with a reason; nothing crashes or hangs; the database stays intact; a rerun
/// writes nothing. The embedder is the hashing one (a real embedder, fast): the test is about reading files.
@Suite struct FuzzedIngestTests {
    struct Sample {
        var name: String
        var bytes: Data
    }

    /// The mutated corpus: at least 500 files, the same for a given seed.
    static func corpus(seed: UInt64) throws -> [Sample] {
        var random = SplitMix64(seed: seed)
        func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
        func read(_ relative: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: SharedData.path(relative))) }
        func listing(_ relative: String, suffix: String, limit: Int) throws -> [String] {
            let names = try FileManager.default.contentsOfDirectory(atPath: SharedData.path(relative))
                .filter { $0.hasSuffix(suffix) }.sorted()
            return names.prefix(limit).map { relative + "/" + $0 }
        }
        let html = try listing("corpora/postgresql-15-html", suffix: ".html", limit: 120)
            + listing("corpora/debian-handbook-11-en", suffix: ".html", limit: 60)
        let text = try listing("corpora/debian-policy-4.6.2", suffix: ".txt", limit: 25)
        let markdown = ["README.md", "classification/trec-questions/README.md"] + text
        let pdf = ["pdfs/R-data.pdf", "pdfs/live-manual.en.a4.pdf"]
        let jsonlLines = [try read("corpora/jargon-file-4.4.7/jargon.jsonl"), try read("retrieval/cranfield/corpus.jsonl")]
            .map { $0.split(separator: 0x0A) }

        func mutate(_ original: Data) -> Data {
            var bytes = original
            guard !bytes.isEmpty else { return bytes }
            func position() -> Int { Int(random.next() % UInt64(max(bytes.count, 1))) }
            func randomByte() -> UInt8 { UInt8(truncatingIfNeeded: random.next()) }
            switch random.next() % 8 {
            case 0, 1:   // flip bytes
                for _ in 0..<(1 + random.next() % 40) { bytes[bytes.startIndex + position()] = randomByte() }
            case 2:      // insert bytes
                for _ in 0..<(1 + random.next() % 20) {
                    bytes.insert(contentsOf: (0..<(1 + random.next() % 8)).map { _ in randomByte() }, at: position())
                }
            case 3:      // delete ranges
                for _ in 0..<(1 + random.next() % 10) where bytes.count > 64 {
                    let start = position()
                    bytes.removeSubrange(start..<min(bytes.count, start + 1 + Int(random.next() % 200)))
                }
            case 4:      // truncate
                bytes = bytes.prefix(position())
            case 5:      // UTF-16 LE with a byte-order mark
                let text = String(decoding: bytes, as: UTF8.self)
                var out = Data([0xFF, 0xFE])
                for unit in text.utf16 { out.append(UInt8(unit & 0xFF)); out.append(UInt8(unit >> 8)) }
                bytes = out
            case 6:      // Latin-1, undeclared
                bytes = String(decoding: bytes, as: UTF8.self).data(using: .isoLatin1, allowLossyConversion: true) ?? bytes
            default:     // a byte-order mark and Windows line ends
                bytes = Data([0xEF, 0xBB, 0xBF]) + Data(String(decoding: bytes, as: UTF8.self)
                    .replacingOccurrences(of: "\n", with: "\r\n").utf8)
            }
            return bytes
        }

        var samples: [Sample] = []
        for i in 0..<200 {
            let source = pick(html)
            samples.append(Sample(name: "html/\(i)-\((source as NSString).lastPathComponent)", bytes: mutate(try read(source))))
        }
        for i in 0..<80 {
            samples.append(Sample(name: "text/\(i).txt", bytes: mutate(try read(pick(text)))))
        }
        for i in 0..<80 {
            let base = i % 10 == 0 ? Data((0..<4_000).map { _ in UInt8(truncatingIfNeeded: random.next()) })
                : try read(pick(markdown))
            samples.append(Sample(name: "markdown/\(i).md", bytes: mutate(base)))
        }
        for i in 0..<80 {
            let lines = pick(jsonlLines)
            let start = Int(random.next() % UInt64(lines.count - 40))
            var chosen = Array(lines[start..<(start + 40)])
            for _ in 0..<(random.next() % 4) {   // random lines among the good ones
                chosen[Int(random.next() % 40)] = Data((0..<(random.next() % 80)).map { _ in UInt8(truncatingIfNeeded: random.next()) })
            }
            let file = Data(chosen.joined(separator: [0x0A]))
            samples.append(Sample(name: "jsonl/\(i).jsonl", bytes: random.next() % 2 == 0 ? file : mutate(file)))
        }
        for i in 0..<60 {
            samples.append(Sample(name: "pdf/\(i).pdf", bytes: mutate(try read(pick(pdf)))))
        }
        samples.append(Sample(name: "monsters/empty.txt", bytes: Data()))
        samples.append(Sample(name: "monsters/nested.html", bytes: Data((String(repeating: "<div>", count: 50_000)
            + "deep text" + String(repeating: "</div>", count: 50_000)).utf8)))
        samples.append(Sample(name: "monsters/long-line.txt",
                              bytes: Data(String(repeating: "word ", count: 2_000_000).utf8)))
        return samples
    }

    @Test func everyMutatedFileEndsIngestedSkippedOrFailedWithAReason() throws {
        let dir = TemporaryDirectory()
        let samples = try Self.corpus(seed: 2_026)
        #expect(samples.count >= 500)
        for sample in samples {
            try sample.bytes.write(to: URL(fileURLWithPath: dir.file("corpus/" + sample.name)).createdDirectory())
        }
        let db = dir.file("fuzz.db")
        let embedder = HashingEmbedder(dimension: 64)
        let first = try IngestPipeline(store: try CorpusStore(path: db), embedder: embedder, options: IngestOptions())
            .run(paths: [dir.file("corpus")])
        #expect(first.files == samples.count)

        let problems = first.failures + first.skips
        let ingested = first.files - first.failed - first.skipped
        #expect(ingested + first.failed + first.skipped == samples.count)
        for problem in problems {
            #expect(!problem.reason.isEmpty && !problem.reason.contains("exit status"), "\(problem)")
        }

        // Counts per format and outcome, in the test's output.
        var table: [String: (ingested: Int, skipped: Int, failed: Int)] = [:]
        let failedPaths = Set(first.failures.map(\.path)), skippedPaths = Set(first.skips.map(\.path))
        for sample in samples {
            let format = String(sample.name.prefix(while: { $0 != "/" }))
            let path = dir.file("corpus/" + sample.name)
            var row = table[format] ?? (0, 0, 0)
            if failedPaths.contains(path) { row.failed += 1 } else if skippedPaths.contains(path) { row.skipped += 1 } else { row.ingested += 1 }
            table[format] = row
        }
        print("fuzzed ingest, \(samples.count) files: format ingested/skipped/failed")
        for (format, row) in table.sorted(by: { $0.key < $1.key }) {
            print("  \(format): \(row.ingested)/\(row.skipped)/\(row.failed)")
        }
        let reasons = Dictionary(grouping: problems.map { $0.reason.prefix(60) }, by: { $0 }).mapValues(\.count)
        for (reason, count) in reasons.sorted(by: { $0.value > $1.value }).prefix(12) { print("  \(count) × \(reason)") }
        print("  bad JSONL lines \(first.badLines.count); characters replaced \(first.replacedCharacters)")

        // Damaged pages are read as a browser reads them: almost all HTML and text survives.
        let htmlRow = try #require(table["html"])
        #expect(htmlRow.ingested >= 180, "flips, inserts, deletions and re-encodings leave a page readable")
        #expect(try #require(table["jsonl"]).failed <= 8, "random lines cost only themselves")

        let store = try CorpusStore(path: db)
        #expect(try store.integrityProblems().isEmpty)
        #expect(try ChunkIndex.health(of: store).status == "ok")
        let before = try store.statistics()

        let second = try IngestPipeline(store: store, embedder: embedder, options: IngestOptions())
            .run(paths: [dir.file("corpus")])
        #expect(second.documents == 0 && second.chunks == 0 && second.removed == 0, "a rerun is a no-op")
        #expect(second.unchanged == ingested)
        #expect(try store.statistics().chunks == before.chunks)
    }
}

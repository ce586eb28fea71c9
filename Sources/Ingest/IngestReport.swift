import Foundation
import Store

/// `rag ingest --json`: the summary plus rates and the database's totals.
public struct IngestReport: Encodable, Sendable {
    public var documents, chunks, skipped, failed, unchanged, removed, files, bytes, tokens: Int
    public var seconds, embedSeconds, extractSeconds, writeSeconds, indexSeconds, embedShare: Double
    public var documentsPerSecond, mbPerSecond, chunksPerSecond: Double
    public var indexRepair: String
    public var database: String
    public var totalDocuments, totalChunks: Int
    public var failures, skips, badLines: [FileProblem]
    public var decodingNotes: [DecodingNote]
    public var replacedCharacters, indexVectors: Int

    public init(summary s: IngestSummary, statistics: StoreStatistics, database: String) {
        let wall = max(s.seconds, 1e-9)
        documents = s.documents; chunks = s.chunks; skipped = s.skipped; failed = s.failed
        unchanged = s.unchanged; removed = s.removed; files = s.files; bytes = s.bytes; tokens = s.tokens
        seconds = s.seconds; embedSeconds = s.embedSeconds; extractSeconds = s.extractSeconds
        writeSeconds = s.writeSeconds; indexSeconds = s.indexSeconds; embedShare = s.embedSeconds / wall
        documentsPerSecond = Double(s.documents) / wall
        mbPerSecond = Double(s.bytes) / 1e6 / wall
        chunksPerSecond = Double(s.chunks) / wall
        indexRepair = s.indexRepair
        self.database = database
        totalDocuments = statistics.documents
        totalChunks = statistics.chunks
        failures = s.failures
        skips = s.skips
        badLines = s.badLines
        decodingNotes = s.decodingNotes
        replacedCharacters = s.replacedCharacters
        indexVectors = s.indexVectors
    }
}

extension IngestSummary {
    /// The summary for people: counts, rates, the index, failures, bad lines, decoding notes and skips.
    public func text(statistics: StoreStatistics) -> String {
        let s = self
        var lines = [
            String(format: "%d files: %d documents and %d chunks (%d tokens) written in %.1f s; "
                   + "%d unchanged, %d skipped, %d failed, %d removed",
                   s.files, s.documents, s.chunks, s.tokens, s.seconds, s.unchanged, s.skipped, s.failed, s.removed),
        ]
        if s.chunks > 0 {
            lines.append(String(format: "embedding %.1f s (%.0f%% of wall time); %.2f documents/s, %.3f MB/s, %.1f chunks/s",
                                s.embedSeconds, 100 * s.embedSeconds / max(s.seconds, 1e-9),
                                Double(s.documents) / max(s.seconds, 1e-9),
                                Double(s.bytes) / 1e6 / max(s.seconds, 1e-9), Double(s.chunks) / max(s.seconds, 1e-9)))
        }
        lines.append("database: \(statistics.documents) documents, \(statistics.chunks) chunks; "
                     + "index: \(s.indexVectors) vectors (on open: \(s.indexRepair))")
        for failure in s.failures.prefix(20) { lines.append("failed: \(failure.path): \(failure.reason)") }
        if s.failures.count > 20 { lines.append("... and \(s.failures.count - 20) more failures (see --json)") }
        if !s.badLines.isEmpty {
            let files = Set(s.badLines.map(\.path)).count
            lines.append("\(s.badLines.count) bad JSONL lines left out in \(files) file(s) (good lines ingested):")
            for bad in s.badLines.prefix(10) { lines.append("  \(bad.path):\(bad.line ?? 0): \(bad.reason)") }
            if s.badLines.count > 10 { lines.append("  ... and \(s.badLines.count - 10) more (see --json)") }
        }
        if !s.decodingNotes.isEmpty {
            let byEncoding = Dictionary(grouping: s.decodingNotes, by: { "\($0.encoding.encoding) (\($0.encoding.source.rawValue))" })
            let encodings = byEncoding.sorted(by: { $0.key < $1.key }).map { "\($0.value.count) \($0.key)" }
            lines.append("decoded: \(encodings.joined(separator: ", ")); \(s.replacedCharacters) characters "
                         + "replaced by U+FFFD")
        }
        let reasons = Dictionary(grouping: s.skips, by: \.reason).mapValues(\.count)
        for (reason, count) in reasons.sorted(by: { $0.key < $1.key }) { lines.append("skipped \(count): \(reason)") }
        return lines.joined(separator: "\n")
    }
}

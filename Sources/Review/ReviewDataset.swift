import Foundation
import Store

/// A passage of a sample's context as the reviewer sees it: the stored chunk, with the supporting spans marked.
public struct ReviewPassage: Sendable, Equatable {
    public var chunkID: Int64
    public var document: String
    public var heading: String
    /// The chunk text cut into plain and highlighted pieces, in order.
    public var pieces: [Piece]
    /// False when the chunk is no longer in the database (the corpus changed after generation).
    public var isStored: Bool

    public struct Piece: Sendable, Equatable {
        public var text: String
        public var isSupport: Bool
    }
}

/// One sample under review: its JSONL record, whether the automatic checks kept it, and its context.
public struct ReviewItem: Sendable, Equatable {
    /// The sample's id, unique in the dataset (a repeated id gets `@line-N`).
    public var id: String
    /// The record's JSON text, as read.
    public var recordText: String
    public var automaticallyKept: Bool
    public var type: String
    /// Task fields a reviewer may edit (string fields: question, answer, text, label, ...), in display order.
    public var fields: [Field]
    /// The automatic checks' results.
    public var checks: [Check]
    public var context: [ReviewPassage]
    /// Quoted spans that were not found in the stored chunks.
    public var unmatchedSpans: [String]

    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    public struct Check: Sendable, Equatable {
        public var name: String
        public var passed: Bool
        public var score: Double
        public var reason: String
    }
}

/// A generated dataset opened for review: the kept samples of `FILE.jsonl` and, when present, the rejected
/// ones of `FILE.rejected.jsonl`, so that reviewers can also judge what the automatic checks threw away.
public struct ReviewDataset: Sendable {
    /// The name reviews are stored under: the dataset's file name, so a moved file keeps its reviews.
    public let name: String
    public let path: String
    public let items: [ReviewItem]

    /// Fields of a record that are provenance, not task content.
    static let provenanceKeys: Set<String> = [
        "id", "type", "source_chunk_ids", "spans", "generator", "model", "round", "checks", "context", "review",
    ]

    /// Loads `path` (and its rejected file unless `includeRejected` is false) and the context chunks from `store`.
    /// - Throws: ``ReviewError`` naming the file and line of a malformed record, or an empty dataset.
    public init(path: String, store: CorpusStore, includeRejected: Bool = true) throws {
        self.path = path
        name = URL(fileURLWithPath: path).lastPathComponent
        var records: [(text: String, object: [String: Any], kept: Bool, line: Int)] = []
        for (line, text, object) in try Self.readLines(path) { records.append((text, object, true, line)) }
        let rejectedPath = (path.hasSuffix(".jsonl") ? String(path.dropLast(6)) : path) + ".rejected.jsonl"
        if includeRejected, FileManager.default.fileExists(atPath: rejectedPath) {
            for (line, text, object) in try Self.readLines(rejectedPath) { records.append((text, object, false, line)) }
        }
        guard !records.isEmpty else { throw ReviewError.empty(path: path) }

        let chunkIDs = Set(records.flatMap { Self.int64s($0.object["source_chunk_ids"]) })
        let chunks = Dictionary(uniqueKeysWithValues: try store.chunks(ids: Array(chunkIDs).sorted()).map { ($0.id, $0) })
        var seen: Set<String> = []
        items = records.map { record in
            var id = (record.object["id"] as? String) ?? (record.object["id"] as? NSNumber)?.stringValue
                ?? "line-\(record.line)"
            if !seen.insert(id).inserted {
                id += record.kept ? "@line-\(record.line)" : "@rejected-line-\(record.line)"
                seen.insert(id)
            }
            return Self.item(id: id, record: record.object, text: record.text, kept: record.kept, chunks: chunks)
        }
    }

    /// The item with `id`.
    public func item(id: String) -> ReviewItem? { items.first { $0.id == id } }

    static func readLines(_ path: String) throws -> [(Int, String, [String: Any])] {
        let content: String
        do { content = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ReviewError.cannotRead(path: path, reason: (error as NSError).localizedDescription)
        }
        var out: [(Int, String, [String: Any])] = []
        for (index, line) in content.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if text.isEmpty { continue }
            guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
                throw ReviewError.malformedLine(path: path, line: index + 1, reason: "not a JSON object")
            }
            out.append((index + 1, text, object))
        }
        return out
    }

    static func int64s(_ value: Any?) -> [Int64] {
        (value as? [Any] ?? []).compactMap { ($0 as? NSNumber)?.int64Value }
    }

    static func item(id: String, record: [String: Any], text: String, kept: Bool,
                     chunks: [Int64: StoredChunk]) -> ReviewItem {
        let preferred = ["question", "answer", "text", "label"]
        var fields = preferred.compactMap { key in
            (record[key] as? String).map { ReviewItem.Field(name: key, value: $0) }
        }
        for key in record.keys.sorted() where !preferred.contains(key) && !provenanceKeys.contains(key) {
            if let value = record[key] as? String, !key.hasPrefix("_") { fields.append(.init(name: key, value: value)) }
        }
        if let extracted = record["fields"] as? [String: Any] {
            for key in extracted.keys.sorted() {
                if let value = extracted[key] as? String { fields.append(.init(name: "fields.\(key)", value: value)) }
            }
        }
        let checks = (record["checks"] as? [[String: Any]] ?? []).map {
            ReviewItem.Check(name: ($0["name"] as? String) ?? "?", passed: ($0["passed"] as? Bool) ?? false,
                             score: ($0["score"] as? NSNumber)?.doubleValue ?? 0, reason: ($0["reason"] as? String) ?? "")
        }
        let spans: [(chunk: Int64, start: Int, end: Int, text: String)] = (record["spans"] as? [[String: Any]] ?? []).map {
            (($0["chunk_id"] as? NSNumber)?.int64Value ?? -1, ($0["start"] as? NSNumber)?.intValue ?? 0,
             ($0["end"] as? NSNumber)?.intValue ?? 0, ($0["text"] as? String) ?? "")
        }
        var unmatched: [String] = []
        var context: [ReviewPassage] = []
        for chunkID in int64s(record["source_chunk_ids"]) {
            guard let chunk = chunks[chunkID] else {
                context.append(ReviewPassage(chunkID: chunkID, document: "", heading: "",
                                             pieces: [.init(text: "(chunk \(chunkID) is no longer in the database)", isSupport: false)],
                                             isStored: false))
                continue
            }
            let characters = Array(chunk.text)
            var ranges: [Range<Int>] = []
            for span in spans where span.chunk == chunkID {
                let local = (span.start - chunk.characterRange.lowerBound)..<(span.end - chunk.characterRange.lowerBound)
                if local.lowerBound >= 0, local.upperBound <= characters.count,
                   String(characters[local]) == span.text {
                    ranges.append(local)
                } else if let found = chunk.text.range(of: span.text), !span.text.isEmpty {
                    let lower = chunk.text.distance(from: chunk.text.startIndex, to: found.lowerBound)
                    ranges.append(lower..<(lower + span.text.count))
                } else {
                    unmatched.append(span.text)
                }
            }
            context.append(ReviewPassage(chunkID: chunkID, document: chunk.documentPath,
                                         heading: chunk.headingPath.joined(separator: " › "),
                                         pieces: pieces(characters, marked: ranges), isStored: true))
        }
        let contextIDs = Set(context.map(\.chunkID))
        for span in spans where !contextIDs.contains(span.chunk) { unmatched.append(span.text) }
        return ReviewItem(id: id, recordText: text, automaticallyKept: kept, type: (record["type"] as? String) ?? "",
                          fields: fields, checks: checks, context: context, unmatchedSpans: unmatched)
    }

    /// Cuts `characters` into alternating plain and marked pieces (overlapping ranges merge).
    static func pieces(_ characters: [Character], marked: [Range<Int>]) -> [ReviewPassage.Piece] {
        var merged: [Range<Int>] = []
        for range in marked.sorted(by: { $0.lowerBound < $1.lowerBound }) where !range.isEmpty {
            if let last = merged.last, range.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        var pieces: [ReviewPassage.Piece] = []
        var position = 0
        for range in merged {
            if range.lowerBound > position {
                pieces.append(.init(text: String(characters[position..<range.lowerBound]), isSupport: false))
            }
            pieces.append(.init(text: String(characters[range]), isSupport: true))
            position = range.upperBound
        }
        if position < characters.count {
            pieces.append(.init(text: String(characters[position...]), isSupport: false))
        }
        return pieces
    }
}

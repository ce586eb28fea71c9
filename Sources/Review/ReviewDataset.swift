import Dataset
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
        var records: [(line: JSONLines.Line, kept: Bool)] = []
        for line in try Self.readLines(path) { records.append((line, true)) }
        let rejectedPath = (path.hasSuffix(".jsonl") ? String(path.dropLast(6)) : path) + ".rejected.jsonl"
        if includeRejected, FileManager.default.fileExists(atPath: rejectedPath) {
            for line in try Self.readLines(rejectedPath) { records.append((line, false)) }
        }
        guard !records.isEmpty else { throw ReviewError.empty(path: path) }

        let chunkIDs = Set(records.flatMap { Self.int64s($0.line.object["source_chunk_ids"]) })
        let chunks = Dictionary(uniqueKeysWithValues: try store.chunks(ids: Array(chunkIDs).sorted()).map { ($0.id, $0) })
        var seen: Set<String> = []
        items = records.map { record in
            let number = record.line.number
            var id = record.line.object["id"]?.looseString ?? "line-\(number)"
            if !seen.insert(id).inserted {
                id += record.kept ? "@line-\(number)" : "@rejected-line-\(number)"
                seen.insert(id)
            }
            return Self.item(id: id, record: record.line.object, text: record.line.text, kept: record.kept, chunks: chunks)
        }
    }

    /// The item with `id`.
    public func item(id: String) -> ReviewItem? { items.first { $0.id == id } }

    /// The records of `path`, read by the one JSONL reader; its errors are reported as review errors.
    static func readLines(_ path: String) throws -> [JSONLines.Line] {
        do {
            return try JSONLines.read(path)
        } catch let DatasetError.cannotRead(path, reason) {
            throw ReviewError.cannotRead(path: path, reason: reason)
        } catch let DatasetError.malformedLine(path, line, reason) {
            throw ReviewError.malformedLine(path: path, line: line, reason: reason)
        }
    }

    static func int64s(_ value: JSONValue?) -> [Int64] {
        (value?.arrayValue ?? []).compactMap { $0.looseInt.map(Int64.init) }
    }

    static func item(id: String, record: [String: JSONValue], text: String, kept: Bool,
                     chunks: [Int64: StoredChunk]) -> ReviewItem {
        let preferred = ["question", "answer", "text", "label"]
        var fields = preferred.compactMap { key in
            record[key]?.stringValue.map { ReviewItem.Field(name: key, value: $0) }
        }
        for key in record.keys.sorted() where !preferred.contains(key) && !provenanceKeys.contains(key) {
            if let value = record[key]?.stringValue, !key.hasPrefix("_") { fields.append(.init(name: key, value: value)) }
        }
        if let extracted = record["fields"]?.objectValue {
            for key in extracted.keys.sorted() {
                if let value = extracted[key]?.stringValue { fields.append(.init(name: "fields.\(key)", value: value)) }
            }
        }
        let checks = CheckOutcome.outcomes(in: record).map {
            ReviewItem.Check(name: $0.name, passed: $0.passed, score: $0.score, reason: $0.reason)
        }
        // Offsets are Unicode scalars of the document's text, so the chunk is cut by scalars too.
        let spans: [(chunk: Int64, start: Int, end: Int, text: String)] = (record["spans"]?.arrayValue ?? []).map {
            ($0["chunk_id"]?.looseInt.map(Int64.init) ?? -1, $0["start"]?.looseInt ?? 0, $0["end"]?.looseInt ?? 0,
             $0["text"]?.stringValue ?? "")
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
            let scalars = Array(chunk.text.unicodeScalars)
            var ranges: [Range<Int>] = []
            for span in spans where span.chunk == chunkID {
                let local = (span.start - chunk.characterRange.lowerBound)..<(span.end - chunk.characterRange.lowerBound)
                if local.lowerBound >= 0, local.upperBound <= scalars.count,
                   String(String.UnicodeScalarView(scalars[local])) == span.text {
                    ranges.append(local)
                } else if let found = chunk.text.range(of: span.text), !span.text.isEmpty {
                    let lower = chunk.text.unicodeScalars.distance(from: chunk.text.startIndex, to: found.lowerBound)
                    ranges.append(lower..<(lower + span.text.unicodeScalars.count))
                } else {
                    unmatched.append(span.text)
                }
            }
            context.append(ReviewPassage(chunkID: chunkID, document: chunk.documentPath,
                                         heading: chunk.headingPath.joined(separator: " › "),
                                         pieces: pieces(scalars, marked: ranges), isStored: true))
        }
        let contextIDs = Set(context.map(\.chunkID))
        for span in spans where !contextIDs.contains(span.chunk) { unmatched.append(span.text) }
        return ReviewItem(id: id, recordText: text, automaticallyKept: kept, type: record["type"]?.stringValue ?? "",
                          fields: fields, checks: checks, context: context, unmatchedSpans: unmatched)
    }

    /// Cuts `scalars` into alternating plain and marked pieces (overlapping ranges merge).
    static func pieces(_ scalars: [Unicode.Scalar], marked: [Range<Int>]) -> [ReviewPassage.Piece] {
        func text(_ range: Range<Int>) -> String { String(String.UnicodeScalarView(scalars[range])) }
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
                pieces.append(.init(text: text(position..<range.lowerBound), isSupport: false))
            }
            pieces.append(.init(text: text(range), isSupport: true))
            position = range.upperBound
        }
        if position < scalars.count {
            pieces.append(.init(text: text(position..<scalars.count), isSupport: false))
        }
        return pieces
    }
}

import Foundation

/// One line of a dataset made elsewhere (or by rag), read back as a sample with its passages: what `rag filter`
/// checks. A line is a JSON object with "question" and "answer" (or "text" with "label" or "fields"), and its
/// context as "context" (a string or a list of strings) or "source_chunk_ids" (chunks of a database).
public struct DatasetLine: Sendable {
    /// The line's number in its file, from 1.
    public var number: Int
    public var object: [String: JSONValue]
    public var sample: GeneratedSample

    /// Looks up the passages of chunk ids (in the order given, unknown ones left out).
    public typealias ChunkLookup = ([Int64]) throws -> [SourcePassage]

    /// Reads every non-blank line of `path`. Chunk ids are resolved with `chunks`; `database` names where they
    /// come from in errors.
    /// - Throws: ``DatasetError`` naming the file and line of a line that is not a sample or has no context.
    public static func read(_ path: String, chunks: ChunkLookup?, database: String?) throws -> [DatasetLine] {
        func fail(_ number: Int, _ reason: String) -> DatasetError {
            .malformedLine(path: path, line: number, reason: reason)
        }
        var lines: [DatasetLine] = []
        for line in try JSONLines.read(path) {
            let number = line.number, object = line.object
            let isQA = object["question"]?.stringValue != nil && object["answer"]?.stringValue != nil
            let isText = object["text"]?.stringValue != nil && (object["label"] != nil || object["fields"] != nil)
            guard isQA || isText else {
                throw fail(number, "needs string fields \"question\" and \"answer\" (or \"text\" with \"label\" or \"fields\")")
            }
            // Chunks of the database first (rag's own output also carries "context" in its rejected file).
            var context: [SourcePassage] = []
            if let ids = object["source_chunk_ids"]?.arrayValue, !ids.isEmpty, let chunks {
                context = try chunks(ids.compactMap { $0.looseInt.map(Int64.init) })
                guard !context.isEmpty else { throw fail(number, "none of its source chunks is in \(database ?? "the database")") }
            } else if let c = object["context"]?.stringValue {
                context = [SourcePassage(chunkID: 0, document: "", text: c, start: 0)]
            } else if let list = object["context"]?.arrayValue {
                context = list.compactMap(\.stringValue).map { SourcePassage(chunkID: 0, document: "", text: $0, start: 0) }
            } else if object["source_chunk_ids"] != nil {
                throw fail(number, "has source_chunk_ids but no --db was given")
            }
            guard !context.isEmpty else { throw fail(number, "needs \"context\" or \"source_chunk_ids\"") }
            var sample = GeneratedSample(record: object, context: context)
            // A line from elsewhere has no chunk ids: no round-trip rank is asked for.
            sample.sourceChunkIDs = context.map(\.chunkID).filter { $0 > 0 }
            lines.append(DatasetLine(number: number, object: object, sample: sample))
        }
        return lines
    }
}

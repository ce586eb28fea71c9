import Foundation
import LanguageModels
import Store

/// One line of a dataset made elsewhere (or by rag), read back as a sample with its passages: what `rag filter`
/// checks. A line is a JSON object with "question" and "answer" (or "text" with "label" or "fields"), and its
/// context as "context" (a string or a list of strings) or "source_chunk_ids" (chunks of the database).
public struct DatasetLine: Sendable {
    /// The line's number in its file, from 1.
    public var number: Int
    public var object: [String: JSONValue]
    public var sample: GeneratedSample

    /// A line that cannot be read; the description names the file and the line.
    public struct ReadError: Error, CustomStringConvertible, Equatable {
        public var description: String
    }

    /// Reads every non-empty line of `path`; chunk ids are looked up in `store` (`storePath` names it in errors).
    public static func read(_ path: String, store: CorpusStore?, storePath: String?) throws -> [DatasetLine] {
        func fail(_ message: String) -> ReadError { ReadError(description: "\(path)\(message)") }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw fail(": cannot read: \((error as NSError).localizedDescription)")
        }
        var lines: [DatasetLine] = []
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = i + 1
            guard !raw.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            guard let object = (try? JSONValue.parse(String(raw)))?.objectValue else {
                throw fail(":\(number): not a JSON object")
            }
            let isQA = object["question"]?.stringValue != nil && object["answer"]?.stringValue != nil
            let isText = object["text"]?.stringValue != nil && (object["label"] != nil || object["fields"] != nil)
            guard isQA || isText else {
                throw fail(":\(number): needs string fields \"question\" and \"answer\" (or \"text\" with \"label\" or \"fields\")")
            }
            // Chunks of the database first (rag's own output also carries "context" in its rejected file).
            var context: [SourcePassage] = []
            if let ids = object["source_chunk_ids"]?.arrayValue, !ids.isEmpty, let store {
                let chunkIDs = ids.compactMap { value -> Int64? in
                    if case let .number(n) = value { return Int64(n) }
                    return nil
                }
                let byID = Dictionary(try store.chunks(ids: chunkIDs).map { ($0.id, $0) }) { a, _ in a }
                context = chunkIDs.compactMap { byID[$0] }.map {
                    SourcePassage(chunkID: $0.id, document: $0.documentPath, text: $0.text,
                                  start: $0.characterRange.lowerBound, headingPath: $0.headingPath.joined(separator: " > "))
                }
                guard !context.isEmpty else { throw fail(":\(number): none of its source chunks is in \(storePath ?? "")") }
            } else if let c = object["context"]?.stringValue {
                context = [SourcePassage(chunkID: 0, document: "", text: c, start: 0)]
            } else if let list = object["context"]?.arrayValue {
                context = list.compactMap(\.stringValue).map { SourcePassage(chunkID: 0, document: "", text: $0, start: 0) }
            } else if object["source_chunk_ids"] != nil {
                throw fail(":\(number): has source_chunk_ids but no --db was given")
            }
            guard !context.isEmpty else { throw fail(":\(number): needs \"context\" or \"source_chunk_ids\"") }
            var sample = GeneratedSample(record: object, context: context)
            // A line from elsewhere has no chunk ids: no round-trip rank is asked for.
            sample.sourceChunkIDs = context.map(\.chunkID).filter { $0 > 0 }
            lines.append(DatasetLine(number: number, object: object, sample: sample))
        }
        return lines
    }
}

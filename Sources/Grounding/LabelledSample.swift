import Foundation

/// A sample with a human (or constructed) label, for evaluating the checker: one line of a JSONL file
/// `{"question", "answer", "context", "supported"}`; `context` is a string or an array of strings. Other
/// keys are kept in ``extra`` as strings (for example `kind` and `split` in the XQuAD-derived sets).
public struct LabelledSample: Sendable, Equatable {
    /// The sample to check.
    public var sample: GroundingSample
    /// Whether the answer is supported.
    public var isSupported: Bool
    /// 1-based line number in the file it was read from.
    public var line: Int
    /// Other string-valued keys of the line (`kind`, `split`, `id`, ...).
    public var extra: [String: String]

    /// Creates a labelled sample.
    public init(sample: GroundingSample, isSupported: Bool, line: Int, extra: [String: String] = [:]) {
        self.sample = sample
        self.isSupported = isSupported
        self.line = line
        self.extra = extra
    }

    /// Reads a labelled JSONL file; blank lines are skipped.
    ///
    /// - Throws: ``GroundingError/unreadableFile(path:)``, ``GroundingError/malformedLine(path:line:reason:)``
    ///   naming the first bad line, ``GroundingError/emptyDataset(path:)``.
    public static func load(path: String) throws -> [LabelledSample] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GroundingError.unreadableFile(path: path)
        }
        var samples: [LabelledSample] = []
        var lineNumber = 0
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy(\.isWhitespace) { continue }
            samples.append(try parse(line: String(line), number: lineNumber, path: path))
        }
        guard !samples.isEmpty else { throw GroundingError.emptyDataset(path: path) }
        return samples
    }

    /// Parses one line.
    static func parse(line: String, number: Int, path: String) throws -> LabelledSample {
        let record: Record
        do {
            record = try JSONDecoder().decode(Record.self, from: Data(line.utf8))
        } catch let error as DecodingError {
            throw GroundingError.malformedLine(path: path, line: number, reason: Self.describe(error))
        }
        return LabelledSample(sample: GroundingSample(question: record.question, answer: record.answer,
                                                      passages: record.context),
                              isSupported: record.supported, line: number, extra: record.extra)
    }

    /// A one-line reason for a decoding error.
    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _):
            return "missing \"\(key.stringValue)\""
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            let key = context.codingPath.first?.stringValue ?? "line"
            switch key {
            case "supported": return "\"supported\" must be true or false"
            case "context": return "\"context\" must be a string or a non-empty array of strings"
            case "line": return "not a JSON object"
            default: return "\"\(key)\" must be a string"
            }
        case .dataCorrupted(let context):
            if let key = context.codingPath.first?.stringValue { return "bad \"\(key)\": \(context.debugDescription)" }
            return "not valid JSON"
        @unknown default:
            return "unreadable line"
        }
    }

    /// The JSON shape of a line.
    private struct Record: Decodable {
        var question: String
        var answer: String
        var context: [String]
        var supported: Bool
        var extra: [String: String]

        private struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            question = try container.decode(String.self, forKey: Key(stringValue: "question"))
            answer = try container.decode(String.self, forKey: Key(stringValue: "answer"))
            let contextKey = Key(stringValue: "context")
            if let text = try? container.decode(String.self, forKey: contextKey) {
                context = [text]
            } else {
                context = try container.decode([String].self, forKey: contextKey)
                guard !context.isEmpty else {
                    throw DecodingError.typeMismatch([String].self, .init(codingPath: [contextKey],
                                                                          debugDescription: "empty"))
                }
            }
            supported = try container.decode(Bool.self, forKey: Key(stringValue: "supported"))
            extra = [:]
            for key in container.allKeys where !["question", "answer", "context", "supported"].contains(key.stringValue) {
                if let text = try? container.decode(String.self, forKey: key) { extra[key.stringValue] = text }
            }
        }
    }
}

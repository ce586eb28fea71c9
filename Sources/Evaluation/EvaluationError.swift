import Dataset
import Foundation

/// Why an evaluation input could not be used. Every case names the file, and the line where there is one.
public enum EvaluationError: Error, Equatable, CustomStringConvertible {
    /// The file could not be read.
    case cannotRead(path: String, reason: String)
    /// The file could not be written.
    case cannotWrite(path: String, reason: String)
    /// A line is not in the expected format.
    case malformedLine(path: String, line: Int, reason: String)
    /// A record lacks a field the evaluation needs.
    case missingField(path: String, line: Int, field: String)
    /// The file holds nothing usable.
    case empty(path: String)
    /// An argument or combination of inputs that cannot be evaluated (the message says why).
    case invalidInput(String)

    public var description: String {
        switch self {
        case let .cannotRead(path, reason): "cannot read \(path): \(reason)"
        case let .cannotWrite(path, reason): "cannot write \(path): \(reason)"
        case let .malformedLine(path, line, reason): "\(path):\(line): \(reason)"
        case let .missingField(path, line, field): "\(path):\(line): missing field \"\(field)\""
        case let .empty(path): "\(path): nothing to evaluate"
        case let .invalidInput(message): message
        }
    }
}

/// Reading text files for evaluation, with errors that name the file.
enum TextFile {
    /// The file's text as UTF-8.
    static func read(_ path: String) throws -> String {
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            return String(decoding: data, as: UTF8.self)
        } catch {
            throw EvaluationError.cannotRead(path: path, reason: (error as NSError).localizedDescription)
        }
    }

    /// The file's lines, numbered from 1, without blank ones.
    static func lines(_ path: String) throws -> [(number: Int, text: Substring)] {
        let text = try read(path)
        var result: [(Int, Substring)] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.hasSuffix("\r") ? line.dropLast() : line
            if trimmed.contains(where: { !$0.isWhitespace }) { result.append((index + 1, trimmed)) }
        }
        return result
    }

    /// Writes `text` atomically.
    static func write(_ text: String, to path: String) throws {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw EvaluationError.cannotWrite(path: path, reason: (error as NSError).localizedDescription)
        }
    }

    /// The file's JSON lines, read by the dataset reader, with its errors as evaluation errors.
    static func jsonLines(_ path: String) throws -> [JSONLines.Line] {
        do {
            return try JSONLines.read(path)
        } catch let DatasetError.cannotRead(path, reason) {
            throw EvaluationError.cannotRead(path: path, reason: reason)
        } catch let DatasetError.malformedLine(path, line, reason) {
            throw EvaluationError.malformedLine(path: path, line: line, reason: reason)
        }
    }
}

import Foundation

/// Why a dataset file could not be read or written. Every case names the file, and the line where there is one.
public enum DatasetError: Error, Equatable, CustomStringConvertible {
    /// The file could not be read.
    case cannotRead(path: String, reason: String)
    /// The file could not be written.
    case cannotWrite(path: String, reason: String)
    /// A line is not a usable record.
    case malformedLine(path: String, line: Int, reason: String)
    /// The file holds no record.
    case empty(path: String)

    public var description: String {
        switch self {
        case let .cannotRead(path, reason): "cannot read \(path): \(reason)"
        case let .cannotWrite(path, reason): "cannot write \(path): \(reason)"
        case let .malformedLine(path, line, reason): "\(path):\(line): \(reason)"
        case let .empty(path): "\(path): no samples"
        }
    }
}

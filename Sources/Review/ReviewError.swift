import Foundation

/// Why a dataset cannot be reviewed or a review cannot be stored.
public enum ReviewError: Error, CustomStringConvertible, Equatable {
    case cannotRead(path: String, reason: String)
    case malformedLine(path: String, line: Int, reason: String)
    case empty(path: String)
    case unknownSample(id: String)
    case badRequest(String)
    case cannotListen(reason: String)
    /// A stored edit of a sample that is not a JSON object of field changes.
    case malformedEdit(id: String)
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotRead(let path, let reason): "cannot read \(path): \(reason)"
        case .malformedLine(let path, let line, let reason): "\(path):\(line): \(reason)"
        case .empty(let path): "\(path) holds no samples"
        case .unknownSample(let id): "no sample with id \"\(id)\" in this dataset"
        case .badRequest(let reason): reason
        case .cannotListen(let reason): "cannot start the review server: \(reason)"
        case .malformedEdit(let id): "the stored edit of sample \"\(id)\" is not a JSON object of field changes"
        case .cannotWrite(let path, let reason): "cannot write \(path): \(reason)"
        }
    }
}

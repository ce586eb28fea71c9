/// Everything that can go wrong in the `Grounding` module.
///
/// `description` is a one-line message fit for a command-line tool.
public enum GroundingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A labelled data file does not exist or cannot be read.
    case unreadableFile(path: String)
    /// A line of a labelled JSONL file is not a JSON object with `question`, `answer`, `context` (a string or
    /// an array of strings) and `supported` (a Boolean). `line` counts from 1.
    case malformedLine(path: String, line: Int, reason: String)
    /// A labelled file holds no samples (after filtering, if any).
    case emptyDataset(path: String)
    /// The embedder returned a number of vectors other than the number of texts it was given, or vectors of
    /// unequal length.
    case embeddingShapeMismatch(expected: Int, actual: Int)
    /// A configuration value is outside its range (`name` is the parameter, `reason` the rule it breaks).
    case invalidConfiguration(name: String, reason: String)

    public var description: String {
        switch self {
        case .unreadableFile(let path):
            return "cannot read \(path)"
        case .malformedLine(let path, let line, let reason):
            return "\(path):\(line): \(reason)"
        case .emptyDataset(let path):
            return "\(path) holds no samples"
        case .embeddingShapeMismatch(let expected, let actual):
            return "embedder returned \(actual) vectors for \(expected) texts"
        case .invalidConfiguration(let name, let reason):
            return "invalid grounding configuration: \(name) \(reason)"
        }
    }
}

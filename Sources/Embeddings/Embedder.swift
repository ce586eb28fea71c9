/// Counts and splits text into the tokens an embedder sees, so that chunking can pack text to a token budget.
public protocol TokenCounter: Sendable {
    /// Number of model tokens `text` becomes, without the special tokens an encoder adds (`[CLS]`, `[SEP]`).
    func tokenCount(_ text: String) -> Int
}

/// Turns passages into fixed-size vectors.
///
/// - Important: implementations are `Sendable` and may be called from several tasks at once.
public protocol Embedder: Sendable {
    /// A stable identifier stored with a database (for example `all-MiniLM-L6-v2`); a database built with one
    /// embedder refuses another.
    var name: String { get }
    /// Length of every vector `embed` returns.
    var dimension: Int { get }
    /// Whether returned vectors have unit L2 norm (cosine similarity equals the inner product).
    var isNormalized: Bool { get }
    /// The longest input, in model tokens including special tokens, that is embedded without truncation.
    var maxTokens: Int { get }
    /// The tokenizer used to count tokens, for chunking.
    var tokenizer: any TokenCounter { get }
    /// Embeds a batch of passages; the result has one vector of `dimension` floats per input, in input order.
    func embed(_ texts: [String]) throws -> [[Float]]
}

/// The embedder a database was built with: vectors from any other embedder are refused.
public struct EmbedderInfo: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Stable model name, for example `all-MiniLM-L6-v2` or `hash-384`.
    public var name: String
    /// Vector length.
    public var dimension: Int
    /// Whether vectors have unit length (cosine equals the inner product).
    public var isNormalized: Bool

    public init(name: String, dimension: Int, isNormalized: Bool) {
        self.name = name
        self.dimension = dimension
        self.isNormalized = isNormalized
    }

    public var description: String {
        "\(name) (\(dimension) dimensions\(isNormalized ? ", normalised" : ""))"
    }
}

/// Passages' vectors from one embedder (`rag embed --json`).
public struct EmbeddingReport: Encodable, Sendable {
    public var model: String
    public var dimension: Int
    public var embeddings: [[Float]]

    public init(model: String, dimension: Int, embeddings: [[Float]]) {
        self.model = model
        self.dimension = dimension
        self.embeddings = embeddings
    }
}

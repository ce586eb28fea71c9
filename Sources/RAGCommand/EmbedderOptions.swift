import ArgumentParser
import Embeddings
import Foundation

/// Which embedder a command uses: `--embedder minilm|hash|http` and the options of each.
struct EmbedderOptions: ParsableArguments {
    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case minilm, hash, http
    }

    @Option(help: "Embedder: minilm (native all-MiniLM-L6-v2 or --model DIR), hash (lexical hashing) or http.")
    var embedder: Kind = .minilm

    @Option(help: "Sentence-transformers BERT directory (default: $RAG_MODEL_DIR, then the pip package).")
    var model: String?

    @Option(help: "Base URL of an OpenAI-compatible embedding server (--embedder http).")
    var embedURL: String?

    @Option(help: "Model name to request from the server (--embedder http).")
    var embedModel: String?

    @Option(help: "Environment variable holding the server's API key (--embedder http).")
    var embedKeyEnv = "OPENAI_API_KEY"

    @Option(help: "Vector dimension (--embedder hash: default 384; http: default discovered).")
    var embedDimension: Int?

    func validate() throws {
        if embedder == .http && (embedURL == nil || embedModel == nil) {
            throw ValidationError("--embedder http needs --embed-url and --embed-model")
        }
        if let embedDimension, embedDimension <= 0 {
            throw ValidationError("--embed-dimension must be positive")
        }
        if model != nil && embedder != .minilm {
            throw ValidationError("--model applies to --embedder minilm only")
        }
    }

    /// Builds the embedder.
    ///
    /// - Parameter threads: worker threads for the native encoder (default: all cores).
    func makeEmbedder(threads: Int? = nil) throws -> any Embedder {
        switch embedder {
        case .minilm:
            return try BERTEmbedder(locating: model, threads: threads)
        case .hash:
            return HashingEmbedder(dimension: embedDimension ?? 384)
        case .http:
            guard let embedURL, let url = URL(string: embedURL), url.scheme != nil else {
                throw ValidationError("--embed-url must be an absolute URL such as http://127.0.0.1:8080")
            }
            return HTTPEmbedder(baseURL: url, model: embedModel ?? "", dimension: embedDimension,
                                apiKeyVariable: embedKeyEnv)
        }
    }
}

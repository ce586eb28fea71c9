import Foundation

/// The shape of a BERT encoder and of the sentence-transformers modules around it, read from a model
/// directory: `config.json`, `sentence_bert_config.json`, `1_Pooling/config.json` and `modules.json`.
public struct BERTConfiguration: Sendable, Equatable {
    /// How token vectors become one sentence vector (`1_Pooling/config.json`).
    public enum Pooling: String, Sendable {
        /// Average over all tokens of the sequence, `[CLS]` and `[SEP]` included.
        case mean
        /// The vector of the `[CLS]` token.
        case cls
    }

    /// Width of every token vector (`hidden_size`).
    public var hiddenSize: Int
    /// Number of transformer layers (`num_hidden_layers`).
    public var layerCount: Int
    /// Number of attention heads (`num_attention_heads`); `hiddenSize` must be divisible by it.
    public var headCount: Int
    /// Width of the feed-forward layer (`intermediate_size`).
    public var intermediateSize: Int
    /// Rows of the word-embedding table (`vocab_size`).
    public var vocabularySize: Int
    /// Rows of the position-embedding table (`max_position_embeddings`).
    public var maxPositions: Int
    /// Rows of the token-type table (`type_vocab_size`, default 2).
    public var typeVocabularySize: Int
    /// LayerNorm epsilon (`layer_norm_eps`, default 1e-12).
    public var layerNormEpsilon: Float
    /// Longest input including `[CLS]` and `[SEP]` (`max_seq_length` of `sentence_bert_config.json`,
    /// default `min(512, maxPositions)`).
    public var maxSequenceLength: Int
    /// The pooling mode (default mean).
    public var pooling: Pooling
    /// Whether the pipeline ends with L2 normalisation (`modules.json` lists a `Normalize` module; true when
    /// `modules.json` is absent).
    public var normalizes: Bool

    /// Width of one attention head.
    public var headSize: Int { hiddenSize / headCount }

    /// Reads the configuration files of a sentence-transformers BERT directory.
    ///
    /// - Throws: ``EmbeddingError/missingFile(path:)`` without `config.json`;
    ///   ``EmbeddingError/damagedFile(path:reason:)`` for malformed JSON;
    ///   ``EmbeddingError/unsupportedConfiguration(path:reason:)`` for anything this encoder does not run
    ///   (another activation, position embedding type or pooling mode, missing sizes).
    public init(directory: String) throws {
        let configPath = directory + "/config.json"
        let config = try Self.readJSON(configPath, required: true)!
        func integer(_ key: String) throws -> Int {
            guard let value = (config[key] as? NSNumber)?.intValue, value > 0 else {
                throw EmbeddingError.unsupportedConfiguration(path: configPath, reason: "\(key) missing or not a positive integer")
            }
            return value
        }
        hiddenSize = try integer("hidden_size")
        layerCount = try integer("num_hidden_layers")
        headCount = try integer("num_attention_heads")
        intermediateSize = try integer("intermediate_size")
        vocabularySize = try integer("vocab_size")
        maxPositions = try integer("max_position_embeddings")
        typeVocabularySize = (config["type_vocab_size"] as? NSNumber)?.intValue ?? 2
        layerNormEpsilon = (config["layer_norm_eps"] as? NSNumber)?.floatValue ?? 1e-12
        guard hiddenSize % headCount == 0 else {
            throw EmbeddingError.unsupportedConfiguration(
                path: configPath, reason: "hidden_size \(hiddenSize) is not divisible by num_attention_heads \(headCount)")
        }
        if let activation = config["hidden_act"] as? String, activation != "gelu" {
            throw EmbeddingError.unsupportedConfiguration(path: configPath, reason: "hidden_act \(activation) (only gelu)")
        }
        if let positions = config["position_embedding_type"] as? String, positions != "absolute" {
            throw EmbeddingError.unsupportedConfiguration(
                path: configPath, reason: "position_embedding_type \(positions) (only absolute)")
        }

        let sentencePath = directory + "/sentence_bert_config.json"
        let sentence = try Self.readJSON(sentencePath, required: false)
        maxSequenceLength = (sentence?["max_seq_length"] as? NSNumber)?.intValue ?? min(512, maxPositions)
        guard maxSequenceLength >= 2, maxSequenceLength <= maxPositions else {
            throw EmbeddingError.unsupportedConfiguration(
                path: sentencePath, reason: "max_seq_length \(maxSequenceLength) outside 2...\(maxPositions)")
        }

        let poolingPath = directory + "/1_Pooling/config.json"
        if let poolingConfig = try Self.readJSON(poolingPath, required: false) {
            let enabled = poolingConfig.filter { $0.key.hasPrefix("pooling_mode") && ($0.value as? Bool) == true }
                .map(\.key)
            switch enabled {
            case ["pooling_mode_mean_tokens"]: pooling = .mean
            case ["pooling_mode_cls_token"]: pooling = .cls
            default:
                throw EmbeddingError.unsupportedConfiguration(
                    path: poolingPath, reason: "pooling modes \(enabled.sorted()) (only mean or cls alone)")
            }
        } else {
            pooling = .mean
        }

        let modulesPath = directory + "/modules.json"
        if let data = FileManager.default.contents(atPath: modulesPath) {
            guard let modules = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
                throw EmbeddingError.damagedFile(path: modulesPath, reason: "not a JSON array of modules")
            }
            normalizes = modules.contains { ($0["type"] as? String)?.hasSuffix(".Normalize") == true }
        } else {
            normalizes = true
        }
    }

    private static func readJSON(_ path: String, required: Bool) throws -> [String: Any]? {
        guard let data = FileManager.default.contents(atPath: path) else {
            if required { throw EmbeddingError.missingFile(path: path) }
            return nil
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw EmbeddingError.damagedFile(path: path, reason: "not a JSON object")
        }
        return object
    }
}

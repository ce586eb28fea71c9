import COpenBLAS
import Foundation

/// A native sentence-transformers BERT encoder (all-MiniLM-L6-v2 by default): WordPiece tokenizer,
/// memory-mapped safetensors weights, a forward pass on AVX-512 kernels (BF16 products where the CPU has
/// AVX-512 BF16; `RAG_NO_BF16=1` and `RAG_NO_AVX512=1` step back to float32 and to `cblas_sgemm`), mean (or
/// CLS) pooling and L2 normalisation, matching sentence-transformers to a cosine of 0.9999 or better.
///
/// A batch is tokenised, sorted by length and packed into unpadded groups (see ``EncoderScheduling``); the
/// groups are spread over ``threadCount`` workers, each running single-threaded OpenBLAS on its own reused
/// scratch memory.
///
/// - Important: `Sendable`; `embed` may be called from several threads at once (each call spreads its own
///   work; concurrent calls share the cores). Creating a `BERTEmbedder` sets OpenBLAS to one thread for the
///   whole process (`openblas_set_num_threads(1)`): for these small matrices, OpenBLAS threads cost more
///   than they gain, and parallelism comes from the workers instead.
public final class BERTEmbedder: Embedder {
    /// The model's name: the first `# ` heading of its `README.md` (for example `all-MiniLM-L6-v2`), else
    /// the directory's name.
    public let name: String
    /// Width of the vectors (`hidden_size`).
    public let dimension: Int
    /// Whether vectors are L2-normalised (the model's `modules.json` ends with `Normalize`).
    public let isNormalized: Bool
    /// Longest input in tokens, `[CLS]` and `[SEP]` included (`max_seq_length`); longer input is truncated.
    public let maxTokens: Int
    /// Number of worker threads a batch is spread over.
    public let threadCount: Int
    /// The model directory this embedder was loaded from.
    public let modelDirectory: String
    /// The encoder's configuration.
    public let configuration: BERTConfiguration
    /// The WordPiece tokenizer, with ids and pieces beyond `TokenCounter`.
    public let wordPiece: WordPieceTokenizer
    /// The tokenizer that counts tokens for chunking.
    public var tokenizer: any TokenCounter { wordPiece }
    /// Size of the mapped weights file in bytes.
    public var weightsFileSize: Int { model.weights.file.fileSize }

    /// Tokens packed into one group: large enough that projections run near peak GEMM speed, small enough
    /// that a group's activations stay in the per-core L2 cache region.
    static let groupTokenBudget = 512

    private let model: BERTModel
    private let pool: ScratchPool

    /// The name of the environment variable that points at a model directory.
    public static let modelDirectoryVariable = "RAG_MODEL_DIR"

    /// Loads a sentence-transformers BERT directory (`config.json`, `vocab.txt`, `model.safetensors`,
    /// optionally `sentence_bert_config.json`, `1_Pooling/config.json`, `modules.json`).
    ///
    /// - Parameters:
    ///   - modelDirectory: the directory.
    ///   - threads: worker threads per batch; default: the number of active processors.
    /// - Throws: ``EmbeddingError`` naming the file at fault (missing, damaged, missing tensor, wrong shape,
    ///   unsupported configuration).
    public init(modelDirectory: String, threads: Int? = nil) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: modelDirectory, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            throw EmbeddingError.missingFile(path: modelDirectory)
        }
        let configuration = try BERTConfiguration(directory: modelDirectory)
        let wordPiece = try WordPieceTokenizer(vocabularyFile: modelDirectory + "/vocab.txt",
                                               maxSequenceLength: configuration.maxSequenceLength)
        guard wordPiece.vocabularySize <= configuration.vocabularySize else {
            throw EmbeddingError.unsupportedConfiguration(
                path: modelDirectory + "/vocab.txt",
                reason: "\(wordPiece.vocabularySize) tokens but vocab_size is \(configuration.vocabularySize)")
        }
        let file = try SafeTensorsFile(path: modelDirectory + "/model.safetensors")
        let weights = try BERTWeights(file: file, configuration: configuration)
        openblas_set_num_threads(1)
        self.model = BERTModel(configuration: configuration, weights: weights)
        self.configuration = configuration
        self.wordPiece = wordPiece
        self.modelDirectory = modelDirectory
        self.dimension = configuration.hiddenSize
        self.isNormalized = configuration.normalizes
        self.maxTokens = configuration.maxSequenceLength
        self.threadCount = max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
        self.name = Self.modelName(directory: modelDirectory)
        let rows = max(Self.groupTokenBudget, configuration.maxSequenceLength)
        self.pool = ScratchPool { EncoderScratch(configuration: configuration, rowCapacity: rows) }
    }

    /// Locates the default model (see ``locateDefaultModel(explicitDirectory:environment:)``) and loads it.
    public convenience init(locating explicitDirectory: String? = nil, threads: Int? = nil) throws {
        try self.init(modelDirectory: try Self.locateDefaultModel(explicitDirectory: explicitDirectory),
                      threads: threads)
    }

    /// Embeds `texts`, one vector per text in input order.
    ///
    /// - Complexity: about 21 MFLOP per token for all-MiniLM-L6-v2, spread over ``threadCount`` cores.
    public func embed(_ texts: [String]) throws -> [[Float]] {
        embed(tokenIDs: tokenize(texts))
    }

    /// The model inputs of `texts` (`[CLS] … [SEP]`, truncated to ``maxTokens``), tokenised in parallel.
    public func tokenize(_ texts: [String]) -> [[Int32]] {
        guard texts.count > 1 else { return texts.map(wordPiece.encode) }
        let results = SharedSlots<[Int32]>(count: texts.count)
        let workers = min(threadCount, texts.count)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var index = worker
            while index < texts.count {
                results.set(index, wordPiece.encode(texts[index]))
                index += workers
            }
        }
        return results.values()
    }

    /// Embeds already tokenised inputs (each with its `[CLS]`/`[SEP]`, at most ``maxTokens`` long).
    public func embed(tokenIDs sequences: [[Int32]]) -> [[Float]] {
        guard !sequences.isEmpty else { return [] }
        let groups = EncoderScheduling.groups(lengths: sequences.map(\.count), tokenBudget: Self.groupTokenBudget)
        let output = SharedRows(rows: sequences.count, columns: dimension)
        let jobs = JobCounter(count: groups.count)
        let model = self.model
        let pool = self.pool
        DispatchQueue.concurrentPerform(iterations: min(threadCount, groups.count)) { _ in
            pool.withScratch { scratch in
                while let job = jobs.take() {
                    let members = groups[job]
                    model.encode(members.map { sequences[$0] }, scratch: scratch) { output.row(members[$0]) }
                }
            }
        }
        if isNormalized {
            for index in 0..<sequences.count {
                let row = output.row(index)
                let norm = Kernels.squaredNorm(row, count: dimension).squareRoot()
                Kernels.scale(row, count: dimension, by: 1 / max(norm, 1e-12))
            }
        }
        return output.arrays()
    }

    private static func modelName(directory: String) -> String {
        if let data = FileManager.default.contents(atPath: directory + "/README.md") {
            let text = String(decoding: data.prefix(65_536), as: UTF8.self)
            var inFrontMatter = text.hasPrefix("---")
            for line in text.split(separator: "\n").dropFirst(inFrontMatter ? 1 : 0) {
                if inFrontMatter {
                    if line.hasPrefix("---") { inFrontMatter = false }
                    continue
                }
                if line.hasPrefix("# ") {
                    let title = line.dropFirst(2).trimmingCharacters(in: .whitespaces)
                    if !title.isEmpty, !title.contains(" ") { return title }
                }
            }
        }
        return URL(fileURLWithPath: directory).standardizedFileURL.lastPathComponent
    }
}

/// Slots that several threads fill at disjoint indices.
///
/// - Important: callers write disjoint indices; `values()` is read after all writers finished
///   (`concurrentPerform` returns only then). Raw storage, so that no exclusivity check serialises writers.
final class SharedSlots<Value>: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<Value?>
    private let count: Int

    init(count: Int) {
        self.count = count
        storage = .allocate(capacity: count)
        storage.initialize(repeating: nil, count: count)
    }

    deinit {
        storage.deinitialize(count: count)
        storage.deallocate()
    }

    func set(_ index: Int, _ value: Value) {
        storage[index] = value
    }

    func values() -> [Value] {
        (0..<count).map { storage[$0]! }
    }
}

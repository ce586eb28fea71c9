/// Splits text into lower-cased words: maximal runs of Unicode letters and digits. No model vocabulary.
///
/// The token counter of ``HashingEmbedder`` and an approximation for ``HTTPEmbedder``.
public struct SimpleWordTokenizer: TokenCounter {
    public init() {}

    /// The lower-cased words of `text`, in order.
    public func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let properties = scalar.properties
            if properties.isAlphabetic || properties.numericType != nil {
                if scalar.isASCII {
                    current.append((65...90).contains(scalar.value) ? Unicode.Scalar(UInt8(scalar.value + 32)) : scalar)
                } else {
                    current.append(contentsOf: properties.lowercaseMapping.unicodeScalars)
                }
            } else if !current.isEmpty {
                words.append(String(current))
                current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty { words.append(String(current)) }
        return words
    }

    /// Number of words in `text`.
    public func tokenCount(_ text: String) -> Int {
        words(text).count
    }
}

/// A deterministic lexical embedder by feature hashing: every word unigram and bigram is hashed with 64-bit
/// FNV-1a (stable across runs and machines, unlike Swift's seeded `Hasher`) into one of `dimension` buckets
/// with a sign taken from another bit of the hash, and the counts are L2-normalised.
///
/// No model files, instant, and useful as a baseline and in tests: texts sharing words get similar vectors.
/// A text without any word gets the zero vector (the only one that is not unit length).
public struct HashingEmbedder: Embedder {
    /// `hash-<dimension>`, for example `hash-384`.
    public var name: String { "hash-\(dimension)" }
    /// Number of hash buckets.
    public let dimension: Int
    /// Always true (except the zero vector of a text without words).
    public var isNormalized: Bool { true }
    /// No limit of its own; reported as a large budget for chunking.
    public let maxTokens: Int
    /// The word tokenizer whose words are hashed.
    public var tokenizer: any TokenCounter { words }

    private let words = SimpleWordTokenizer()

    /// - Parameters:
    ///   - dimension: number of buckets (default 384, the size of all-MiniLM-L6-v2 vectors).
    ///   - maxTokens: the token budget reported to chunkers (default 512).
    public init(dimension: Int = 384, maxTokens: Int = 512) {
        precondition(dimension > 0, "dimension must be positive")
        self.dimension = dimension
        self.maxTokens = maxTokens
    }

    public func embed(_ texts: [String]) -> [[Float]] {
        texts.map(vector)
    }

    /// The vector of one text.
    public func vector(_ text: String) -> [Float] {
        var vector = [Float](repeating: 0, count: dimension)
        let tokens = words.words(text)
        func add(_ feature: String) {
            let hash = Self.fnv1a(feature)
            let bucket = Int((hash >> 1) % UInt64(dimension))
            vector[bucket] += (hash & 1) == 0 ? 1 : -1
        }
        for (index, word) in tokens.enumerated() {
            add("u\u{1}" + word)
            if index > 0 { add("b\u{1}" + tokens[index - 1] + "\u{1}" + word) }
        }
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if norm > 0 {
            for index in vector.indices { vector[index] /= norm }
        }
        return vector
    }

    /// 64-bit FNV-1a of the UTF-8 bytes of `text`.
    public static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}

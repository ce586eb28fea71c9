/// How two vectors are compared. Every metric is turned into a distance where smaller means closer.
public enum Metric: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// Inner product: distance `1 - a·b`. Vectors are used as given.
    case innerProduct = 0
    /// Cosine similarity: vectors are L2-normalised when added and queried, then compared by inner product
    /// (distance `1 - cos`).
    case cosine = 1
    /// Squared Euclidean distance `|a - b|²`.
    case l2 = 2

    public var description: String {
        switch self {
        case .innerProduct: "ip"
        case .cosine: "cosine"
        case .l2: "l2"
        }
    }

    /// Parses `ip`, `inner-product`, `cosine`, `l2`.
    public init?(name: String) {
        switch name.lowercased() {
        case "ip", "inner-product", "innerproduct", "dot": self = .innerProduct
        case "cosine", "cos": self = .cosine
        case "l2", "euclidean": self = .l2
        default: return nil
        }
    }

    /// Converts a distance back to the score a person expects: similarity for `ip`/`cosine`, distance for `l2`.
    public func score(fromDistance distance: Float) -> Float {
        switch self {
        case .innerProduct, .cosine: 1 - distance
        case .l2: distance
        }
    }
}

/// How an index stores its vectors for graph traversal.
public enum StorageKind: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// 4 bytes a component, exact.
    case float32 = 0
    /// 2 bytes a component (IEEE half); candidates are re-ranked with Float32 vectors.
    case float16 = 1
    /// 1 byte a component, symmetric scalar quantisation with one scale a vector; candidates are re-ranked with
    /// Float32 vectors.
    case int8 = 2

    public var description: String {
        switch self {
        case .float32: "f32"
        case .float16: "f16"
        case .int8: "int8"
        }
    }

    /// Parses `f32`, `float32`, `f16`, `float16`, `int8`, `sq8`.
    public init?(name: String) {
        switch name.lowercased() {
        case "f32", "float32", "float": self = .float32
        case "f16", "float16", "half": self = .float16
        case "int8", "i8", "sq8": self = .int8
        default: return nil
        }
    }
}

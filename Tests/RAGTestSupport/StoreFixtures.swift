import Foundation
import Store

/// Small deterministic documents and vectors for store tests.
public enum StoreFixtures {
    public static let embedder = EmbedderInfo(name: "test-8", dimension: 8, isNormalized: true)

    /// A unit vector that depends on `seed`.
    public static func vector(_ seed: Int) -> [Float] {
        var state = UInt64(seed &+ 1) &* 0x9E37_79B9_7F4A_7C15
        var values: [Float] = (0..<8).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Int64(bitPattern: state >> 11) % 1000) / 1000
        }
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        values = values.map { $0 / max(norm, 1e-6) }
        return values
    }

    /// A source with one document of `texts.count` chunks.
    public static func update(_ source: String, _ texts: [String], hash: String = "h", seed: Int = 0,
                       metadata: Metadata = [:]) -> SourceUpdate {
        var offset = 0
        let chunks = texts.enumerated().map { index, text in
            defer { offset += text.unicodeScalars.count + 2 }
            return ChunkInput(ordinal: index, text: text, characterRange: offset..<(offset + text.unicodeScalars.count),
                              tokenCount: text.split(separator: " ").count, headingPath: ["Top", "Section \(index)"],
                              page: nil, vector: vector(seed + index))
        }
        return SourceUpdate(
            source: source, fingerprint: SourceFingerprint(contentHash: hash, size: 10, modified: 0),
            documents: [DocumentInput(path: source, format: "text", title: "Title of \(source)", metadata: metadata,
                                      textLength: offset, chunks: chunks)])
    }
}

// swift-tools-version: 6.0
import PackageDescription

/// Hot modules (distance kernels, the encoder) are compiled for x86-64-v3 (AVX2, FMA, F16C). Swift takes its CPU
/// features from the C importer, so `-Xcc -march=x86-64-v3` changes Swift code generation too. Without it,
/// `addProduct` and Float16 conversions become library calls (see ../shared/PERF.md).
/// Dynamic exclusivity checks on class properties showed up at about 6% of an HNSW search in perf, so the hot
/// modules turn them off (they keep their state in final classes accessed under their own locks).
/// The x86-64 flags apply only when building on x86-64 (the manifest runs on the host): arm64 gets NEON through
/// the same SIMD types, and `RAG_PORTABLE=1` builds without them (CI checks that configuration compiles).
#if arch(x86_64)
let portable = Context.environment["RAG_PORTABLE"] == "1"
#else
let portable = true
#endif
let cpuFlags: [String] = portable ? [] : ["-Xcc", "-march=x86-64-v3"]
let hotSwiftSettings: [SwiftSetting] = [
    .unsafeFlags(cpuFlags + ["-enforce-exclusivity=unchecked"]),
]

let package = Package(
    name: "rag",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "rag", targets: ["rag"]),
        .library(name: "VectorIndex", targets: ["VectorIndex"]),
        .library(name: "Embeddings", targets: ["Embeddings"]),
        .library(name: "Evaluation", targets: ["Evaluation"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .systemLibrary(
            name: "COpenBLAS",
            path: "Sources/COpenBLAS",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            path: "Sources/CSQLite",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CLibXML2",
            path: "Sources/CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .target(
            name: "CSupport",
            cSettings: [.unsafeFlags(["-O3"] + (portable ? [] : ["-march=x86-64-v3"]))]
        ),
        .target(
            name: "VectorIndex",
            dependencies: [
                "COpenBLAS",
                "CSupport",
                .product(name: "RealModule", package: "swift-numerics"),
            ],
            swiftSettings: hotSwiftSettings
        ),
        .target(
            name: "Embeddings",
            dependencies: [
                "COpenBLAS",
                "CSupport",
                .product(name: "RealModule", package: "swift-numerics"),
            ],
            swiftSettings: hotSwiftSettings
        ),
        .target(
            name: "Evaluation",
            dependencies: ["Dataset", "VectorIndex", "Retrieval", "Store", "Ingest", "Embeddings", "TextAnalysis"]
        ),
        // The one sample record, JSON value and JSONL reader/writer every dataset command shares.
        .target(name: "Dataset"),
        .target(
            name: "Store",
            dependencies: [.product(name: "GRDB", package: "GRDB.swift")]
        ),
        .target(
            name: "Ingest",
            dependencies: ["Store", "Embeddings", "Retrieval", "TextAnalysis", "CLibXML2",
                           .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "Retrieval",
            dependencies: ["Store", "Embeddings", "VectorIndex"]
        ),
        .target(
            name: "LanguageModels",
            dependencies: ["Store", "Dataset"]
        ),
        .target(
            name: "Generation",
            dependencies: ["Grounding", "Dataset", "LanguageModels", "Retrieval", "Store", "VectorIndex", "TextAnalysis",
                           .product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "Grounding",
            dependencies: ["Dataset", "LanguageModels", "Embeddings", "VectorIndex", "TextAnalysis"]
        ),
        // The one sentence splitter, word tokenizer, stopword list and distinct-n; offsets in Unicode scalars.
        .target(name: "TextAnalysis"),
        .target(
            name: "Review",
            dependencies: ["Dataset", "Store", .product(name: "FlyingFox", package: "FlyingFox")]
        ),
        .target(
            name: "RAGCommand",
            dependencies: [
                "Dataset",
                "Grounding",
                "Generation",
                "LanguageModels",
                "Store",
                "Ingest",
                "Retrieval",
                "VectorIndex",
                "Embeddings",
                "Evaluation",
                "Review",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "rag",
            dependencies: [
                "RAGCommand",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Shared by the test targets (a plain target: test targets cannot share sources otherwise).
        .target(
            name: "RAGTestSupport",
            dependencies: ["Store", "VectorIndex", "LanguageModels", "Dataset"],
            path: "Tests/RAGTestSupport"
        ),
        .testTarget(
            name: "GenerationTests",
            dependencies: ["RAGTestSupport", "Dataset", "Generation", "Grounding", "LanguageModels", "Store", "Retrieval", "Embeddings",
                           "Ingest", "TextAnalysis", "rag"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "VectorIndexTests",
            dependencies: ["RAGTestSupport", "VectorIndex"]
        ),
        .testTarget(
            name: "StoreTests",
            dependencies: ["RAGTestSupport", "Store", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "IngestTests",
            dependencies: ["RAGTestSupport", "Ingest", "Store", "Retrieval", "Embeddings", "VectorIndex"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "RetrievalTests",
            dependencies: ["RAGTestSupport", "Retrieval", "Ingest", "Store", "Embeddings", "VectorIndex"]
        ),
        .testTarget(
            name: "EndToEndTests",
            // "rag": the tests run the built binary, so building them builds it (never a stale one).
            dependencies: ["RAGTestSupport", "Store", "Embeddings", "LanguageModels", "rag"]
        ),
        .testTarget(
            name: "EmbeddingsTests",
            dependencies: ["RAGTestSupport", "Embeddings"]
        ),
        .testTarget(
            name: "EvaluationTests",
            dependencies: ["RAGTestSupport", "Dataset", "Evaluation", "Retrieval", "Store", "Ingest", "Embeddings", "VectorIndex",
                           "TextAnalysis"]
        ),
        .testTarget(
            name: "ReviewTests",
            dependencies: ["RAGTestSupport", "Review", "Store", "Ingest", "Embeddings"]
        ),
        .testTarget(
            name: "GroundingTests",
            dependencies: ["Dataset", "Grounding", "Embeddings", "LanguageModels", "TextAnalysis"]
        ),
    ],
    swiftLanguageModes: [.v6]
)

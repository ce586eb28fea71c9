// swift-tools-version: 6.0
import PackageDescription

/// Hot modules (distance kernels, the encoder) are compiled for x86-64-v3 (AVX2, FMA, F16C). Swift takes its CPU
/// features from the C importer, so `-Xcc -march=x86-64-v3` changes Swift code generation too. Without it,
/// `addProduct` and Float16 conversions become library calls (see ../shared/PERF.md).
let hotSwiftSettings: [SwiftSetting] = [
    .unsafeFlags(["-Xcc", "-march=x86-64-v3", "-enforce-exclusivity=unchecked"]),
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
        .target(
            name: "CSupport",
            cSettings: [.unsafeFlags(["-O3", "-march=x86-64-v3"])]
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
                .product(name: "RealModule", package: "swift-numerics"),
            ],
            swiftSettings: hotSwiftSettings
        ),
        .target(
            name: "Evaluation",
            dependencies: ["VectorIndex"]
        ),
        .target(
            name: "RAGCommand",
            dependencies: [
                "VectorIndex",
                "Embeddings",
                "Evaluation",
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
        .testTarget(
            name: "VectorIndexTests",
            dependencies: ["VectorIndex"]
        ),
        .testTarget(
            name: "EmbeddingsTests",
            dependencies: ["Embeddings"]
        ),
    ],
    swiftLanguageModes: [.v6]
)

/// Helpers shared by the test targets: where the shared data and the package are, and temporary directories.
import Foundation

/// Where the shared real data lives: `$RAG_SHARED_DIR/data`, else `../shared/data` beside the checkout.
public enum SharedData {
    public static var root: String {
        if let dir = ProcessInfo.processInfo.environment["RAG_SHARED_DIR"] { return dir + "/data" }
        let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        return tests.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data").path
    }

    public static func path(_ relative: String) -> String { root + "/" + relative }

    /// The package root (for shipped corpora).
    public static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }
}

/// A fresh temporary directory, removed when the value is released.
public final class TemporaryDirectory {
    public let path: String

    public init() {
        path = NSTemporaryDirectory() + "rag-test-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    public func file(_ name: String) -> String { path + "/" + name }

    public func write(_ name: String, _ text: String) throws {
        let url = URL(fileURLWithPath: file(name))
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

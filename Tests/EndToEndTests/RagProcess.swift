import Foundation
import RAGTestSupport

/// Runs the built `rag` executable.
enum RagProcess {
    /// The `rag` binary: `$RAG_BINARY`, else `rag` beside the test bundle (`.build*/release/`).
    static var binary: String? {
        let manager = FileManager.default
        if let path = ProcessInfo.processInfo.environment["RAG_BINARY"], manager.isExecutableFile(atPath: path) {
            return path
        }
        var candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
        candidates.append(Bundle.main.bundleURL)
        candidates += Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
        for directory in candidates {
            var url = directory
            for _ in 0..<3 {
                let rag = url.appendingPathComponent("rag").path
                if manager.isExecutableFile(atPath: rag) { return rag }
                url = url.deletingLastPathComponent()
            }
        }
        return nil
    }

    typealias Result = Subprocess.Outcome

    /// Starts `rag arguments...` in `directory`.
    static func start(_ arguments: [String], in directory: String) throws -> Subprocess {
        guard let binary else { throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "rag binary"]) }
        return try Subprocess(binary, arguments, in: directory)
    }

    /// Runs `rag arguments...` to the end.
    static func run(_ arguments: [String], in directory: String) async throws -> Result {
        try await start(arguments, in: directory).finished()
    }

    /// Parses one JSON object from a command's stdout.
    static func json(_ text: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw CocoaError(.propertyListReadCorrupt)
        }
        return object
    }
}

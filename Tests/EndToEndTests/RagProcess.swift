import Foundation

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

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var wasKilled: Bool
    }

    /// Starts `rag arguments...` (or `executable arguments...`) in `directory`.
    static func start(_ arguments: [String], in directory: String, executable: String? = nil) throws -> (Process, Pipe, Pipe) {
        guard let binary = executable ?? binary else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "rag binary"])
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, out, err)
    }

    /// Runs `rag arguments...` (or `executable arguments...`) to the end.
    static func run(_ arguments: [String], in directory: String, executable: String? = nil) throws -> Result {
        let (process, out, err) = try start(arguments, in: directory, executable: executable)
        let stderrHandle = err.fileHandleForReading
        let collected = Collected()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { collected.set(stderrHandle.readDataToEndOfFile()) }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: collected.get(), as: UTF8.self),
                      wasKilled: process.terminationReason == .uncaughtSignal)
    }

    /// Starts `rag arguments...`, sends SIGKILL after `delay` seconds, and reports whether it was still running.
    static func runAndKill(_ arguments: [String], in directory: String, after delay: Double) throws -> Bool {
        let (process, out, err) = try start(arguments, in: directory)
        // Drain the pipes so the child never blocks on a full pipe.
        for handle in [out.fileHandleForReading, err.fileHandleForReading] {
            DispatchQueue.global().async { _ = handle.readDataToEndOfFile() }
        }
        Thread.sleep(forTimeInterval: delay)
        let wasRunning = process.isRunning
        if wasRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return wasRunning && process.terminationReason == .uncaughtSignal
    }

    /// Parses one JSON object from a command's stdout.
    static func json(_ text: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw CocoaError(.propertyListReadCorrupt)
        }
        return object
    }
}

private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ value: Data) { lock.withLock { data = value } }
    func get() -> Data { lock.withLock { data } }
}

import Foundation

/// A child process the tests start and wait for without blocking a Swift concurrency thread.
///
/// Swift Testing runs tests on the cooperative pool, which has one thread per core (two on CI). A test that
/// blocks a thread in `waitUntilExit` or `readDataToEndOfFile` while `rag generate` runs for two minutes
/// starves every other test of that thread; two such tests stalled the in-process review server until its
/// timeouts expired. So pipes are drained on Dispatch threads and waiting suspends.
public final class Subprocess: @unchecked Sendable {
    /// How a finished process ended and what it printed.
    public struct Outcome: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        /// Ended by a signal (e.g. the SIGKILL of ``kill()``).
        public var wasKilled: Bool
    }

    public let process = Process()
    private let done = DispatchGroup()
    private let lock = NSLock()
    private var out = Data()
    private var err = Data()
    private var lineWaiters: [CheckedContinuation<String?, Never>] = []
    private var stdoutClosed = false

    /// Starts `executable arguments...` in `directory`, draining its output as it comes.
    public init(_ executable: String, _ arguments: [String], in directory: String? = nil) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let outPipe = Pipe(), errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        done.enter()
        process.terminationHandler = { [done] _ in done.leave() }
        try process.run()
        drain(outPipe.fileHandleForReading, isStdout: true)
        drain(errPipe.fileHandleForReading, isStdout: false)
    }

    /// Runs `executable arguments...` to the end.
    public static func run(_ executable: String, _ arguments: [String], in directory: String? = nil) async throws -> Outcome {
        try await Subprocess(executable, arguments, in: directory).finished()
    }

    public var isRunning: Bool { process.isRunning }

    /// Sends SIGKILL.
    public func kill() { sendKill(process.processIdentifier) }

    /// Checks `condition` every `interval` seconds on a Dispatch thread (so a busy cooperative pool cannot delay
    /// it) and sends SIGKILL once it holds; returns whether the kill ended the process (false if it ended first).
    public func kill(when condition: @escaping @Sendable () -> Bool, every interval: Double = 0.01) async -> Bool {
        let process = self.process
        let sent = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            DispatchQueue.global().async {
                while process.isRunning {
                    if condition() {
                        sendKill(process.processIdentifier)
                        return continuation.resume(returning: true)
                    }
                    usleep(UInt32(interval * 1_000_000))
                }
                continuation.resume(returning: false)
            }
        }
        let outcome = await finished()
        return sent && outcome.wasKilled
    }

    /// Suspends until the process has ended and its pipes are closed.
    public func finished() async -> Outcome {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            done.notify(queue: .global()) { continuation.resume() }
        }
        return lock.withLock {
            Outcome(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                    stderr: String(decoding: err, as: UTF8.self),
                    wasKilled: process.terminationReason == .uncaughtSignal)
        }
    }

    /// The first line the process printed on stdout (nil if it closed stdout first); for servers that print
    /// their port.
    public func firstLine() async -> String? {
        await withCheckedContinuation { continuation in
            lock.withLock {
                if let line = Self.firstLine(of: out, closed: stdoutClosed) {
                    continuation.resume(returning: line)
                } else {
                    lineWaiters.append(continuation)
                }
            }
        }
    }

    deinit { if process.isRunning { kill() } }

    private static func firstLine(of data: Data, closed: Bool) -> String?? {
        if let newline = data.firstIndex(of: UInt8(ascii: "\n")) {
            return .some(String(decoding: data[..<newline], as: UTF8.self))
        }
        return closed ? .some(nil) : nil
    }

    private func drain(_ handle: FileHandle, isStdout: Bool) {
        done.enter()
        DispatchQueue.global().async { [self] in
            while true {
                let chunk = handle.availableData
                let (waiters, line): ([CheckedContinuation<String?, Never>], String??) = lock.withLock {
                    if isStdout { out.append(chunk) } else { err.append(chunk) }
                    guard isStdout else { return ([], nil) }
                    if chunk.isEmpty { stdoutClosed = true }
                    guard let found = Self.firstLine(of: out, closed: stdoutClosed), !lineWaiters.isEmpty else {
                        return ([], nil)
                    }
                    defer { lineWaiters = [] }
                    return (lineWaiters, found)
                }
                if let line { for waiter in waiters { waiter.resume(returning: line) } }
                if chunk.isEmpty { break }
            }
            done.leave()
        }
    }
}

/// At file scope, so `kill` is the system call rather than ``Subprocess/kill()``.
private func sendKill(_ pid: Int32) { _ = kill(pid, SIGKILL) }

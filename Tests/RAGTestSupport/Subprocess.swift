import Foundation

/// A child process the tests start and wait for without blocking a Swift concurrency thread.
///
/// Swift Testing runs tests on the cooperative pool, which has one thread per core (two on CI). A test that
/// blocks a thread in `waitUntilExit` or `readDataToEndOfFile` while `rag generate` runs for two minutes
/// starves every other test of that thread; two such tests stalled the in-process review server until its
/// timeouts expired. So pipes are drained on threads of their own and waiting suspends.
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
    // The drain threads hold the output, not `self`, so releasing a Subprocess kills its process.
    private let output = Output()

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
        for (pipe, isStdout) in [(outPipe, true), (errPipe, false)] {
            done.enter()
            Self.detach { [output, done] in
                output.drain(pipe.fileHandleForReading, isStdout: isStdout)
                done.leave()
            }
        }
    }

    /// Runs `executable arguments...` to the end.
    public static func run(_ executable: String, _ arguments: [String], in directory: String? = nil) async throws -> Outcome {
        try await Subprocess(executable, arguments, in: directory).finished()
    }

    public var isRunning: Bool { process.isRunning }

    /// Sends SIGKILL.
    public func kill() { sendKill(process.processIdentifier) }

    /// Checks `condition` every `interval` seconds on a thread of its own (so busy pools cannot delay it) and
    /// sends SIGKILL once it holds; returns whether the kill ended the process (false if it ended first).
    public func kill(when condition: @escaping @Sendable () -> Bool, every interval: Double = 0.01) async -> Bool {
        let process = self.process
        let sent = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            Self.detach {
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
        let (out, err) = output.collected()
        return Outcome(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                       stderr: String(decoding: err, as: UTF8.self),
                       wasKilled: process.terminationReason == .uncaughtSignal)
    }

    /// The first line the process printed on stdout (nil if it closed stdout first); for servers that print
    /// their port.
    public func firstLine() async -> String? {
        await withCheckedContinuation { continuation in output.whenFirstLine(continuation) }
    }

    deinit { if process.isRunning { kill() } }

    /// Runs blocking work on a thread of its own: blocked reads on Dispatch's global queue can use up its
    /// threads, and a poller queued behind them then runs too late.
    private static func detach(_ work: @escaping @Sendable () -> Void) {
        Thread { work() }.start()
    }
}

/// The peak resident set size of one child process, from the kernel's own accounting (`ru_maxrss`).
///
/// In-process RSS deltas count whatever the tests running in parallel allocate at the same time. A child's
/// `ru_maxrss` counts the child alone, with one catch: a child spawned with `vfork` semantics (which
/// `posix_spawn` and Foundation use) inherits its parent's high-water mark at `exec`, and this test process
/// is large. So a small `python3` process starts the command and reports its peak: what it inherits is
/// python's own few megabytes, the same for every run.
public enum PeakMemory {
    /// What a measured run ended with.
    public struct Outcome: Sendable {
        public var status: Int32
        /// Peak resident set size in bytes.
        public var peakBytes: Int
    }

    static let script = """
        import os, subprocess, sys
        child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        print(os.waitstatus_to_exitcode(status), usage.ru_maxrss * 1024)
        """

    /// Runs `executable arguments...` with output discarded and returns its exit status and peak RSS.
    public static func run(_ executable: String, _ arguments: [String]) async throws -> Outcome {
        let outcome = try await Subprocess.run("/usr/bin/env", ["python3", "-c", script, executable] + arguments)
        let fields = outcome.stdout.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        guard outcome.status == 0, fields.count == 2 else {
            throw CocoaError(.executableLoad, userInfo: [NSFilePathErrorKey: executable, "stderr": outcome.stderr])
        }
        return Outcome(status: Int32(fields[0]), peakBytes: fields[1])
    }
}

/// What a process printed, filled by the drain threads.
private final class Output: @unchecked Sendable {
    private let lock = NSLock()
    private var out = Data()
    private var err = Data()
    private var stdoutClosed = false
    private var lineWaiters: [CheckedContinuation<String?, Never>] = []

    func collected() -> (Data, Data) { lock.withLock { (out, err) } }

    func whenFirstLine(_ continuation: CheckedContinuation<String?, Never>) {
        let line: String?? = lock.withLock {
            if let line = firstLine() { return line }
            lineWaiters.append(continuation)
            return nil
        }
        if let line { continuation.resume(returning: line) }
    }

    /// Reads `handle` to its end.
    func drain(_ handle: FileHandle, isStdout: Bool) {
        while true {
            let chunk = handle.availableData
            let (waiters, line): ([CheckedContinuation<String?, Never>], String??) = lock.withLock {
                guard isStdout else {
                    err.append(chunk)
                    return ([], nil)
                }
                out.append(chunk)
                if chunk.isEmpty { stdoutClosed = true }
                guard let found = firstLine(), !lineWaiters.isEmpty else { return ([], nil) }
                defer { lineWaiters = [] }
                return (lineWaiters, found)
            }
            if let line { for waiter in waiters { waiter.resume(returning: line) } }
            if chunk.isEmpty { return }
        }
    }

    /// The first stdout line: `.some(nil)` once stdout closed without one, nil while it may still come.
    /// Call with the lock held.
    private func firstLine() -> String?? {
        if let newline = out.firstIndex(of: UInt8(ascii: "\n")) {
            return .some(String(decoding: out[..<newline], as: UTF8.self))
        }
        return stdoutClosed ? .some(nil) : nil
    }
}

/// At file scope, so `kill` is the system call rather than ``Subprocess/kill()``.
private func sendKill(_ pid: Int32) { _ = kill(pid, SIGKILL) }

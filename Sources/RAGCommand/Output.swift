import Foundation
import Generation

#if canImport(Glibc)
import Glibc
#endif

/// Writing to the terminal: results on stdout (one JSON object with `--json`), progress and logs on stderr.
enum Output {
    /// Whether stderr is a terminal (progress lines are shown only then, unless asked for).
    static let stderrIsTerminal = isatty(2) != 0

    /// Prints `value` as one JSON object on stdout: the one JSON printer of every command.
    ///
    /// Keys are sorted, so output is stable; a NaN or infinite figure is written as the string "nan", "inf" or
    /// "-inf" rather than failing the command.
    /// - Parameter snakeCaseKeys: convert Swift property names (`embedSeconds`) to `embed_seconds`; for the
    ///   commands whose result types use Swift names (ingest, query, stats).
    static func printJSON(_ value: some Encodable, snakeCaseKeys: Bool = false) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if snakeCaseKeys { encoder.keyEncodingStrategy = .convertToSnakeCase }
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf",
                                                                      nan: "nan")
        let data = try encoder.encode(value)
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }

    /// `path` relative to the working directory when it lies under it, for readable output.
    static func display(_ path: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        return path.hasPrefix(cwd + "/") ? String(path.dropFirst(cwd.count + 1)) : path
    }

    /// Writes a line to stderr.
    static func log(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// The first Ctrl-C (or SIGTERM) requests a stop, so the command finishes the calls in flight and writes
    /// what it has; a second one exits at once (status 130) and writes nothing.
    static func stopOnInterrupt() -> StopRequest {
        let stop = StopRequest()
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if stop.isRequested { exit(130) }
                log("\nstopping: finishing the calls in flight, then writing what is kept (again to quit at once)")
                stop.request()
            }
            source.resume()
            signalSources.keep(source)
        }
        return stop
    }

    /// The signal sources stay alive as long as the process.
    private static let signalSources = SignalSources()

    private final class SignalSources: @unchecked Sendable {
        private let lock = NSLock()
        private var sources: [any DispatchSourceSignal] = []
        func keep(_ source: any DispatchSourceSignal) { lock.withLock { sources.append(source) } }
    }
}

/// A progress line on stderr, redrawn in place when stderr is a terminal: count, rate and ETA.
final class ProgressLine: @unchecked Sendable {
    private let label: String
    private let total: Int?
    private let start = Date()
    private var lastDraw = Date.distantPast
    private let enabled: Bool
    private let lock = NSLock()

    init(_ label: String, total: Int?, enabled: Bool = Output.stderrIsTerminal) {
        self.label = label
        self.total = total
        self.enabled = enabled
    }

    /// Redraws with `done` items finished (at most ten times a second).
    func update(_ done: Int, force: Bool = false) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard force || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        let elapsed = max(now.timeIntervalSince(start), 1e-9)
        let rate = Double(done) / elapsed
        var line = "\r\(label): \(done)"
        if let total {
            line += "/\(total)"
            if rate > 0, done < total {
                line += String(format: ", %.0f/s, ETA %.0f s", rate, Double(total - done) / rate)
            } else {
                line += String(format: ", %.0f/s", rate)
            }
        } else {
            line += String(format: ", %.0f/s", rate)
        }
        FileHandle.standardError.write(Data((line + "\u{1B}[K").utf8))
    }

    /// Ends the line.
    func finish(_ done: Int) {
        guard enabled else { return }
        update(done, force: true)
        FileHandle.standardError.write(Data("\n".utf8))
    }
}

/// Forwards pipeline progress (from the writer thread) to a progress line, created once the total is known.
final class ProgressBridge: @unchecked Sendable {
    private let lock = NSLock()
    private var line: ProgressLine?
    private var done = 0

    func update(_ done: Int, _ total: Int, _ chunks: Int) {
        let line = lock.withLock {
            if self.line == nil { self.line = ProgressLine("ingest files", total: total) }
            self.done = done
            return self.line
        }
        line?.update(done)
    }

    func finish() {
        let (line, done) = lock.withLock { (self.line, self.done) }
        line?.finish(done)
    }
}

import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// llama.cpp's HTTP server run locally from the `xllamacpp` wheel that `scripts/install-llm.sh` installs, on a
/// free 127.0.0.1 port, for as long as `rag generate` needs it.
public final class LocalLLMServer: @unchecked Sendable {
    /// Where the installer puts the virtual environment and the model.
    public static var defaultDirectory: String {
        if let dir = ProcessInfo.processInfo.environment["RAG_LLM_DIR"], !dir.isEmpty { return dir }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/rag/llm").path
    }

    /// The models `scripts/install-llm.sh` installs.
    public enum Model: String, Sendable, CaseIterable {
        /// Qwen2.5-Coder-0.5B-Instruct: fast; the default writer of samples.
        case small = "0.5b"
        /// Qwen2.5-Coder-1.5B-Instruct: about 3x slower, a much better reader; the default verifier.
        case large = "1.5b"

        /// The name the model is recorded under (journal keys, samples, the dataset card).
        public var name: String { "qwen2.5-coder-\(rawValue)-instruct-q4_k_m" }
        /// The GGUF file in the install directory.
        public var fileName: String { name + ".gguf" }
    }

    /// The default writer's file and name (kept for callers that know one model only).
    public static let modelFileName = Model.small.fileName
    /// The name the default writer is recorded under.
    public static let modelName = Model.small.name

    /// The model this server runs.
    public let model: Model

    /// The launcher: xllamacpp has no command-line entry point, so a few lines of Python start the server and
    /// keep it alive until the process is terminated or its parent (rag) goes away, even by kill -9.
    static let launcher = """
        import os, sys, time, xllamacpp as xlc
        model, port, threads, ctx, parallel = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
        parent = os.getppid()
        p = xlc.CommonParams()
        p.model.path = model
        p.hostnames = ["127.0.0.1"]
        p.port = port
        p.n_ctx = ctx
        p.n_parallel = parallel
        p.cpuparams.n_threads = threads
        p.cpuparams_batch.n_threads = threads
        server = xlc.Server(p)
        # Exit with rag, even when rag is killed before it can stop the server.
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)
        """

    public let baseURL: URL
    private let process: Process

    /// Whether the venv and `model` are installed in `directory`.
    public static func isInstalled(_ model: Model = .small, in directory: String = defaultDirectory) -> Bool {
        FileManager.default.isExecutableFile(atPath: directory + "/venv/bin/python")
            && FileManager.default.fileExists(atPath: directory + "/" + model.fileName)
    }

    /// Starts the server and waits until `/health` answers.
    /// - Parameters:
    ///   - model: which installed model to serve.
    ///   - parallel: server slots (concurrent requests it serves).
    ///   - threads: CPU threads per slot batch (1 is fastest on a busy 2-core machine, see LLM.md).
    /// - Throws: `LanguageModelError.serverStartFailed` saying what is missing or what went wrong.
    public init(
        model: Model = .small, directory: String = defaultDirectory, parallel: Int = 1, threads: Int = 1,
        contextSize: Int = 4096, startupTimeout: TimeInterval = 180
    ) async throws {
        guard Self.isInstalled(model, in: directory) else {
            throw LanguageModelError.serverStartFailed(
                reason: "no \(model.fileName) in \(directory); run `bash scripts/install-llm.sh` or pass --llm URL")
        }
        self.model = model
        let port = try Self.freePort()
        baseURL = URL(string: "http://127.0.0.1:\(port)")!
        process = Process()
        process.executableURL = URL(fileURLWithPath: directory + "/venv/bin/python")
        process.arguments = [
            "-c", Self.launcher, directory + "/" + model.fileName, String(port), String(threads),
            String(contextSize * parallel), String(parallel),
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw LanguageModelError.serverStartFailed(reason: "cannot run \(directory)/venv/bin/python: \(error)")
        }
        let deadline = Date().addingTimeInterval(startupTimeout)
        while Date() < deadline {
            guard process.isRunning else {
                throw LanguageModelError.serverStartFailed(reason: "server exited with status \(process.terminationStatus)")
            }
            if await Self.isHealthy(baseURL) { return }
            try await Task.sleep(nanoseconds: 250_000_000)
        }
        stop()
        throw LanguageModelError.serverStartFailed(reason: "no /health answer within \(Int(startupTimeout)) s")
    }

    deinit { stop() }

    /// Stops the server (idempotent).
    public func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    static func isHealthy(_ baseURL: URL) async -> Bool {
        var request = URLRequest(url: baseURL.appendingPathComponent("health"), timeoutInterval: 2)
        request.httpMethod = "GET"
        guard let (_, response) = try? await URLSession.shared.data(for: request),
              let http = response as? HTTPURLResponse
        else { return false }
        return http.statusCode == 200
    }

    /// A port the kernel reports free on 127.0.0.1 (bound to port 0, read back, released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LanguageModelError.serverStartFailed(reason: "socket(): \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw LanguageModelError.serverStartFailed(reason: "bind(): \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

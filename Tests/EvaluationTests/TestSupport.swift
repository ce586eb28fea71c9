import RAGTestSupport
import Foundation

/// Runs a program and returns its standard output; fails with its standard error when it exits non-zero.
func runProcess(_ arguments: [String]) async throws -> String {
    let outcome = try await Subprocess.run("/usr/bin/env", arguments)
    guard outcome.status == 0 else {
        throw ProcessFailure(arguments: arguments, status: outcome.status, stderr: outcome.stderr)
    }
    return outcome.stdout
}

struct ProcessFailure: Error, CustomStringConvertible {
    var arguments: [String]
    var status: Int32
    var stderr: String
    var description: String { "\(arguments.joined(separator: " ")) exited with \(status): \(stderr)" }
}

import ArgumentParser
import Foundation
import Review
import Store

extension Rag {
    /// `rag review FILE.jsonl --db FILE`: a local page to accept, reject and edit generated samples.
    struct Review: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Review a generated dataset in the browser: accept, reject or edit each sample.",
            discussion: """
                Serves a page on 127.0.0.1 (a free port unless --port) with each sample of FILE and of \
                FILE.rejected.jsonl beside it: its fields, its context passages from --db with the supporting \
                spans highlighted, and the automatic check results. Every accept/reject/edit is stored in the \
                database at once (table "reviews", one row per sample and reviewer). The page links the export \
                of the reviewed dataset and the agreement between reviewers and the automatic checks. Stop the \
                server with Ctrl-C. Without serving: --export OUT.jsonl writes the samples people accepted, with \
                their edits; --agreement prints the agreement.
                """
        )

        @Argument(help: "The generated dataset (JSONL).") var file: String
        @Option(help: "The corpus database the dataset was generated from (reviews are stored there).") var db: String
        @Option(help: "Port on 127.0.0.1 (0: a free one).") var port: UInt16 = 0
        @Option(help: "Reviewer name the page starts with.") var reviewer: String = ProcessInfo.processInfo.environment["USER"] ?? ""
        @Option(help: "Samples per page.") var pageSize: Int = 100
        @Flag(help: "Leave out the rejected samples (FILE.rejected.jsonl).") var keptOnly = false
        @Option(help: "Write the reviewed dataset (samples people accepted, with edits) to this file and exit.") var export: String?
        @Flag(help: "With --export: also write kept samples nobody reviewed.") var includeUnreviewed = false
        @Flag(help: "Print the agreement between reviewers and the automatic checks and exit.") var agreement = false
        @Flag(help: "Print one JSON object.") var json = false

        func run() async throws {
            let store = try CorpusStore(path: db, create: false)
            let dataset = try ReviewDataset(path: file, store: store, includeRejected: !keptOnly)
            if export != nil || agreement {
                let reviews = try store.reviews(dataset: dataset.name)
                let result = ReviewAgreement(dataset: dataset, reviews: reviews)
                var written: Int?
                if let export {
                    written = try ReviewExport.write(to: export, dataset: dataset, reviews: reviews,
                                                     includeUnreviewed: includeUnreviewed)
                }
                if json {
                    try Output.printJSON(ExportSummary(agreement: result, exported: written, output: export))
                } else {
                    if let written, let export { print("wrote \(written) reviewed samples to \(export)") }
                    print(Self.describe(result))
                }
                return
            }
            let server = try ReviewServer(dataset: dataset, store: store, port: port, reviewer: reviewer,
                                          pageSize: pageSize)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.run() }
                let url = try await server.url()
                if json {
                    try Output.printJSON(["url": url, "dataset": dataset.name, "samples": "\(dataset.items.count)"])
                } else {
                    // Unbuffered, so a script waiting for the URL sees it at once.
                    FileHandle.standardOutput.write(Data(
                        "reviewing \(dataset.items.count) samples of \(dataset.name) at \(url) (Ctrl-C to stop)\n".utf8))
                }
                try await group.next()
            }
        }

        struct ExportSummary: Encodable {
            var agreement: ReviewAgreement
            var exported: Int?
            var output: String?
        }

        static func describe(_ a: ReviewAgreement) -> String {
            func pct(_ x: Double?) -> String { x.map { String(format: "%.1f%%", $0 * 100) } ?? "n/a" }
            var lines = [
                "reviewed \(a.reviewed) of \(a.samples) samples (\(a.disputed) disputed, \(a.edited) edited) by \(a.reviewers.joined(separator: ", "))",
                "people vs automatic checks: agreement \(pct(a.agreement)), kappa \(a.kappa.map { String(format: "%.2f", $0) } ?? "n/a")",
                "  accepted & kept \(a.acceptedKept), accepted & rejected \(a.acceptedRejected), rejected & kept \(a.rejectedKept), rejected & rejected \(a.rejectedRejected)",
                "kept samples accepted by people: \(pct(a.keptAcceptedShare))",
            ]
            for pair in a.pairs {
                lines.append("\(pair.reviewers.joined(separator: " vs ")): agreement \(pct(pair.agreement)) on \(pair.shared) shared samples")
            }
            return lines.joined(separator: "\n")
        }
    }
}

import Foundation

/// PDF through poppler's `pdftotext` (from apt's `poppler-utils`): a maintained extractor that handles font
/// encodings, ToUnicode maps and ligatures, which a hand-written parser would not. It runs in its default
/// reading-order mode, not `-layout`: layout mode pads text with spaces to reproduce columns, which breaks
/// sentences, interleaves multi-column pages and wastes tokens. Pages are split at the form feeds the tools
/// write after each page, and every block keeps its 1-based page number.
///
/// A damaged file that poppler cannot open (a cross-reference table shifted by inserted bytes) is tried again
/// with MuPDF's `mutool` when it is installed (apt's `mupdf-tools`), which rebuilds the table and keeps the
/// pages it can read; the document's metadata then says `pdf_extractor: mutool (repaired)`.
public struct PDFLoader: Sendable {
    public init(tool: String = "pdftotext", repairTool: String? = "mutool") {
        self.tool = tool
        self.repairTool = repairTool
    }

    /// The `pdftotext` executable (found on `PATH` when not absolute).
    public var tool = "pdftotext"
    /// The fallback for files poppler cannot open; nil: none.
    public var repairTool: String? = "mutool"

    /// Extracts the text of the PDF at `path`, page by page. Pages that extract are kept when others fail.
    /// - Parameter timeout: seconds each tool may run before it is stopped.
    /// - Throws: ``IngestError/pdfExtraction(path:reason:)`` with poppler's own message,
    ///   ``IngestError/encrypted(path:)``, ``IngestError/timedOut(path:seconds:)``, ``IngestError/empty(path:)``.
    public func load(path: String, timeout: Double = 300) throws -> ExtractedDocument {
        var metadata: [String: String] = [:]
        let output: String
        let poppler = try Self.run(tool, ["-enc", "UTF-8", "-eol", "unix", path, "-"], path: path, timeout: timeout)
        if poppler.status == 0 || Self.hasText(poppler.output) {
            output = poppler.output
        } else if poppler.errors.contains("Incorrect password") {
            throw IngestError.encrypted(path: path)
        } else if poppler.status == 127 {
            throw IngestError.pdfExtraction(path: path, reason: "\(tool) not found (apt install poppler-utils)")
        } else if let repairTool,
                  let repaired = try? Self.run(repairTool, ["draw", "-q", "-F", "txt", "-o", "-", path], path: path,
                                               timeout: timeout),
                  repaired.status == 0, Self.hasText(repaired.output) {
            output = repaired.output
            metadata["pdf_extractor"] = "\(repairTool) (repaired)"
        } else {
            throw IngestError.pdfExtraction(path: path, reason: Self.reason(from: poppler.errors, status: poppler.status))
        }
        var assembler = TextAssembler()
        var title: String?
        for (index, page) in output.split(separator: "\u{0C}", omittingEmptySubsequences: false).enumerated() {
            assembler.page = index + 1
            for paragraph in TextDecoding.paragraphs(String(page)) {
                if title == nil {
                    let line = paragraph.split(separator: "\n").first.map { String($0).trimmingWhitespace() } ?? ""
                    if !line.isEmpty && line.count <= 120 { title = line }
                }
                assembler.add(String(paragraph), kind: .paragraph)
            }
        }
        let document = assembler.document(format: .pdf, title: title, metadata: metadata)
        if document.isEmpty { throw IngestError.empty(path: path) }
        return document
    }

    private static func hasText(_ text: String) -> Bool {
        text.unicodeScalars.contains { !$0.properties.isWhitespace && $0 != "\u{0C}" }
    }

    /// What a tool run gave: exit status (127: not found), stdout as UTF-8, stderr.
    struct ToolRun {
        var status: Int32
        var output: String
        var errors: String
    }

    /// Runs `tool` with `arguments`, stopped after `timeout` seconds.
    static func run(_ tool: String, _ arguments: [String], path: String, timeout: Double) throws -> ToolRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do {
            try process.run()
        } catch {
            throw IngestError.pdfExtraction(path: path, reason: "cannot run \(tool): \(error.localizedDescription)")
        }
        // Read both pipes to the end on their own threads, so a large output cannot fill a pipe and stall the
        // tool, and the wait below can stop a tool that runs too long.
        let outputBox = Box()
        let errorBox = Box()
        let group = DispatchGroup()
        let outputHandle = output.fileHandleForReading
        let errorHandle = errors.fileHandleForReading
        DispatchQueue.global().async(group: group) { outputBox.set(outputHandle.readDataToEndOfFile()) }
        DispatchQueue.global().async(group: group) { errorBox.set(errorHandle.readDataToEndOfFile()) }
        if exited.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            exited.wait()
            group.wait()
            throw IngestError.timedOut(path: path, seconds: timeout)
        }
        group.wait()
        process.waitUntilExit()
        return ToolRun(status: process.terminationStatus, output: String(decoding: outputBox.get(), as: UTF8.self),
                       errors: String(decoding: errorBox.get(), as: UTF8.self))
    }

    /// Poppler's first distinct error lines ("Syntax Error: Couldn't find trailer dictionary"), else the exit
    /// status.
    static func reason(from messages: String, status: Int32) -> String {
        var lines: [String] = []
        for line in messages.split(separator: "\n") {
            let text = String(line).trimmingWhitespace()
            guard text.contains("Error"), !lines.contains(text) else { continue }
            lines.append(text)
            if lines.count == 2 { break }
        }
        if lines.isEmpty, let first = messages.split(separator: "\n").first {
            lines.append(String(first).trimmingWhitespace())
        }
        return lines.isEmpty ? "pdftotext exit status \(status)" : lines.joined(separator: "; ")
    }
}

/// Bytes handed from the thread that drains stderr.
private final class Box: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ value: Data) { lock.withLock { data = value } }
    func get() -> Data { lock.withLock { data } }
}

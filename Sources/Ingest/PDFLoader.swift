import Foundation

/// PDF through poppler's `pdftotext` (from apt's `poppler-utils`): a maintained extractor that handles font
/// encodings, ToUnicode maps and ligatures, which a hand-written parser would not. It runs in its default
/// reading-order mode, not `-layout`: layout mode pads text with spaces to reproduce columns, which breaks
/// sentences, interleaves multi-column pages and wastes tokens. Pages are split at the form feeds
/// `pdftotext` writes after each page, and every block keeps its 1-based page number.
public struct PDFLoader: Sendable {
    public init(tool: String = "pdftotext") {
        self.tool = tool
    }

    /// The `pdftotext` executable (found on `PATH` when not absolute).
    public var tool = "pdftotext"

    /// Extracts the text of the PDF at `path`, page by page.
    /// - Throws: ``IngestError/pdfExtraction(path:reason:)``, ``IngestError/empty(path:)``.
    public func load(path: String) throws -> ExtractedDocument {
        let output = try run(path: path)
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
        let document = assembler.document(format: .pdf, title: title)
        if document.isEmpty { throw IngestError.empty(path: path) }
        return document
    }

    /// The UTF-8 text `pdftotext` extracts.
    private func run(path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool, "-enc", "UTF-8", "-q", "-eol", "unix", path, "-"]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw IngestError.pdfExtraction(path: path, reason: "cannot run \(tool): \(error.localizedDescription)")
        }
        // Read both pipes to the end before waiting, so a large output cannot fill a pipe and stall the tool.
        let errorHandle = errors.fileHandleForReading
        let errorBox = Box()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { errorBox.set(errorHandle.readDataToEndOfFile()) }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let errorData = errorBox.get()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errorData, as: UTF8.self).trimmingWhitespace()
            let reason = process.terminationStatus == 127 ? "\(tool) not found (apt install poppler-utils)"
                : message.isEmpty ? "exit status \(process.terminationStatus)" : message
            throw IngestError.pdfExtraction(path: path, reason: reason)
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Bytes handed from the thread that drains stderr.
private final class Box: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ value: Data) { lock.withLock { data = value } }
    func get() -> Data { lock.withLock { data } }
}

import ArgumentParser
import Embeddings
import Foundation

extension Rag {
    /// `rag embed TEXT... | --file FILE`: prints the vectors of passages.
    struct Embed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Embed passages and print their vectors.",
            discussion: """
                Passages come from the arguments or from --file (one passage a line; empty lines skipped). \
                Without --json, each vector is printed on one line, values separated by spaces. With --json, \
                one object {"model", "dimension", "embeddings": [[...], ...]} in input order.
                """
        )

        @Argument(help: "Passages to embed.") var texts: [String] = []
        @Option(help: "File with one passage per line.") var file: String?
        @OptionGroup var embedding: EmbedderOptions
        @Flag(help: "Print one JSON object.") var json = false

        func validate() throws {
            if texts.isEmpty == (file == nil) {
                throw ValidationError("give either passages as arguments or --file FILE")
            }
        }

        func run() async throws {
            let passages = try file.map(Self.readLines) ?? texts
            let embedder = try embedding.makeEmbedder()
            let vectors = try embedder.embed(passages)
            if json {
                try Output.printJSON(EmbeddingReport(model: embedder.name, dimension: embedder.dimension, embeddings: vectors))
            } else {
                var out = ""
                for vector in vectors {
                    out += vector.map { "\($0)" }.joined(separator: " ") + "\n"
                }
                FileHandle.standardOutput.write(Data(out.utf8))
            }
        }

        /// The non-empty lines of a text file.
        static func readLines(_ path: String) throws -> [String] {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ValidationError("cannot read \(path)")
            }
            return String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).map(String.init)
                .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        }
    }
}

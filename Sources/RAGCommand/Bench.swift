import ArgumentParser

extension Rag {
    /// `rag bench ...`: benchmarks of the hot paths.
    struct Bench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure the hot paths (ANN search, embedding).",
            subcommands: [
                ANN.self,
                Embed.self,
            ]
        )
    }
}

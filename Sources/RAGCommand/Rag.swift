import ArgumentParser

/// The `rag` command: a vector retrieval and grounding engine.
public struct Rag: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "rag",
        abstract: "Vector retrieval and grounded dataset generation over your own documents.",
        subcommands: [
            Bench.self,
            Embed.self,
            Eval.self,
            Export.self,
            Filter.self,
            Generate.self,
            Ingest.self,
            Query.self,
            Review.self,
            Stats.self,
        ]
    )

    public init() {}
}

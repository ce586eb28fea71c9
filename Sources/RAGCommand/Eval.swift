import ArgumentParser

extension Rag {
    /// `rag eval ...`: measure a component on labelled data.
    struct Eval: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Evaluate components on labelled data.",
            subcommands: [
                Grounding.self,
                Retrieval.self, Dataset.self, Labels.self, Task.self,
            ]
        )
    }
}

import ArgumentParser
import RAGCommand

/// The executable's entry point: the `rag` command tree defined in RAGCommand.
@main
struct RagMain: AsyncParsableCommand {
    static let configuration = Rag.configuration
}

import ArgumentParser
import Foundation
import Generation
import Grounding
import LanguageModels

/// `--verifier` and `--verifier-model`: the reader model that decides whether kept samples answer their
/// question, shared by generate, filter and eval grounding so that the three reach the same decision.
struct VerifierOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The verifier: local (the installed Qwen2.5-Coder-1.5B), an OpenAI-compatible base URL, or none.",
        valueName: "local|URL|none"))
    var verifier: String?
    @Option(help: "Model name to request from a --verifier URL.") var verifierModel = "default"
    @Option(help: "Word-level score below which the verifier is not asked (default: the built-in gate).")
    var verifierGate: Double?
    @Option(help: "Least P(Yes) the verifier must give (default: the one fitted on the development set).")
    var verifierThreshold: Double?
    @Option(help: ArgumentHelp(
        "Round-trip answering: the verifier also answers each accepted question without seeing its answer, "
            + "and the two must agree to at least this token-F1 / containment (0 turns it off; default: the "
            + "built-in threshold).", valueName: "agreement"))
    var answerAgreement: Double?
    @Option(help: ArgumentHelp(
        "The least round-trip agreement for an answer longer than a phrase: the share of the reader's phrase "
            + "that must lie inside it, in order (default: the fitted value).", valueName: "agreement"))
    var longAnswerAgreement: Double?
    @Option(help: ArgumentHelp(
        "With the round trip: the reader answers first, and an agreeing answer is kept without the P(Yes) call "
            + "when the reader's probability of answering (not \"unanswerable\") is at least this (above 1: "
            + "always ask P(Yes) first; default: the fitted value).", valueName: "probability"))
    var readerConfidence: Double?

    func validate() throws {
        if let readerConfidence, readerConfidence < 0 { throw ValidationError("--reader-confidence must be at least 0") }
        for (name, value) in [("--verifier-gate", verifierGate), ("--verifier-threshold", verifierThreshold),
                              ("--answer-agreement", answerAgreement), ("--long-answer-agreement", longAnswerAgreement)] {
            if let value, !(0...1).contains(value) { throw ValidationError("\(name) must be in 0...1") }
        }
    }

    /// Applies the gate and threshold options to a checker configuration.
    func apply(to configuration: inout SupportChecker.Configuration) {
        if let verifierGate { configuration.verifierGate = verifierGate }
        if let verifierThreshold { configuration.verifierThreshold = verifierThreshold }
        if let answerAgreement {
            configuration.answerRoundTrip = answerAgreement > 0
            configuration.answerAgreementThreshold = answerAgreement
        }
        if let longAnswerAgreement { configuration.longAnswerAgreementThreshold = longAnswerAgreement }
        if let readerConfidence { configuration.confidentReaderProbability = readerConfidence }
    }

    /// The connection the options name, started when local; nil for none.
    ///
    /// - Parameters:
    ///   - fallback: what an unset `--verifier` means: "local" when the 1.5B model is installed, else "none"
    ///     (nil), or a caller's choice such as the generator's own servers.
    ///   - fallbackModel: the model name to request when the fallback is a URL and no --verifier-model is given.
    ///   - threads: CPU threads of a local verifier server.
    func connect(fallback: String?, fallbackModel: String? = nil, threads: Int = 1,
                 timeout: TimeInterval = 180) async throws -> LanguageModelConnection? {
        let choice = verifier ?? fallback ?? (LocalLLMServer.isInstalled(.large) ? "local" : "none")
        switch choice {
        case "none":
            return nil
        case "local":
            guard LocalLLMServer.isInstalled(.large) else {
                throw ValidationError("--verifier local: \(LocalLLMServer.Model.large.fileName) is not installed (bash scripts/install-llm.sh)")
            }
            Output.log("starting the local verifier (\(LocalLLMServer.Model.large.name))")
            return try await .local(.large, threads: threads, timeout: timeout)
        default:
            let model = verifier == nil && verifierModel == "default" ? fallbackModel ?? verifierModel : verifierModel
            return try .remote(urls: choice, model: model, timeout: timeout)
        }
    }
}

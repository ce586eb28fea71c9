import Embeddings
import Foundation
import Generation
import Grounding
import Retrieval

/// Glue between modules that do not import each other: the grounding checks as the generation pipeline's
/// filter, retrieval as the checks' round-trip seam, and a language model as their verifier.

/// Ranks a chunk among hybrid (or lexical, without an embedder) search results.
struct RetrieverPassageRanker: PassageRetriever {
    let retriever: Retriever

    func rank(of chunkID: String, for question: String, depth: Int) async throws -> Int? {
        guard let id = Int64(chunkID) else { return nil }
        let mode: SearchMode = retriever.embedder == nil ? .lexical : .hybrid
        let results = try retriever.search(question, options: SearchOptions(k: depth, mode: mode))
        return results.firstIndex { $0.chunk.id == id }.map { $0 + 1 }
    }
}

/// Asks a reader model "does the passage answer this question with this answer?" and reads P(Yes) from the
/// log-probabilities of its first token (see LLM.md), instead of trusting one sampled word.
///
/// The prompt puts the passages first and the instruction after them, so that llama.cpp's prompt cache serves
/// every check on the same chunk from the prefix it has already read. The reply is one token, unconstrained
/// (any OpenAI-compatible server can take it); when the server sends no log-probabilities, the sampled word
/// decides and the judgement says it was not scored.
struct LanguageModelVerifier: AnswerVerifier {
    let model: any LanguageModel
    var name: String { model.name }

    static let system = "You are a careful reader. You check whether a passage really answers a question."

    /// The start both prompts share, passages first: the server's prompt cache serves the second call on the
    /// same sample from the first one's prefix, up to here.
    static func opening(question: String, passages: [String]) -> String {
        let context = passages.count == 1 ? passages[0]
            : passages.enumerated().map { "[\($0.offset + 1)] \($0.element)" }.joined(separator: "\n\n")
        return "Passage:\n\(context)\n\nQuestion: \(question)\n"
    }

    /// The verification prompt; passages first.
    static func prompt(question: String, answer: String, passages: [String]) -> String {
        opening(question: question, passages: passages) + """
            Proposed answer: \(answer)

            Does the passage answer this exact question, with the proposed answer? Say No if the question asks \
            about a person, thing, time, place or condition that the passage does not mention, if the passage \
            says the opposite, or if the proposed answer answers a different question. Reply Yes or No.
            """
    }

    func verify(question: String, answer: String, passages: [String]) async throws -> VerifierJudgement {
        let completion = try await model.complete(CompletionRequest(
            messages: [ChatMessage(.system, Self.system),
                       ChatMessage(.user, Self.prompt(question: question, answer: answer, passages: passages))],
            temperature: 0, maxTokens: 1, seed: 1, topLogprobs: 10))
        if let probabilities = completion.optionProbabilities(["Yes", "No"]), let yes = probabilities["Yes"] {
            return VerifierJudgement(probabilityYes: yes, isScored: true, model: model.name)
        }
        let word = completion.text.trimmingCharacters(in: .whitespacesAndNewlines.union(.punctuationCharacters)).lowercased()
        if word.hasPrefix("y") || word.hasPrefix("n") {
            return VerifierJudgement(probabilityYes: word.hasPrefix("y") ? 1 : 0, isScored: false, model: model.name)
        }
        throw LanguageModelError.malformedResponse(
            endpoint: "verifier", reason: "expected Yes or No, got \"\(completion.text.prefix(80))\"")
    }
}

extension LanguageModelVerifier: QuestionAnswerer {
    /// What the reader says when the passages do not answer the question.
    static let unanswerable = "unanswerable"

    /// The round-trip prompt; passages first, and no proposed answer.
    static func readerPrompt(question: String, passages: [String]) -> String {
        opening(question: question, passages: passages) + """

            Answer the question with the shortest phrase copied exactly from the passage. If the passage does not \
            answer this exact question (it asks about a person, thing, time, place or condition the passage does \
            not mention, or the passage says otherwise), answer "\(unanswerable)". Reply as {"answer": ...}.
            """
    }

    func answer(question: String, passages: [String]) async throws -> ReaderAnswer {
        let completion = try await model.complete(CompletionRequest(
            // The verifier's system message and passage block: the server's prompt cache then serves this call
            // from the P(Yes) call's prefix, up to the question.
            messages: [ChatMessage(.system, Self.system),
                       ChatMessage(.user, Self.readerPrompt(question: question, passages: passages))],
            temperature: 0, maxTokens: 96, seed: 1,
            jsonSchema: ["type": "object", "properties": ["answer": ["type": "string", "maxLength": 240]],
                         "required": ["answer"], "additionalProperties": false],
            topLogprobs: 10))
        guard let text = (try? JSONValue.parse(completion.text))?["answer"]?.stringValue else {
            throw LanguageModelError.malformedResponse(
                endpoint: "reader", reason: "expected {\"answer\": ...}, got \"\(completion.text.prefix(80))\"")
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let said = trimmed.lowercased().trimmingCharacters(in: .punctuationCharacters)
        return ReaderAnswer(text: said == Self.unanswerable || trimmed.isEmpty ? nil : trimmed, model: model.name,
                            answerableProbability: Self.answerableProbability(completion))
    }

    /// 1 − the mass on "unanswerable" (any token that begins it) at the first token of the answer, over the
    /// returned alternatives; nil without log-probabilities.
    static func answerableProbability(_ completion: Completion) -> Double? {
        guard let alternatives = completion.alternatives(atValueOf: "answer"), !alternatives.isEmpty else { return nil }
        var total = 0.0, unanswerableMass = 0.0
        for alternative in alternatives {
            let p = Foundation.exp(alternative.logprob)
            total += p
            let token = alternative.token.trimmingCharacters(in: .whitespacesAndNewlines.union(.punctuationCharacters))
                .lowercased()
            if token.count >= 2, unanswerable.hasPrefix(token) { unanswerableMass += p }
        }
        return total > 0 ? 1 - unanswerableMass / total : nil
    }
}

/// The grounding checks (span, claim alignment, question fit, round trip, the verifier model) as a generation filter.
///
/// A qa sample passes when the checker judges its answer supported by the passages the model saw; the
/// round-trip rank of the source chunk is recorded as a difficulty label either way. Unanswerable questions
/// and classification or extraction samples keep the pipeline's own provenance checks only.
struct GroundingSampleFilter: SampleFilter {
    let checker: SupportChecker
    /// Counts what the verifier did, for the report and the card.
    let tally = VerifierTally()
    /// The task's domain description: names and numbers in it may appear in answers.
    var background: String?
    /// For answers that are quoted source sentences: the least share of the question's content terms the
    /// answer must contain (see ``QuestionCoverage``); nil to skip.
    var minimumQuestionCoverage: Double?
    /// Which samples a coverage below the minimum rejects before the checker runs; the others only record it
    /// (as a passed check whose score is the share), and the checker's reader decides them.
    var coverageGates = CoverageGate.all
    /// See ``coverageGates``.
    enum CoverageGate {
        /// Every quoted-sentence answer.
        case all
        /// Only answers whose phrase is longer than a fragment: for those the reader's agreement and P(Yes) are
        /// weak signals (README, "Generation with the verifier"), for short ones the reader's answer decides.
        case longAnswers
    }

    func check(_ sample: GeneratedSample) async throws -> [CheckOutcome] {
        guard let question = sample.question, let answer = sample.answer,
              sample.type != TaskDefinition.QuestionType.unanswerable.rawValue
        else { return [] }
        // The word-level coverage check is cheap: a sample it gates out costs no verifier call.
        let phrase = sample.fields["answer_span"]?.stringValue ?? answer
        let coverage = minimumQuestionCoverage.flatMap { minimum in
            sample.spans.contains(where: { $0.text == answer })
                ? QuestionCoverage.check(question: question, answer: answer, background: background, minimum: minimum,
                                         gates: coverageGates == .all || !checker.configuration.isFragmentAnswer(phrase))
                : nil
        }
        let coverageOutcome = coverage.map(CheckOutcome.init)
        if let coverageOutcome, !coverageOutcome.passed { return [coverageOutcome] }
        var outcomes: [CheckOutcome] = []
        let verdict = try await checker.verdict(for: GroundingSample(
            question: question, answer: answer, passages: sample.context.map(\.text),
            sourceChunkID: sample.sourceChunkIDs.first.map(String.init), background: background,
            shortAnswer: sample.fields["answer_span"]?.stringValue))
        if let check = verdict.check(named: "verifier") { tally.count(check) }
        if let check = verdict.check(named: "answer_round_trip") { tally.countRoundTrip(check) }
        let details = verdict.checks.map { String(format: "%@ %.2f", $0.name, $0.score) }.joined(separator: ", ")
        if verdict.isSupported {
            outcomes.append(CheckOutcome(
                name: "grounding", passed: true, score: verdict.score,
                reason: "supported (\(verdict.decidedBy.rawValue)): \(details)"))
        } else {
            outcomes.append(CheckOutcome(
                name: verdict.rejectionName ?? "unsupported_score", passed: false, score: verdict.score,
                reason: (verdict.rejectionReason ?? "below threshold") + " [\(details)]"))
        }
        if let coverageOutcome { outcomes.append(coverageOutcome) }
        if let roundTrip = verdict.check(named: "round_trip") {
            // A difficulty label, not a gate: a question that does not retrieve its source is hard, not wrong.
            outcomes.append(CheckOutcome(name: "round_trip_rank", passed: true, score: roundTrip.score,
                                         reason: roundTrip.reason))
        }
        return outcomes
    }
}

/// Thread-safe counts of the verifier checks a filter saw.
final class VerifierTally: @unchecked Sendable {
    private let lock = NSLock()
    private var counts = (asked: 0, scored: 0, failed: 0, roundTrips: 0, roundTripRejected: 0, skipped: 0)

    func countRoundTrip(_ check: CheckResult) {
        lock.withLock {
            counts.roundTrips += 1
            if !check.passed { counts.roundTripRejected += 1 }
            if check.features["failed"] == 1 { counts.failed += 1 }
        }
    }

    func count(_ check: CheckResult) {
        lock.withLock {
            if check.features["asked"] == 1 { counts.asked += 1 }
            if check.features["skipped"] == 1 { counts.skipped += 1 }
            if check.features["scored"] == 1 { counts.scored += 1 }
            if check.features["failed"] == 1 { counts.failed += 1 }
        }
    }

    var asked: Int { lock.withLock { counts.asked } }
    var scored: Int { lock.withLock { counts.scored } }
    var failed: Int { lock.withLock { counts.failed } }
    var roundTrips: Int { lock.withLock { counts.roundTrips } }
    var roundTripRejected: Int { lock.withLock { counts.roundTripRejected } }
    /// Samples kept on the reader's confident, agreeing answer without the P(Yes) call.
    var skipped: Int { lock.withLock { counts.skipped } }
}

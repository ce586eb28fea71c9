import Embeddings
import Foundation
import Generation
import Grounding
import Retrieval

/// Glue between modules that do not import each other: the grounding checks as the generation pipeline's
/// filter, retrieval as the checks' round-trip seam, and a language model as their judge.

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

/// Asks a language model "is this answer supported?" with the reply constrained to "Yes" or "No" (lower-case
/// options biased the small local model towards yes; see LLM.md).
struct LanguageModelJudge: SupportJudge {
    let model: any LanguageModel

    func judge(question: String, answer: String, context: [String]) async throws -> Bool {
        let passages = context.enumerated().map { "[\($0.offset + 1)] \($0.element)" }.joined(separator: "\n\n")
        let prompt = """
            Context:
            \(passages)

            Question: \(question)
            Proposed answer: \(answer)

            Does the context alone state this answer to this question? Reply Yes or No.
            """
        let schema: JSONValue = [
            "type": "object",
            "properties": ["verdict": ["type": "string", "enum": ["Yes", "No"]]],
            "required": ["verdict"],
            "additionalProperties": false,
        ]
        let completion = try await model.complete(CompletionRequest(
            messages: [ChatMessage(.system, "You check answers strictly against the given context."), ChatMessage(.user, prompt)],
            temperature: 0, maxTokens: 20, seed: 1, jsonSchema: schema))
        let verdict = (try? JSONValue.parse(completion.text))?["verdict"]?.stringValue
        guard let verdict else { throw LanguageModelError.malformedResponse(endpoint: "judge", reason: completion.text) }
        return verdict == "Yes"
    }
}

/// The grounding checks (span, claim alignment, question fit, round trip, optional judge) as a generation filter.
///
/// A qa sample passes when the checker judges its answer supported by the passages the model saw; the
/// round-trip rank of the source chunk is recorded as a difficulty label either way. Unanswerable questions
/// and classification or extraction samples keep the pipeline's own provenance checks only.
struct GroundingSampleFilter: SampleFilter {
    let checker: SupportChecker
    /// The task's domain description: names and numbers in it may appear in answers.
    var background: String?
    /// For answers that are quoted source sentences: the least share of the question's content terms the
    /// answer must contain (see ``QuestionCoverage``); nil to skip.
    var minimumQuestionCoverage: Double?

    func check(_ sample: GeneratedSample) async throws -> [CheckOutcome] {
        guard let question = sample.question, let answer = sample.answer,
              sample.type != TaskDefinition.QuestionType.unanswerable.rawValue
        else { return [] }
        let verdict = try await checker.verdict(for: GroundingSample(
            question: question, answer: answer, passages: sample.context.map(\.text),
            sourceChunkID: sample.sourceChunkIDs.first.map(String.init), background: background))
        var outcomes: [CheckOutcome] = []
        let details = verdict.checks.map { String(format: "%@ %.2f", $0.name, $0.score) }.joined(separator: ", ")
        if verdict.isSupported {
            outcomes.append(CheckOutcome(
                name: "grounding", passed: true, score: verdict.score,
                reason: "supported (\(verdict.decidedBy.rawValue)): \(details)"))
        } else {
            let failed = verdict.checks.first { !$0.passed }
            outcomes.append(CheckOutcome(
                name: "unsupported_" + (failed?.name ?? "score"), passed: false, score: verdict.score,
                reason: (verdict.rejectionReason ?? "below threshold") + " [\(details)]"))
        }
        if let minimum = minimumQuestionCoverage, sample.spans.contains(where: { $0.text == answer }) {
            let (share, missing) = QuestionCoverage.coverage(question: question, answer: answer, background: background)
            let answersHow = QuestionCoverage.answersHow(question: question, answer: answer)
            outcomes.append(CheckOutcome(
                name: "question_coverage", passed: share >= minimum && answersHow, score: answersHow ? share : 0,
                reason: !answersHow ? "a how-to question, but the answer sentence names no command, option or action"
                    : missing.isEmpty ? "the answer sentence covers the question's terms"
                    : String(format: "the answer sentence covers %.0f%% of the question's terms; missing: ", share * 100)
                        + missing.joined(separator: ", ")))
        }
        if let roundTrip = verdict.check(named: "round_trip") {
            // A difficulty label, not a gate: a question that does not retrieve its source is hard, not wrong.
            outcomes.append(CheckOutcome(name: "round_trip_rank", passed: true, score: roundTrip.score,
                                         reason: roundTrip.reason))
        }
        return outcomes
    }
}

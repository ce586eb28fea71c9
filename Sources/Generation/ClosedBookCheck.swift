import Dataset
import Foundation
import TextAnalysis
import LanguageModels

/// The closed-book check: the model answers a kept question without any context. A sample it answers right
/// anyway (token F1 with the grounded answer at or above ``threshold``) is tagged as not testing grounding: a
/// model could pass it from memory. The tag is a passed check with the F1 as its score, so it never removes a
/// sample; `rag generate --closed-book` adds it and the dataset card counts it.
public struct ClosedBookCheck: Sendable {
    public static let name = "closed_book"
    public let model: any LanguageModel
    public var threshold: Double = 0.5
    public var seed: UInt64 = 0

    public init(model: any LanguageModel, threshold: Double = 0.5, seed: UInt64 = 0) {
        self.model = model
        self.threshold = threshold
        self.seed = seed
    }

    /// The check's outcome for one question and its grounded answer.
    public func check(question: String, answer: String) async throws -> CheckOutcome {
        let request = CompletionRequest(
            messages: [
                ChatMessage(.system, "Answer the question in one short sentence from what you know. If you do not know, answer \"I don't know\". Reply with JSON only."),
                ChatMessage(.user, question + "\nReply as {\"answer\": ...}."),
            ],
            temperature: 0, maxTokens: 120, seed: seed,
            jsonSchema: ["type": "object", "properties": ["answer": ["type": "string", "maxLength": 300]],
                         "required": ["answer"], "additionalProperties": false])
        let completion = try await model.complete(request)
        let guess = (try? JSONValue.parse(completion.text))?["answer"]?.stringValue ?? completion.text
        let f1 = Self.tokenF1(guess, answer)
        let known = f1 >= threshold
        return CheckOutcome(
            name: Self.name, passed: true, score: f1,
            reason: known
                ? String(format: "answered without context (F1 %.2f): does not test grounding", f1)
                : String(format: "not answered without context (F1 %.2f)", f1))
    }

    /// SQuAD-style token F1: lowercased words without punctuation and articles, multiset overlap.
    public static func tokenF1(_ prediction: String, _ reference: String) -> Double {
        func tokens(_ text: String) -> [String] {
            WordTokenizer.keys(in: text).filter { !Lexicon.articles.contains($0) }
        }
        let p = tokens(prediction), r = tokens(reference)
        guard !p.isEmpty || !r.isEmpty else { return 1 }
        return WordOverlap.f1(p, r)
    }

    /// Whether a sample was tagged as answerable without context.
    public static func answeredClosedBook(_ sample: GeneratedSample, threshold: Double = 0.5) -> Bool {
        sample.checks.contains { $0.name == name && $0.score >= threshold }
    }
}

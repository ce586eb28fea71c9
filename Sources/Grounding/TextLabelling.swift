import Foundation
import LanguageModels

/// The classes of a classification task, in order, with what each means where the task says.
public struct LabelSet: Sendable, Equatable {
    public var names: [String]
    public var definitions: [String: String]

    public init(names: [String], definitions: [String: String] = [:]) {
        self.names = names
        self.definitions = definitions
    }
}

/// How a reader labelled a text it saw without its intended label.
public struct LabelJudgement: Sendable, Equatable {
    /// Label → the reader's P(Yes) that the text is of that class (each in 0...1; they need not sum to 1).
    public var scores: [String: Double]
    /// True when the scores came from log-probabilities; false when a sampled Yes or No decided one (it then
    /// scores 1 or 0).
    public var isScored: Bool
    public var model: String

    public init(scores: [String: Double], isScored: Bool, model: String) {
        self.scores = scores
        self.isScored = isScored
        self.model = model
    }

    /// The most probable label (ties: the first in name order).
    public var top: String? {
        scores.max { a, b in a.value < b.value || (a.value == b.value && a.key > b.key) }?.key
    }

    /// Contextual calibration ("Calibrate Before Use", Zhao et al. 2021), in log-odds: each class's
    /// logit(P(Yes)) minus the logit the reader gives the same class for an empty text, its prior. Without it
    /// the 1.5B model said Yes to its favourite classes for almost any question (0.47 accuracy on 120 real TREC
    /// questions). Subtracting probabilities instead (as an earlier version did) squeezes a class whose prior
    /// is near 1 into nothing: with a prior P(Yes) of 0.95, "bug_report" could never lead by 0.05, and no bug
    /// report was ever kept (README, "Classification").
    public func calibrated(by prior: LabelJudgement) -> LabelJudgement {
        var calibrated: [String: Double] = [:]
        for (label, score) in scores {
            calibrated[label] = Self.logit(score) - Self.logit(prior.scores[label] ?? 0.5)
        }
        return LabelJudgement(scores: calibrated, isScored: isScored && prior.isScored, model: model)
    }

    /// log(p / (1 − p)), with p kept within [1e-4, 1 − 1e-4] (a sampled Yes or No scores 1 or 0).
    public static func logit(_ p: Double) -> Double {
        let q = min(max(p, 1e-4), 1 - 1e-4)
        return Foundation.log(q / (1 - q))
    }

    /// The score of `label` minus the largest score of any other label: positive when `label` is the reader's
    /// choice, and by how much.
    public func margin(for label: String) -> Double {
        let own = scores[label] ?? 0
        let other = scores.filter { $0.key != label }.values.max() ?? 0
        return own - other
    }
}

/// Labels a text without being told which label it was written for: the round trip of a classification sample.
public protocol TextLabeller: Sendable {
    /// The reader's P(Yes) that `text` is of class `label`, and whether it came from log-probabilities.
    func score(_ text: String, label: String, among labels: LabelSet, textForm: String) async throws -> (Double, isScored: Bool)
    /// The reader's name.
    var name: String { get }
}

extension TextLabeller {
    /// Every class's score, in the label set's order.
    public func label(_ text: String, among labels: LabelSet, textForm: String) async throws -> LabelJudgement {
        var scores: [String: Double] = [:]
        var allScored = true
        for name in labels.names {
            let (score, isScored) = try await score(text, label: name, among: labels, textForm: textForm)
            scores[name] = score
            allScored = allScored && isScored
        }
        return LabelJudgement(scores: scores, isScored: allScored, model: name)
    }
}

extension LanguageModelVerifier: TextLabeller {
    static let annotatorSystem = "You are a careful annotator."

    /// One yes/no question per class, the text first: the server's prompt cache reads the text once for all
    /// of them. Asked to pick a class letter or name among six, the 1.5B model put most of its mass on one or
    /// two classes whatever the question (README, "Classification"); one class at a time it tells them apart.
    static func labelPrompt(_ text: String, label: String, definition: String?, textForm: String) -> String {
        let form = textForm.trimmingCharacters(in: .whitespaces)
        let opening = "\(form.prefix(1).uppercased() + form.dropFirst()): \(text)\n\n"
        if let definition {
            return opening + "Class \"\(label)\": \(definition).\nIs this \(form) of that class? Reply Yes or No."
        }
        return opening + "Is this \(form) an example of \"\(label)\"? Reply Yes or No."
    }

    public func score(_ text: String, label: String, among labels: LabelSet, textForm: String)
        async throws -> (Double, isScored: Bool)
    {
        let completion = try await model.complete(CompletionRequest(
            messages: [ChatMessage(.system, Self.annotatorSystem),
                       ChatMessage(.user, Self.labelPrompt(text, label: label, definition: labels.definitions[label],
                                                           textForm: textForm))],
            temperature: 0, maxTokens: 1, seed: 1, topLogprobs: 10))
        if let probabilities = completion.optionProbabilities(["Yes", "No"]), let yes = probabilities["Yes"] {
            return (yes, true)
        }
        let word = completion.text.trimmingCharacters(in: .whitespacesAndNewlines.union(.punctuationCharacters)).lowercased()
        guard word.hasPrefix("y") || word.hasPrefix("n") else {
            throw LanguageModelError.malformedResponse(
                endpoint: "labeller", reason: "expected Yes or No, got \"\(completion.text.prefix(80))\"")
        }
        return (word.hasPrefix("y") ? 1 : 0, false)
    }
}

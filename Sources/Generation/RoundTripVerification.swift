import Dataset
import Foundation
import Grounding
import LanguageModels

/// Labels a classification sample's text without its intended label and keeps it when the reader's choice is
/// the target by at least a margin (round-trip label verification).
public struct LabelRoundTrip: Sendable {
    public let labeller: any TextLabeller
    public let labels: LabelSet
    public let textForm: String
    /// The least calibrated score of the target minus that of the best other label; fitted on real labelled
    /// questions (README, "Classification").
    public var minimumMargin: Double
    private let prior = PriorCache()

    /// The margin `rag generate` uses unless told otherwise, in calibrated log-odds: on 120 real TREC questions
    /// (`rag eval labels --sample 120`), 0.25 kept 48% of them under their own label at precision 0.96 with
    /// half the labels wrong (0 keeps 64% at 0.90; 0.5 keeps 24% at 0.97).
    public static let defaultMargin = 0.25

    /// The reader's scores for an empty text, asked once per run.
    final class PriorCache: @unchecked Sendable {
        private let lock = NSLock()
        private var value: LabelJudgement?
        func get(_ make: () async throws -> LabelJudgement) async throws -> LabelJudgement {
            if let value = lock.withLock({ value }) { return value }
            let made = try await make()
            lock.withLock { value = made }
            return made
        }
    }

    public init(labeller: any TextLabeller, task: TaskDefinition, minimumMargin: Double = Self.defaultMargin) {
        self.labeller = labeller
        labels = LabelSet(names: task.labels, definitions: task.labelDefinitions)
        textForm = task.textForm
        self.minimumMargin = minimumMargin
    }

    /// The check's outcome for a text written for `target`.
    ///
    /// The target is scored first and the other classes after it, stopping at the first that comes within the
    /// margin: the decision is the one all scores would give, and a text the reader puts elsewhere costs fewer calls.
    public func check(text: String, target: String) async throws -> CheckOutcome {
        let labels = labels, textForm = textForm, labeller = labeller
        let prior = try await prior.get { try await labeller.label("", among: labels, textForm: textForm) }
        func calibrated(_ label: String) async throws -> Double {
            let (score, _) = try await labeller.score(text, label: label, among: labels, textForm: textForm)
            return LabelJudgement.logit(score) - LabelJudgement.logit(prior.scores[label] ?? 0.5)
        }
        var scores = [target: try await calibrated(target)]
        var rival: String?
        for label in labels.names where label != target {
            scores[label] = try await calibrated(label)
            if scores[target]! - scores[label]! < minimumMargin {
                rival = label
                break
            }
        }
        let shown = scores.sorted { $0.value > $1.value }.prefix(3)
            .map { String(format: "%@ %.2f", $0.key, $0.value) }.joined(separator: ", ")
        let margin = scores[target]! - (scores.filter { $0.key != target }.values.max() ?? 0)
        guard let rival else {
            return CheckOutcome(name: "label_round_trip", passed: true, score: margin,
                                reason: "the reader labelled it \(target) by a margin of \(String(format: "%.2f", margin)) [\(shown)]")
        }
        let why = scores[rival]! > scores[target]!
            ? "the reader labelled it \(rival) rather than \(target)"
            : "the reader chose \(target) over \(rival) by a margin of only \(String(format: "%.2f", margin)) (at least \(minimumMargin) needed)"
        return CheckOutcome(name: "label_round_trip", passed: false, score: margin, reason: "\(why) [\(shown)]")
    }
}

/// Re-extracts an extraction sample's fields from its text without the values it was written with, and keeps
/// the sample when every field agrees (``FieldAgreement``).
public struct FieldRoundTrip: Sendable {
    public let extractor: any FieldExtractor
    public let fields: [ExtractionField]
    /// Sets the agreement a string value needs: the round-trip answer thresholds (fitted on squad2_dev, whose
    /// answers are spans people marked for questions people wrote).
    public let configuration: SupportChecker.Configuration

    /// Asks, for each phrase field, whether the text gives the value as what the field describes; nil to skip.
    public let verifier: (any AnswerVerifier)?

    public init(extractor: any FieldExtractor, fields: [ExtractionField], configuration: SupportChecker.Configuration,
                verifier: (any AnswerVerifier)? = nil) {
        self.extractor = extractor
        self.fields = fields
        self.configuration = configuration
        self.verifier = verifier
    }

    /// The question a field's value answers: the task's own `question`, each `{other}` replaced by the value
    /// written for that field ("What does {setting} control?" → "What does work_mem control?"); else the
    /// description made a question ("the port number" → "What is the port number?").
    package static func question(for field: ExtractionField, values: [String: JSONValue] = [:]) -> String {
        if var question = field.question {
            for name in field.questionReferences {
                let value = ExtractionField.phrases(values[name]).joined(separator: ", ")
                question = question.replacingOccurrences(of: "{\(name)}", with: value)
            }
            return question
        }
        let description = field.description.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: ".?")))
        let first = description.split(separator: " ").first.map { $0.lowercased() } ?? ""
        let asks = ["what", "which", "who", "whom", "where", "when", "why", "how"].contains(first)
        let question = asks ? description : "What is " + description
        return question.prefix(1).uppercased() + question.dropFirst() + "?"
    }

    /// The check's outcome for a text written with `values`.
    public func check(text: String, values: [String: JSONValue]) async throws -> CheckOutcome {
        let read = try await extractor.extract(text, fields: fields)
        let outcomes = fields.map {
            FieldAgreement.compare($0, written: values[$0.name], read: read[$0.name], configuration: configuration)
        }
        func shown(_ value: JSONValue?) -> String {
            let phrases = ExtractionField.phrases(value)
            return phrases.isEmpty ? "nothing" : phrases.map { "\"\($0)\"" }.joined(separator: ", ")
        }
        let score = outcomes.map(\.score).min() ?? 0
        let disagreeing = outcomes.filter { !$0.agrees }
        if disagreeing.isEmpty, let verifier {
            // Two models can agree on a value that is not what the field asks for ("PostgreSQL" as the setting a
            // text names). The field's description is the question, the value its answer: the verifier's P(Yes),
            // at the threshold fitted on squad2_dev, must accept each phrase copied from the text (the answers that
            // threshold was fitted on are copied spans; on paraphrases P(Yes) is a weak signal).
            for field in fields where field.copied && (field.type == .string || field.type == .list) {
                for phrase in ExtractionField.phrases(values[field.name]) where !phrase.isEmpty {
                    let judgement = try await verifier.verify(question: Self.question(for: field, values: values), answer: phrase, passages: [text])
                    if judgement.probabilityYes < configuration.verifierThreshold {
                        return CheckOutcome(
                            name: "extraction_field_fit", passed: false, score: judgement.probabilityYes,
                            reason: String(format: "%@: the reader does not take \"%@\" for %@ (P(Yes) %.2f < %.2f)",
                                           field.name, phrase, field.description, judgement.probabilityYes,
                                           configuration.verifierThreshold))
                    }
                }
            }
        }
        if disagreeing.isEmpty, let answerer = verifier as? any QuestionAnswerer,
           let failed = try await askedAgain(text: text, values: values, answerer: answerer) {
            return failed
        }
        if disagreeing.isEmpty {
            return CheckOutcome(name: "extraction_round_trip", passed: true, score: score,
                                reason: "the reader extracted every field alike (least agreement \(String(format: "%.2f", score)))")
        }
        let why = disagreeing.map { "\($0.field): the reader read \(shown(read[$0.field])), not \(shown(values[$0.field]))" }
        return CheckOutcome(name: "extraction_round_trip", passed: false, score: score, reason: why.joined(separator: "; "))
    }

    /// The round trip of a field whose question names other fields ("What does {setting} control or do?"): the
    /// reader answers that question, with the written values put in, from the text alone, and its answer must
    /// agree with the written value (token F1 at the round-trip threshold fitted on squad2_dev). Asked without
    /// the setting, the reader re-extracts whatever phrase sits near a name; asked about the name, it finds what
    /// the text says the name does ("ANALYZE collects statistics", not "generate good plans for queries").
    /// Nil when every such field agrees.
    func askedAgain(text: String, values: [String: JSONValue], answerer: any QuestionAnswerer) async throws -> CheckOutcome? {
        for field in fields where field.copied && field.type == .string && !field.questionReferences.isEmpty {
            guard let written = values[field.name]?.stringValue, !written.isEmpty else { continue }
            let question = Self.question(for: field, values: values)
            let answer = try await answerer.answer(question: question, passages: [text])
            let agreement = AnswerRoundTrip.tokenF1(reader: answer.text, answer: written)
            if agreement == 0 || agreement < configuration.agreementThreshold(forAnswer: written) {
                let read = answer.text.map { "\"\($0)\"" } ?? "that the text does not say"
                return CheckOutcome(
                    name: "extraction_question", passed: false, score: agreement,
                    reason: String(format: "%@: asked \"%@\", the reader answered %@, not \"%@\" (token F1 %.2f)",
                                   field.name, question, read, written, agreement))
            }
        }
        return nil
    }
}

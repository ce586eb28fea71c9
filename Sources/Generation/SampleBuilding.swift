import Dataset
import Foundation
import TextAnalysis
import Grounding
import Retrieval
import Store
import LanguageModels

/// Sample building and location: a writer's reply made into a sample, its text located in the passages, and
/// the cheap checks that need no model.
extension GenerationPipeline {
    /// Turns a parsed reply into a sample: task fields, spans located in the passages, format checks.
    func build(_ slot: SampleSlot, reply: JSONValue, generator: String, model: String) -> GeneratedSample {
        var fields: [String: JSONValue] = [:]
        let evidence = reply["evidence"]?.stringValue ?? ""
        var slot = slot
        switch task.kind {
        case .qa:
            fields["question"] = .string((reply["question"]?.stringValue ?? "").trimmingCharacters(in: .whitespacesAndNewlines))
            if slot.focus != nil, task.answerStyle == .sentence, task.prompts["instructions"] == nil {
                // Span-first generation: the source statement is the answer, quoted, and the phrase of it the
                // question was written for is kept as its short answer. A phrase the model took from another
                // sentence of the source makes that sentence the answer: the question was written for it.
                if let phrase = reply["answer_span"]?.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines),
                   let (sentence, span) = Self.anchor(phrase, focus: slot.focus!, in: slot.context[0].text) {
                    slot.focus = sentence
                    fields["answer_span"] = .string(span)
                }
                fields["answer"] = .string(slot.focusText ?? "")
            } else {
                fields["answer"] = .string((reply["answer"]?.stringValue ?? "").trimmingCharacters(in: .whitespacesAndNewlines))
            }
        case .classification:
            fields["text"] = .string(reply["text"]?.stringValue ?? "")
            fields["label"] = .string(reply["label"]?.stringValue ?? "")
            if let focus = reply["focus"]?.stringValue { fields["focus"] = .string(focus) }
        case .extraction:
            // A focused slot's text is its statement, which the writer was given rather than asked to copy.
            fields["text"] = .string(slot.focusText ?? reply["text"]?.stringValue ?? "")
            fields["fields"] = reply["fields"] ?? .object([:])
        }
        var spans: [SupportingSpan] = []
        let isUnanswerable = slot.target == TaskDefinition.QuestionType.unanswerable.rawValue
        if let focus = slot.focus, let text = slot.focusText, let source = slot.context.first {
            let scalars = source.text.scalarRange(ofCharacters: focus)
            spans.append(SupportingSpan(document: source.document, chunkID: source.chunkID,
                                        start: source.start + scalars.lowerBound, end: source.start + scalars.upperBound,
                                        text: text))
        }
        if !isUnanswerable {
            var quotes = evidence.isEmpty || slot.focus != nil ? [] : [evidence]
            if let answer = fields["answer"]?.stringValue, answer.count >= 3 { quotes.append(answer) }
            if let text = fields["text"]?.stringValue, task.kind == .extraction { quotes.append(text) }
            for quote in quotes {
                for passage in slot.context {
                    guard let match = SpanLocator.locate(quote, in: passage.text) else { continue }
                    let chars = Array(passage.text)
                    let scalars = passage.text.scalarRange(ofCharacters: match.range)
                    let span = SupportingSpan(
                        document: passage.document, chunkID: passage.chunkID, start: passage.start + scalars.lowerBound,
                        end: passage.start + scalars.upperBound, text: String(chars[match.range]))
                    if !spans.contains(span) { spans.append(span) }
                    break
                }
            }
        }
        if task.kind == .classification, let subject = slot.subject, let source = slot.context.first,
           let answer = task.subjectAnswer(question: fields["text"]?.stringValue ?? "", subject: subject,
                                           label: slot.target, passage: source.text) {
            fields["focus"] = .string(answer)
        }
        var sample = GeneratedSample(
            id: sampleID(slot), fields: fields, type: slot.target, sourceChunkIDs: slot.context.map(\.chunkID),
            spans: spans, generator: generator, model: model, checks: [], round: slot.round, context: slot.context)
        switch task.kind {
        case .qa:
            sample.checks = formatChecks(
                question: fields["question"]?.stringValue ?? "", answer: fields["answer"]?.stringValue ?? "",
                type: slot.target, spans: spans)
            if reply["answer_span"] != nil {
                sample.checks += QuestionForm.spanFirstChecks(question: fields["question"]?.stringValue ?? "",
                                                             span: fields["answer_span"]?.stringValue).map(CheckOutcome.init)
            }
        case .classification:
            let label = fields["label"]?.stringValue ?? ""
            let text = fields["text"]?.stringValue ?? ""
            let formProblem = task.classificationFormProblem(text: text, label: label)
            sample.checks = [
                CheckOutcome(name: "format", passed: formProblem == nil, score: formProblem == nil ? 1 : 0,
                             reason: formProblem ?? "ok"),
                CheckOutcome(name: "label_matches_target", passed: label == slot.target, score: label == slot.target ? 1 : 0,
                             reason: label == slot.target ? "ok" : "asked for \(slot.target), got \(label)"),
                CheckOutcome(name: "evidence_located", passed: !spans.isEmpty, score: spans.isEmpty ? 0 : 1,
                             reason: spans.isEmpty ? "evidence not found in the passages" : "ok"),
                PromptLeakage.check(text: text, instructions: prompts.instructionTexts(for: slot),
                                    passages: slot.context.map(\.text),
                                    labelName: task.allowLabelNames ? nil : slot.target,
                                    seedExamples: Array(task.seedExamples.values.joined()),
                                    forbidSourceMention: !task.textsAreQuestions),
            ] + (task.labelFormCheck(text: text, label: slot.target).map { [$0] } ?? [])
              + (task.labelSubjectCheck(text: text, focus: fields["focus"]?.stringValue, label: slot.target,
                                        passage: slot.context.first?.text ?? "").map { [$0] } ?? [])
              + (task.questionFocusChecks(question: text, focus: fields["focus"]?.stringValue,
                                          passages: slot.context.map(\.text)) ?? [])
        case .extraction:
            let text = fields["text"]?.stringValue ?? ""
            let values = fields["fields"]?.objectValue ?? [:]
            sample.checks = [
                Self.extractionFormat(text: text, values: values, fields: task.fields),
                CheckOutcome(name: "evidence_located", passed: !spans.isEmpty, score: spans.isEmpty ? 0 : 1,
                             reason: spans.isEmpty ? "text not found in the passages" : "ok"),
                Self.fieldSpans(text: text, values: values, fields: task.fields),
                Self.fieldForm(values: values, fields: task.fields, text: text),
                PromptLeakage.descriptionEcho(values: values, fields: task.fields)
                    ?? PromptLeakage.check(text: ([text] + values.values.flatMap(ExtractionField.phrases)).joined(separator: "\n"),
                                           instructions: prompts.instructionTexts(for: slot),
                                           passages: slot.context.map(\.text), descriptions: task.fields.map(\.description)),
            ]
        }
        return sample
    }

    /// Where a span-first answer phrase lies: the focus sentence when it is there, else the one sentence of
    /// `text` that holds it; with the phrase as written in the text. Nil when neither holds it.
    public static func anchor(_ phrase: String, focus: Range<Int>, in text: String) -> (Range<Int>, String)? {
        let characters = Array(text)
        guard !phrase.isEmpty, focus.upperBound <= characters.count else { return nil }
        func find(in range: Range<Int>) -> String? {
            let part = String(characters[range])
            if let match = SpanLocator.locate(phrase, in: part) { return String(Array(part)[match.range]) }
            return part.contains(phrase) ? phrase : nil
        }
        if let span = find(in: focus) { return (focus, span) }
        for sentence in ExtractiveGenerator.sentences(in: text) where sentence != focus {
            let words = characters[sentence].split(whereSeparator: \.isWhitespace).count
            // The sentence becomes the answer, so it must stand alone as a focus statement does.
            guard (6...60).contains(words), !characters[sentence].contains("\n"),
                  FocusSelection.isComplete(String(characters[sentence])),
                  !FocusSelection.dependsOnSurroundings(String(characters[sentence])), let span = find(in: sentence)
            else { continue }
            return (sentence, span)
        }
        return nil
    }

    /// An extraction sample's form: a text, and a value that says something for every field.
    static func extractionFormat(text: String, values: [String: JSONValue], fields: [ExtractionField]) -> CheckOutcome {
        if text.count < 10 { return CheckOutcome(name: "format", passed: false, score: 0, reason: "text too short") }
        let empty = fields.filter { !$0.isFilled(values[$0.name]) }.map(\.name)
        return CheckOutcome(name: "format", passed: empty.isEmpty, score: empty.isEmpty ? 1 : 0,
                            reason: empty.isEmpty ? "ok" : "no value for " + empty.joined(separator: ", "))
    }

    /// The span rule: every value of a field that must be copied from the text is found in it (a number as
    /// digits, a phrase word for word after normalising case, spaces, quotes and dashes).
    package static func fieldSpans(text: String, values: [String: JSONValue], fields: [ExtractionField]) -> CheckOutcome {
        var missing: [String] = []
        for field in fields where field.copied {
            switch (field.type, values[field.name]) {
            case let (.number, .number(n)?):
                if !FieldAgreement.states(n, in: text) { missing.append("\(field.name) \(FieldAgreement.format(n))") }
            default:
                for phrase in ExtractionField.phrases(values[field.name]) where !phrase.isEmpty {
                    if SpanLocator.locate(phrase, in: text)?.isExact != true { missing.append("\(field.name) \"\(phrase)\"") }
                }
            }
        }
        return CheckOutcome(name: "field_spans", passed: missing.isEmpty, score: missing.isEmpty ? 1 : 0,
                            reason: missing.isEmpty ? "ok" : "not in the text: " + missing.joined(separator: "; "))
    }

    /// The form rule: each phrase of a string or list field matches the field's pattern, is one of the field's
    /// candidates in `text` when it has a candidates pattern, and, when copied, stands on its own: "perform this
    /// backup procedure" is copied word for word, yet says nothing without its sentence.
    package static func fieldForm(values: [String: JSONValue], fields: [ExtractionField], text: String) -> CheckOutcome {
        var problems: [String] = []
        for field in fields where field.type == .string || field.type == .list {
            for phrase in ExtractionField.phrases(values[field.name]) where !phrase.isEmpty {
                if !field.matchesPattern(phrase) {
                    problems.append("\(field.name) \"\(phrase)\" is not of the form \(field.pattern ?? "")")
                } else if !field.isCandidate(phrase, in: text) {
                    let found = field.candidates(in: text)
                    problems.append("\(field.name) \"\(phrase)\" is none of the text's candidates ("
                                    + (found.isEmpty ? "none" : found.map { "\"\($0)\"" }.joined(separator: ", ")) + ")")
                } else if field.copied, let word = FocusSelection.pointingWord(in: phrase) {
                    problems.append("\(field.name) \"\(phrase)\" points outside itself (\"\(word)\")")
                } else if let (other, value) = repeatedReference(in: phrase, of: field, values: values) {
                    problems.append("\(field.name) \"\(phrase)\" repeats \(other) \"\(value)\": give only what the field asks")
                }
            }
        }
        return CheckOutcome(name: "field_form", passed: problems.isEmpty, score: problems.isEmpty ? 1 : 0,
                            reason: problems.isEmpty ? "ok" : problems.joined(separator: "; "))
    }

    /// The field and value its question refers to that `phrase` repeats word for word (the one word tokenizer's
    /// keys), if any. The
    /// question asks about that value ("What does {setting} control?"), so an answer that holds it is the sentence
    /// that states it ("VACUUM reclaims storage …"), not the answer ("reclaims storage …").
    static func repeatedReference(in phrase: String, of field: ExtractionField, values: [String: JSONValue]) -> (String, String)? {
        let words = PromptLeakage.words(phrase)
        for other in field.questionReferences {
            for value in ExtractionField.phrases(values[other]) where PromptLeakage.contains(words, PromptLeakage.words(value)) {
                return (other, value)
            }
        }
        return nil
    }

    /// Completeness and provenance: a real question, an answer within bounds, and located support.
    func formatChecks(question: String, answer: String, type: String, spans: [SupportingSpan]) -> [CheckOutcome] {
        var checks = [CheckOutcome(QuestionForm.check(question: question, answer: answer))]
        if type == TaskDefinition.QuestionType.unanswerable.rawValue {
            let ok = answer == PromptBuilder.unanswerableAnswer
            checks.append(CheckOutcome(name: "unanswerable_form", passed: ok, score: ok ? 1 : 0,
                                       reason: ok ? "ok" : "answer must be \"\(PromptBuilder.unanswerableAnswer)\""))
        } else {
            checks.append(CheckOutcome(
                name: "evidence_located", passed: !spans.isEmpty, score: spans.isEmpty ? 0 : 1,
                reason: spans.isEmpty ? "neither evidence nor answer found in the passages" : "ok"))
        }
        return checks
    }
}

import Dataset
import Foundation
import Grounding
import LanguageModels

/// What one model call should produce: the sample's kind, type or label, and its passages.
public struct SampleSlot: Sendable, Equatable {
    /// Position in the plan; with the task seed it fixes the call's seed, so a rerun makes the same prompts.
    public var index: Int
    /// Question type (qa), label (classification) or `extraction`.
    public var target: String
    /// The passages the model sees; the first is the source.
    public var context: [SourcePassage]
    /// Why an earlier attempt at this slot was rejected (refinement), if any.
    public var feedback: String?
    public var round: Int
    /// The statement of the source passage (character range in `context[0].text`) the question must be about,
    /// when one was chosen (see ``FocusSelection``); it is then the sample's evidence.
    public var focus: Range<Int>?
    /// Span-first drafting of several statements in one call: every statement the call asks about, in order
    /// (`focus` is the first). Empty or one: a single draft.
    public var drafts: [Range<Int>] = []
    /// Classification with label subjects: the one subject of the source passage this slot's text must be about
    /// (a passage that defines two abbreviations serves two slots); nil: any of them.
    public var subject: String?

    public init(index: Int, target: String, context: [SourcePassage], feedback: String? = nil, round: Int = 0,
                focus: Range<Int>? = nil) {
        self.index = index
        self.target = target
        self.context = context
        self.feedback = feedback
        self.round = round
        self.focus = focus
    }

    /// The focus statement's text.
    public var focusText: String? {
        guard let focus else { return nil }
        return text(of: focus)
    }

    /// The text of `range` in the source passage.
    public func text(of range: Range<Int>) -> String? {
        guard let source = context.first else { return nil }
        let characters = Array(source.text)
        guard range.upperBound <= characters.count else { return nil }
        return String(characters[range])
    }

    /// True when one call drafts a question for each of several statements.
    public var isBatchedDraft: Bool { drafts.count > 1 }
}

/// Builds chat prompts and JSON schemas for a task. Templates can be overridden in the task's `prompts`.
public struct PromptBuilder: Sendable {
    public let task: TaskDefinition

    public init(task: TaskDefinition) {
        self.task = task
    }

    // No example questions here: the small local model copied them verbatim ("What is the default value of
    // X?"), placeholders included.
    static let typeInstructions: [TaskDefinition.QuestionType: String] = [
        .factoid: "one factual question about a specific fact that passage [1] states (a name, number, setting, default or behaviour), naming the thing it asks about",
        .definition: "one question asking what a specific term that passage [1] explains means, naming that term",
        .procedural: "one question asking how to carry out a task that passage [1] explains step by step or with a command",
        .comparison: "one question comparing two things that the passages describe, naming both",
        .multiHop: "one question whose answer needs a fact from passage [1] and a fact from passage [2]",
        .unanswerable: "one question on the topic of passage [1] that the passages do NOT answer; its answer must be exactly \"\(PromptBuilder.unanswerableAnswer)\" and its evidence empty",
    ]

    /// What the question should ask when it is tied to one statement of passage [1].
    static let focusedInstructions: [TaskDefinition.QuestionType: String] = [
        .factoid: "one factual question that this sentence answers, using its words",
        .definition: "one question asking what a thing this sentence names is or does, in the form \"What is ...?\" or \"What does ... do?\" with the thing's name in place of the dots",
        .procedural: "one question asking how to do what this sentence describes, naming the task",
    ]

    /// What to tell the model about a rejected attempt: a plain hint per failed check. The checks' own reasons
    /// carry scores and quoted numbers, which a small model copies into its next answer.
    public static func feedback(for failed: [CheckOutcome]) -> String {
        var hints: [String] = []
        for check in failed {
            let hint: String
            switch check.name {
            case "format", "unanswerable_form", "label_matches_target": hint = check.reason
            case "evidence_located": hint = "the evidence was not copied word for word from the passages"
            case "answer_span_located": hint = "the answer_span must be a short phrase copied exactly from the sentence, not the whole sentence"
            case "question_contains_answer": hint = "the question contained its own answer; ask without giving it away"
            case "unparseable_output": hint = "the reply was not the requested JSON"
            case "unsupported_verifier":
                hint = "a reader of the passage did not find that it answers this question with this answer; "
                    + "ask a question whose answer is exactly what the passage states"
            case "unsupported_answer_round_trip":
                hint = "a reader who answered the question from the passage gave a different answer; ask a "
                    + "question that only this sentence answers"
            case "unsupported_claims", "unsupported_score":
                hint = "the answer states things the passages do not say; answer only with what they state"
            case "unsupported_span": hint = "the answer is not a phrase of the passages"
            case "unsupported_question_fit": hint = "the question does not ask about what the answer says"
            case "unsupported_round_trip":
                hint = "the question is too vague to point to its passage; name its specific subject"
            case "question_coverage":
                hint = "the question asks about something the sentence does not mention; ask only about what it says"
            case "near_duplicate": hint = "the question repeats an earlier one; ask about something else"
            case "label_round_trip":
                hint = "a reader who sorted it into the classes did not put it in the intended class; write one that clearly is"
            case "prompt_leak": hint = "the text repeated words of these instructions; write it in the domain's own words"
            case "label_subject": hint = "the text was not about what its class needs (\(check.reason)); write about one of those"
            case "label_form":
                hint = "it does not read as its class (\(check.reason)); write it as texts of the class are written, like its examples"
            case "label_named": hint = "the text named its class; show the class without naming it"
            case "field_form":
                hint = "a field's value is not a value of its own (\(check.reason)); give the value itself, as the field asks"
            case "field_spans": hint = "a field's value was not copied word for word from the text (\(check.reason))"
            case "extraction_field_fit":
                hint = "a value is not what its field asks for (\(check.reason)); choose a text that states every field"
            case "extraction_question":
                hint = "asked the field's question about this text, a reader answered otherwise (\(check.reason)); "
                    + "give the words the text itself says of it"
            case "extraction_round_trip":
                hint = "a reader who extracted the fields from the text found other values (\(check.reason)); "
                    + "give exactly what the text states for each field"
            default: hint = check.name.replacingOccurrences(of: "_", with: " ")
            }
            if !hints.contains(hint) { hints.append(hint) }
        }
        return hints.joined(separator: "; ")
    }

    /// The fixed answer of unanswerable questions.
    public static let unanswerableAnswer = "The context does not say."

    /// The chat messages for `slot`.
    public func messages(for slot: SampleSlot) -> [ChatMessage] {
        let system = task.prompts["system"] ?? """
            You create \(task.language) training data for this domain: \(task.domain). \
            Use only facts stated in the numbered context passages, never outside knowledge. Reply with JSON only.
            """
        var user = "Context passages:\n"
        for (i, passage) in slot.context.enumerated() {
            let heading = passage.headingPath.isEmpty ? "" : " (\(passage.headingPath))"
            // An extraction text is one statement of its source: the writer sees that statement alone.
            let shown = i == 0 && task.kind == .extraction ? slot.focusText ?? passage.text : passage.text
            user += "\n[\(i + 1)]\(heading)\n\(shown)\n"
        }
        if slot.isBatchedDraft, task.prompts["instructions"] == nil, task.kind == .qa {
            user += "\nSentences of passage [1]:\n"
            for (i, range) in slot.drafts.enumerated() { user += "\(i + 1). \"\(slot.text(of: range) ?? "")\"\n" }
            user += "\n" + batchedInstructions(for: slot)
        } else if let focus = slot.focusText, task.prompts["instructions"] == nil, task.kind == .qa {
            user += "\nSentence of passage [1]:\n\"\(focus)\"\n\n" + focusedInstructions(for: slot)
        } else {
            user += "\n" + instructions(for: slot)
        }
        if !task.examples.isEmpty {
            user += "\n\nExamples of the expected output:\n" + task.examples.map(\.jsonText).joined(separator: "\n")
        }
        if let feedback = slot.feedback {
            user += "\n\nA previous attempt was rejected because: \(feedback). Write a different one that avoids this."
        }
        return [ChatMessage(.system, system), ChatMessage(.user, user)]
    }

    /// Span-first generation (sentence answers): what the answer phrase is, and what the question asks.
    static let spanFirstInstructions: [TaskDefinition.QuestionType: (span: String, question: String)] = [
        .factoid: ("the fact it states: a name, number, setting, default, place, time or reason",
                   "one factual question"),
        .definition: ("what it says a thing it names is, does or is for",
                      "one question asking what that thing is, does or is for, naming the thing"),
        .procedural: ("the command, option, file or action it says to use for a task",
                      "one question asking how to do that task, naming the task"),
    ]

    /// Span-first drafts for several sentences at once: the same rules, one item per sentence.
    private func batchedInstructions(for slot: SampleSlot) -> String {
        let type = TaskDefinition.QuestionType(rawValue: slot.target) ?? .factoid
        let (span, question) = Self.spanFirstInstructions[type] ?? Self.spanFirstInstructions[.factoid]!
        return """
            For each numbered sentence, in order: first copy from that sentence the shortest phrase that states \
            \(span), as "answer_span". Then write \(question) whose complete answer is exactly that phrase, as \
            "question".
            Rules:
            - Each question must make sense on its own to someone who has not read the sentence: name its subject; never mention "the passage", "the sentence", "the context", "we" or "us".
            - A question must not contain its answer phrase.
            Reply as {"drafts": [{"answer_span": ..., "question": ...}, ...]} with one item per sentence (\(slot.drafts.count) items).
            """
    }

    private func focusedInstructions(for slot: SampleSlot) -> String {
        let type = TaskDefinition.QuestionType(rawValue: slot.target) ?? .factoid
        if task.answerStyle == .sentence {
            let (span, question) = Self.spanFirstInstructions[type] ?? Self.spanFirstInstructions[.factoid]!
            return """
                First copy from this sentence the shortest phrase that states \(span), as "answer_span". \
                Then write \(question) whose complete answer is exactly that phrase, as "question".
                Rules:
                - The question must make sense on its own to someone who has not read the sentence: name its subject; never mention "the passage", "the sentence", "the context", "we" or "us".
                - The question must not contain the answer phrase.
                Reply as {"answer_span": ..., "question": ...}.
                """
        }
        let what = Self.focusedInstructions[type] ?? Self.focusedInstructions[.factoid]!
        var rules = """
            Write \(what).
            Rules:
            - The sentence must answer the question completely.
            - The question must make sense on its own: name its subject; never mention "the passage", "the sentence" or "the context".
            """
        switch task.answerStyle {
        case .sentence:
            break
        case .span:
            rules += "\n- \"answer\": the shortest phrase of the sentence that answers the question, copied exactly."
            rules += "\nReply as {\"question\": ..., \"answer\": ...}."
        case .abstractive:
            rules += "\n- \"answer\": one sentence that answers the question with what the sentence says, and nothing else."
            rules += "\nReply as {\"question\": ..., \"answer\": ...}."
        }
        return rules
    }

    private func instructions(for slot: SampleSlot) -> String {
        if let custom = task.prompts["instructions"] {
            return custom.replacingOccurrences(of: "{target}", with: slot.target)
        }
        switch task.kind {
        case .qa:
            let type = TaskDefinition.QuestionType(rawValue: slot.target) ?? .factoid
            let answer = task.answerStyle == .span
                ? "a short phrase copied exactly from the passage"
                : "one complete sentence that uses only facts from the passages"
            return """
                Write \(Self.typeInstructions[type]!).
                Rules:
                - The question must make sense on its own: name its subject, never say "the passage" or "the context".
                - The answer must answer exactly that question, using only what the passages state.
                - "answer": \(type == .unanswerable ? "exactly \"\(Self.unanswerableAnswer)\"" : answer).
                - "evidence": \(type == .unanswerable ? "an empty string" : "copy word for word the sentence or sentences of the passages that support the answer").
                Reply as {"question": ..., "answer": ..., "evidence": ...}.
                """
        case .classification:
            return classificationInstructions(for: slot.target, passage: slot.context.first?.text ?? "", subject: slot.subject)
        case .extraction:
            // A field with candidates names them, so the writer takes one its text states.
            let passage = slot.focusText ?? slot.context.first?.text ?? ""
            let named = task.fields.compactMap { field -> String? in
                let found = field.candidates(in: passage)
                guard !found.isEmpty else { return nil }
                return "\"\(field.name)\" must be one of these, as passage [1] names it: "
                    + found.prefix(12).map { "\"\($0)\"" }.joined(separator: ", ") + "."
            }
            let fields = task.fields.map(\.prompted).joined(separator: "\n")
            let names = named.map { "\n" + $0 }.joined()
            if slot.focus != nil {
                return """
                    Extract these fields from passage [1], using only what it states:
                    \(fields)
                    """ + names + """

                    Reply as {"fields": {...}}.
                    """
            }
            return """
                Copy from passage [1] one to three consecutive sentences that state every one of these fields, as \
                "text", and extract the fields from that text, using only what it states:
                \(fields)
                """ + names + """

                Reply as {"text": ..., "fields": {...}, "evidence": ...} where "evidence" repeats "text".
                """
        }
    }

    /// A label as the prompts show it: its name, and what it means when the task says.
    func describe(_ label: String) -> String {
        task.labelDefinitions[label].map { "\"\(label)\" (\($0))" } ?? "\"\(label)\""
    }

    /// A text of the task's text form about one fact of passage [1], that is an example of `target` and of no
    /// other class; the evidence is the sentence it is about.
    func classificationInstructions(for target: String, passage: String, subject: String? = nil) -> String {
        let form = task.textForm
        let others = task.labels.filter { $0 != target }.map(describe).joined(separator: "; ")
        var text = """
            Write one \(form) that someone in this domain would really write, about one fact that passage [1] \
            states. It must be an example of the class \(describe(target)), and not of the other classes: \(others).
            Rules:
            - Write it in your own words as a real \(form); never mention "the passage", "the context", "the text" or these instructions.
            """
        let subjects = subject.map { [$0] } ?? task.subjects(of: target, in: passage)
        if let subject, let long = task.longForm(of: subject, label: target, in: passage) {
            // The 1.5B writer asked "What does ABC stand for?" with "ABC" as its answer when told only the subject.
            text += """

                - It must ask what "\(subject)" stands for (its focus is then "\(long)"), or what the abbreviation of \
                "\(long)" is (its focus is then "\(subject)"), as passage [1] states it.
                """
        } else if !subjects.isEmpty {
            text += "\n- It must be about " + subjects.map { "\"\($0)\"" }.joined(separator: " or ") + ", as passage [1] states it."
        }
        if !task.allowLabelNames {
            text += "\n- Do not use the class name \"\(target.replacingOccurrences(of: "_", with: " "))\"."
        }
        // The writer picks what its text is about before writing it (the keys are sent sorted, so the grammar
        // asks for "evidence", then "focus", then the text): a question's class is the kind of thing it asks for.
        let fit = task.labelDefinitions[target].map { "the \(form) \($0)" } ?? "the \(form) is an example of \"\(target)\""
        let focus = form.lowercased().contains("question")
            ? "copy from that sentence the words the \(form) asks for (its answer), chosen so that \(fit)"
            : "copy from that sentence the words the \(form) is about, chosen so that \(fit)"
        text += """

            - "evidence": copy word for word the sentence of passage [1] the \(form) is about.
            - "focus": \(focus).
            - "label": "\(target)".
            Reply as {"evidence": ..., "focus": ..., "label": ..., "text": ...}.
            """
        if let seeds = task.seedExamples[target], !seeds.isEmpty {
            text += "\n\nExamples of \(form)s of the class \"\(target)\" (write a new one, about passage [1]):\n"
                + seeds.map { "- \($0)" }.joined(separator: "\n")
        }
        return text
    }

    /// The prompt's own words without the passages: what a written text must not repeat.
    public func instructionTexts(for slot: SampleSlot) -> [String] {
        let messages = messages(for: slot)
        var texts = messages.filter { $0.role == .system }.map(\.content)
        if let user = messages.last(where: { $0.role == .user })?.content {
            var instructions = user
            for passage in slot.context { instructions = instructions.replacingOccurrences(of: passage.text, with: "\n") }
            // Seed examples are the task's own example texts: a text like them is wanted, not leaked.
            for seed in task.seedExamples.values.joined() { instructions = instructions.replacingOccurrences(of: seed, with: "\n") }
            texts.append(instructions)
        }
        return texts
    }

    /// The JSON schema constraining the reply (string fields bounded, as small models otherwise repeat
    /// themselves until `max_tokens`).
    public func schema(for slot: SampleSlot) -> JSONValue {
        func string(_ max: Int) -> JSONValue { ["type": "string", "maxLength": .number(Double(max))] }
        switch task.kind {
        case .qa where slot.isBatchedDraft && task.prompts["instructions"] == nil:
            let item: JSONValue = [
                "type": "object",
                "properties": ["answer_span": string(160), "question": string(250)],
                "required": ["answer_span", "question"],
                "additionalProperties": false,
            ]
            let n = JSONValue.number(Double(slot.drafts.count))
            return [
                "type": "object",
                "properties": ["drafts": ["type": "array", "items": item, "minItems": n, "maxItems": n]],
                "required": ["drafts"],
                "additionalProperties": false,
            ]
        case .qa where slot.focus != nil && task.prompts["instructions"] == nil && task.answerStyle == .sentence:
            // Keys are sent sorted (OpenAIClient), so the model writes the answer phrase before its question.
            return [
                "type": "object",
                "properties": ["answer_span": string(160), "question": string(250)],
                "required": ["answer_span", "question"],
                "additionalProperties": false,
            ]
        case .qa where slot.focus != nil && task.prompts["instructions"] == nil:
            return [
                "type": "object",
                "properties": ["question": string(250), "answer": string(300)],
                "required": ["question", "answer"],
                "additionalProperties": false,
            ]
        case .qa:
            return [
                "type": "object",
                "properties": ["question": string(300), "answer": string(400), "evidence": string(800)],
                "required": ["question", "answer", "evidence"],
                "additionalProperties": false,
            ]
        case .classification:
            return [
                "type": "object",
                "properties": [
                    "text": string(600), "label": ["type": "string", "enum": .array(task.labels.map { .string($0) })],
                    "evidence": string(800), "focus": string(160),
                ],
                "required": ["text", "label", "evidence", "focus"],
                "additionalProperties": false,
            ]
        case .extraction where slot.focus != nil:
            return [
                "type": "object", "properties": ["fields": ExtractionField.objectSchema(task.fields, text: slot.focusText)],
                "required": ["fields"], "additionalProperties": false,
            ]
        case .extraction:
            return [
                "type": "object",
                "properties": ["text": string(800), "fields": ExtractionField.objectSchema(task.fields), "evidence": string(800)],
                "required": ["text", "fields", "evidence"],
                "additionalProperties": false,
            ]
        }
    }
}

import Dataset
import Foundation
import TextAnalysis
import LanguageModels

/// One field of an extraction task's output schema: what it holds, its type, and whether its value must be
/// copied from the text.
public struct ExtractionField: Sendable, Equatable {
    /// The JSON type of a field's value.
    public enum ValueType: String, Sendable, CaseIterable {
        /// A phrase.
        case string
        /// A number (JSON number), which the text must state in digits when ``ExtractionField/copied`` is set.
        case number
        /// One of ``ExtractionField/values``.
        case `enum`
        /// A list of phrases.
        case list
    }

    public var name: String
    /// What the field holds, as the task says; shown to the writer and to the reader that re-extracts.
    public var description: String
    public var type: ValueType
    /// The allowed values of an enum field.
    public var values: [String]
    /// The value (each item of a list) must be a span of the text. Enum values are chosen, never copied.
    public var copied: Bool
    /// The question the value answers, as the task words it; `{other}` stands for the value written for the
    /// field `other` ("What does {setting} control?"). Nil: the description made a question.
    public var question: String?
    /// A regular expression a phrase value (each item of a list) must match in full ("a name like work_mem or
    /// VACUUM, not a phrase"), checked after writing (`field_form`). Stored without `^` and `$`: the whole value
    /// always has to match. It is not put in the decoding schema: constrained to it, the 1.5B writer squashed
    /// phrases into one word ("storesummariesabout…") and kept 5 samples of 410 drafts (README, "Extraction").
    public var pattern: String?
    /// A regular expression that finds the field's possible values in a passage (`work_mem`, `VACUUM`; its first
    /// capture group when it has one). Only passages with a match are drawn, the writer is told the matches of its
    /// passage, and a value that is none of its text's matches fails `field_form`. A random passage of a manual
    /// often names no setting at all, and the writer then makes one up ("RFC 7159", "GIN index").
    public var candidates: String?

    /// Creates a field; `copied` defaults to true for every type but enum.
    public init(name: String, description: String, type: ValueType = .string, values: [String] = [], copied: Bool? = nil,
                question: String? = nil, pattern: String? = nil, candidates: String? = nil) {
        self.name = name
        self.description = description
        self.type = type
        self.values = values
        self.copied = type == .enum ? false : (copied ?? true)
        self.question = question
        self.pattern = pattern.map(Self.unanchoredPattern)
        self.candidates = candidates
    }

    /// The field's candidate values in `text`, in order, without repeats; empty when the field has no
    /// ``candidates`` pattern.
    public func candidates(in text: String) -> [String] {
        candidates.map { distinctMatches(of: $0, in: text) } ?? []
    }

    /// Whether `phrase` is one of the field's candidate values in `text` (ignoring case and the spaces around
    /// it); true when the field has no ``candidates`` pattern.
    public func isCandidate(_ phrase: String, in text: String) -> Bool {
        guard candidates != nil else { return true }
        let wanted = phrase.trimmingCharacters(in: .whitespacesAndNewlines)
        return candidates(in: text).contains { $0.caseInsensitiveCompare(wanted) == .orderedSame }
    }

    /// A pattern without the `^` and `$` a user may have written around it.
    public static func unanchoredPattern(_ pattern: String) -> String {
        var body = pattern[...]
        if body.hasPrefix("^") { body = body.dropFirst() }
        if body.hasSuffix("$") && !body.hasSuffix("\\$") { body = body.dropLast() }
        return String(body)
    }

    /// The pattern anchored at both ends.
    public var anchoredPattern: String? { pattern.map { "^(" + $0 + ")$" } }

    /// Whether `phrase` matches the field's pattern in full (true when the field has none). An invalid pattern
    /// matches nothing; the task file is checked before it gets here.
    public func matchesPattern(_ phrase: String) -> Bool {
        guard let anchoredPattern else { return true }
        return phrase.range(of: anchoredPattern, options: .regularExpression) != nil
    }

    /// The names of the fields a ``question`` refers to as `{name}`.
    public var questionReferences: [String] {
        guard let question else { return [] }
        var names: [String] = []
        var rest = question[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            names.append(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return names
    }

    /// The JSON schema of the field's value (strings bounded: small models otherwise repeat themselves).
    public var valueSchema: JSONValue {
        switch type {
        case .string: ["type": "string", "maxLength": 200]
        case .number: ["type": "number"]
        case .enum: ["type": "string", "enum": .array(values.map { .string($0) })]
        case .list: ["type": "array", "items": ["type": "string", "maxLength": 120], "maxItems": 8]
        }
    }

    /// How the prompts describe the field: its description and the form of its value.
    public var prompted: String {
        let form: String
        switch type {
        case .string: form = copied ? "words copied exactly from the text" : "a short phrase"
        case .number: form = copied ? "a number, as the text states it in digits" : "a number"
        case .enum: form = "one of: " + values.joined(separator: ", ")
        case .list: form = copied ? "a list, each item copied exactly from the text" : "a list of short phrases"
        }
        return "- \"\(name)\": \(description) (\(form))"
    }

    /// A JSON object schema with every field required and no others; given the `text` the values come from, a
    /// string field with candidates is held to the ones the text names.
    public static func objectSchema(_ fields: [ExtractionField], text: String? = nil) -> JSONValue {
        var properties: [String: JSONValue] = [:]
        for field in fields { properties[field.name] = field.valueSchema }
        // Given the text, a string field with candidates takes one of them (exact names, unlike a pattern, which
        // the 1.5B writer squashed phrases to fit).
        if let text {
            for field in fields where field.type == .string {
                let found = field.candidates(in: text)
                if !found.isEmpty { properties[field.name] = ["type": "string", "enum": .array(found.map { .string($0) })] }
            }
        }
        return [
            "type": "object", "properties": .object(properties),
            "required": .array(fields.map(\.name).sorted().map { .string($0) }), "additionalProperties": false,
        ]
    }

    /// Whether `value` is a value of this field that says something: a non-empty string, a finite number, an
    /// allowed enum value, a list with a non-empty item.
    public func isFilled(_ value: JSONValue?) -> Bool {
        switch (type, value) {
        case let (.string, .string(s)?): !s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        case let (.number, .number(n)?): n.isFinite
        case let (.enum, .string(s)?): values.contains(s)
        case let (.list, .array(items)?):
            items.contains { ($0.stringValue ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty == false }
        default: false
        }
    }

    /// The value's phrases: a string, a list's items, a number or enum value as text.
    public static func phrases(_ value: JSONValue?) -> [String] {
        switch value {
        case let .string(s)?: [s]
        case let .array(items)?: items.compactMap(\.stringValue)
        case let .number(n)?: [FieldAgreement.format(n)]
        default: []
        }
    }
}

/// Extracts an extraction task's fields from a text without seeing the values it was written with: the round
/// trip of an extraction sample.
public protocol FieldExtractor: Sendable {
    /// The reader's values, by field name (a field it left out is missing).
    func extract(_ text: String, fields: [ExtractionField]) async throws -> [String: JSONValue]
}

extension LanguageModelVerifier: FieldExtractor {
    /// The re-extraction prompt: the text first (the prompt cache keeps it), then the fields without values.
    static func extractionPrompt(_ text: String, fields: [ExtractionField]) -> String {
        """
        Text: \(text)

        Extract these fields from the text, using only what the text itself states:
        \(fields.map(\.prompted).joined(separator: "\n"))
        A field the text does not state is an empty string (an empty list for a list). Reply as JSON.
        """
    }

    public func extract(_ text: String, fields: [ExtractionField]) async throws -> [String: JSONValue] {
        let completion = try await model.complete(CompletionRequest(
            messages: [ChatMessage(.system, Self.annotatorSystem),
                       ChatMessage(.user, Self.extractionPrompt(text, fields: fields))],
            temperature: 0, maxTokens: 400, seed: 1, jsonSchema: ExtractionField.objectSchema(fields)))
        guard let values = (try? JSONValue.parse(completion.text))?.objectValue else {
            throw LanguageModelError.malformedResponse(
                endpoint: "extractor", reason: "expected a JSON object of fields, got \"\(completion.text.prefix(80))\"")
        }
        return values
    }
}

/// Whether a reader's value of a field agrees with the value a sample was written with.
public enum FieldAgreement {
    /// How far one field's two values agree, in [0, 1], and whether that is enough.
    public struct Outcome: Sendable, Equatable {
        public var field: String
        public var score: Double
        public var agrees: Bool
    }

    /// Strings agree by SQuAD token F1 (``AnswerRoundTrip/tokenF1(reader:answer:)``) at the round-trip threshold
    /// the checker's configuration sets for an answer of that length; without containment, so "pg_dump dbname >
    /// dumpfile" is not the same value as "pg_dump". Numbers agree when equal, enum values when the same, lists
    /// when the items that agree pairwise make an item-level F1 of at least `listF1`.
    public static func compare(_ field: ExtractionField, written: JSONValue?, read: JSONValue?,
                               configuration: SupportChecker.Configuration, listF1: Double = 0.5) -> Outcome {
        func outcome(_ score: Double, _ agrees: Bool) -> Outcome { Outcome(field: field.name, score: score, agrees: agrees) }
        switch field.type {
        case .number:
            guard case let .number(a)? = written, case let .number(b)? = read else { return outcome(0, false) }
            let same = abs(a - b) <= 1e-9 * max(1, abs(a))
            return outcome(same ? 1 : 0, same)
        case .enum:
            let same = written?.stringValue != nil && written?.stringValue?.lowercased() == read?.stringValue?.lowercased()
            return outcome(same ? 1 : 0, same)
        case .string:
            let answer = written?.stringValue ?? ""
            let score = AnswerRoundTrip.tokenF1(reader: read?.stringValue, answer: answer)
            return outcome(score, score >= configuration.agreementThreshold(forAnswer: answer) && score > 0)
        case .list:
            let a = ExtractionField.phrases(written).filter { !$0.isEmpty }
            let b = ExtractionField.phrases(read).filter { !$0.isEmpty }
            guard !a.isEmpty, !b.isEmpty else { return outcome(0, false) }
            func matched(_ xs: [String], in ys: [String]) -> Int {
                xs.filter { x in
                    ys.contains { AnswerRoundTrip.tokenF1(reader: $0, answer: x) >= configuration.agreementThreshold(forAnswer: x) }
                }.count
            }
            let precision = Double(matched(b, in: a)) / Double(b.count)
            let recall = Double(matched(a, in: b)) / Double(a.count)
            let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
            return outcome(f1, f1 >= listF1)
        }
    }

    /// A number as a text states it: no fraction part when it has none.
    public static func format(_ n: Double) -> String {
        n.rounded() == n && abs(n) < 1e15 ? String(Int64(n)) : String(n)
    }

    /// Whether `text` states `n` in digits (thousands separators and a trailing ".0" ignored).
    public static func states(_ n: Double, in text: String) -> Bool {
        var numbers: [Double] = []
        var current = ""
        func flush() {
            var token = current
            while token.last == "." || token.last == "," { token.removeLast() }
            if let value = Double(token.replacingOccurrences(of: ",", with: "")) { numbers.append(value) }
            current = ""
        }
        for character in text {
            if character.isASCII && (character.isNumber || ((character == "." || character == ",") && !current.isEmpty)) {
                current.append(character)
            } else if character == "-" && current.isEmpty {
                current = "-"
            } else {
                flush()
            }
        }
        flush()
        return numbers.contains { abs($0 - n) <= 1e-9 * max(1, abs(n)) }
    }
}

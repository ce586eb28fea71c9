import Dataset
import Foundation
import TextAnalysis
import Yams
import Grounding
import LanguageModels

/// What dataset to generate: read from a YAML or JSON file and validated field by field.
///
/// ```yaml
/// domain: "PostgreSQL 15 administration and SQL"
/// kind: qa                  # qa | classification | extraction
/// count: 50
/// language: en
/// seed: 7
/// qa:
///   types: {factoid: 0.4, definition: 0.2, procedural: 0.2, comparison: 0.1, multi_hop: 0.05, unanswerable: 0.05}
///   answer_style: sentence  # span | sentence | abstractive
/// classification:
///   text_form: "user message"  # what kind of text to write (question, review, ticket, ...)
///   labels:                 # a list of names, or names with what each means
///     bug: "a user says something behaves wrongly, and how"
///     question: "a user asks how to do something"
///     feature: "a user asks for something the product does not do"
///   distribution: {bug: 0.5, question: 0.3, feature: 0.2}
///   seed_examples: {bug: ["pg_dump stops with 'out of memory' on a 2 GB table"]}
///   allow_label_names: false  # a text that names its label is rejected unless this is true
///   subjects: {abbr: '\(([A-Z][A-Z.]*[A-Z])\)'}  # what a label's texts must be about: a match in the passage
///   forms: {bug: '(?i)\b(error|fails?|crash)'}  # a label's texts match its form; a label without one, no other's
/// extraction:
///   fields:                 # name: description (a string copied from the text), or a mapping
///     setting: "the configuration parameter named"
///     default: {description: "its default value", type: string}   # string | number | enum | list
///     unit: {description: "the unit of the default", type: enum, values: [kB, MB, ms, s]}
///     purpose: {description: "what it controls", span: false}     # span: the value must be copied from the text
///     effect: {description: "what it changes", question: "What does {setting} change?"}  # the check's question
///     name: {description: "the parameter", pattern: "[a-z_]+"}     # a regular expression the whole value matches
///     knob: {description: "the parameter", candidates: '\b[a-z]+_[a-z_]+\b'}  # finds the possible values in a passage
/// examples: [{question: "...", answer: "..."}]
/// prompts: {system: "...", instructions: "..."}
/// ```
public struct TaskDefinition: Sendable, Equatable {
    /// The kind of sample to make.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// A question and its answer.
        case qa
        /// A text and one label of a label set.
        case classification
        /// A text and the fields of an output schema.
        case extraction
    }

    /// Question types a qa task mixes.
    public enum QuestionType: String, Sendable, Codable, CaseIterable, Comparable {
        case factoid, definition, procedural, comparison
        case multiHop = "multi_hop"
        case unanswerable

        public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    }

    /// What an answer is.
    public enum AnswerStyle: String, Sendable, Codable {
        /// A short phrase copied from the source statement.
        case span
        /// The source statement itself: one or two complete sentences of the passage, quoted (answer-aware
        /// question generation: the model writes the question the statement answers). Question types without a
        /// single source statement (comparison, multi-hop) get a model-written sentence.
        case sentence
        /// One sentence the model writes from the passages.
        case abstractive
    }

    public var domain: String
    public var kind: Kind
    public var count: Int
    public var language: String
    public var seed: UInt64
    /// qa: the share of each question type (normalised to sum to 1).
    public var questionTypes: [QuestionType: Double]
    public var answerStyle: AnswerStyle
    /// classification: the label set, in order.
    public var labels: [String]
    /// classification: the target share of each label (normalised; uniform when not given).
    public var labelDistribution: [String: Double]
    /// classification: what each label means, when the task says (shown to the writer and the verifier).
    public var labelDefinitions: [String: String] = [:]
    /// classification: example texts of each label the task gives; shown to the writer as examples, never
    /// kept as samples.
    public var seedExamples: [String: [String]] = [:]
    /// classification: the kind of text to write in the domain's voice ("question", "user message", ...).
    public var textForm = "text"
    /// classification: keep texts that contain their label's name (off: such a text gives its label away).
    public var allowLabelNames = false
    /// classification: for a label whose texts must be about a particular kind of thing in their passage (an
    /// abbreviation the passage defines), a regular expression that finds such things. Only passages with a match
    /// are drawn for the label, the writer is told the matches, and a text must contain one or have it as its
    /// focus (`label_subject`). The first capture group is the subject when the pattern has one. The value
    /// ``TaskDefinition/definedAbbreviations`` (`abbreviations`) finds the abbreviations a passage defines instead
    /// (``Abbreviations``), which no regular expression can: their long form's initials must spell them.
    public var labelSubjects: [String: String] = [:]
    /// The `subjects` value that stands for the abbreviations a passage defines.
    public static let definedAbbreviations = "abbreviations"
    /// classification: a regular expression a label's texts must match somewhere ("how many|when|what year" for a
    /// number question). A label without one is the residual class: its texts must match no other label's form
    /// (`label_form`). The 1.5B writer mixes up classes whose questions read alike ("What are the types of …"
    /// written as a description); a form check catches that with no model call.
    public var labelForms: [String: String] = [:]
    /// extraction: the fields of the output schema, in the file's order.
    public var fields: [ExtractionField]
    /// Few-shot examples, shown to the model as they are.
    public var examples: [JSONValue]
    /// Prompt overrides: `system`, `instructions`.
    public var prompts: [String: String]

    /// The default question mix.
    public static let defaultQuestionTypes: [QuestionType: Double] = [
        .factoid: 0.4, .definition: 0.2, .procedural: 0.2, .comparison: 0.1, .multiHop: 0.05, .unanswerable: 0.05,
    ]

    /// Reads and validates a task file (`.yaml`, `.yml` or `.json`; YAML is a superset of JSON).
    /// - Throws: `TaskError` naming the file and the field.
    public static func load(path: String) throws -> TaskDefinition {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw TaskError.unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
        return try parse(text, path: path)
    }

    /// Parses and validates task text; `path` is only used in messages.
    public static func parse(_ text: String, path: String = "<task>") throws -> TaskDefinition {
        let root: Any?
        do {
            root = try Yams.load(yaml: text)
        } catch {
            throw TaskError.syntax(path: path, reason: "\(error)")
        }
        guard let map = root as? [String: Any] else {
            throw TaskError.invalidField(path: path, field: "(top level)", problem: "must be a mapping of fields")
        }
        let reader = FieldReader(path: path, map: map, prefix: "")
        let known: Set<String> = [
            "domain", "kind", "count", "language", "seed", "qa", "classification", "extraction", "examples", "prompts",
            "name", "description",
        ]
        try reader.rejectUnknown(known)

        let domain = try reader.string("domain")
        guard !domain.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw TaskError.invalidField(path: path, field: "domain", problem: "must describe the domain")
        }
        let kindName = try reader.string("kind", default: "qa")
        guard let kind = Kind(rawValue: kindName) else {
            throw TaskError.invalidField(
                path: path, field: "kind", problem: "'\(kindName)' is not one of qa, classification, extraction")
        }
        let count = try reader.int("count")
        guard count > 0, count <= 1_000_000 else {
            throw TaskError.invalidField(path: path, field: "count", problem: "must be between 1 and 1000000")
        }
        var task = TaskDefinition(
            domain: domain, kind: kind, count: count, language: try reader.string("language", default: "en"),
            seed: UInt64(try reader.int("seed", default: 1)), questionTypes: Self.defaultQuestionTypes,
            answerStyle: .sentence, labels: [], labelDistribution: [:], fields: [], examples: [], prompts: [:])

        if let qa = try reader.section("qa") {
            let qaReader = qa
            try qaReader.rejectUnknown(["types", "answer_style"])
            if let types = try qaReader.shares("types") {
                var mix: [QuestionType: Double] = [:]
                for (name, share) in types {
                    guard let type = QuestionType(rawValue: name) else {
                        let names = QuestionType.allCases.map(\.rawValue).joined(separator: ", ")
                        throw TaskError.invalidField(
                            path: path, field: "qa.types.\(name)", problem: "unknown question type (use \(names))")
                    }
                    mix[type] = share
                }
                task.questionTypes = mix
            }
            let style = try qaReader.string("answer_style", default: "sentence")
            guard let answerStyle = AnswerStyle(rawValue: style) else {
                throw TaskError.invalidField(path: path, field: "qa.answer_style", problem: "must be span, sentence or abstractive")
            }
            task.answerStyle = answerStyle
        }
        if let section = try reader.section("classification") {
            let c = section
            try c.rejectUnknown(["labels", "distribution", "text_form", "seed_examples", "allow_label_names", "subjects",
                                "forms"])
            // Mappings lose their order in `Yams.load`; the composed node keeps it (labels are shown in it).
            let labelNode = (try? Yams.compose(yaml: text))??["classification"]?["labels"]
            let order: [String]? = labelNode?.mapping.map { mapping in mapping.keys.compactMap { $0.string } }
            if let definitions = try c.orderedStringMap("labels", order: order) {
                task.labels = definitions.map { $0.0 }
                task.labelDefinitions = Dictionary(uniqueKeysWithValues: definitions.filter { !$0.1.isEmpty })
            } else {
                task.labels = try c.strings("labels")
            }
            guard Set(task.labels).count == task.labels.count else {
                throw TaskError.invalidField(path: path, field: "classification.labels", problem: "labels repeat")
            }
            task.textForm = try c.string("text_form", default: "text")
            task.allowLabelNames = try c.bool("allow_label_names", default: false)
            if let section = try c.section("seed_examples") {
                for label in section.map.keys.sorted() {
                    guard task.labels.contains(label) else {
                        throw TaskError.invalidField(
                            path: path, field: "classification.seed_examples.\(label)", problem: "not in classification.labels")
                    }
                    task.seedExamples[label] = try section.strings(label)
                }
            }
            for (key, target) in [("subjects", \TaskDefinition.labelSubjects), ("forms", \TaskDefinition.labelForms)] {
                guard let section = try c.section(key) else { continue }
                for label in section.map.keys.sorted() {
                    let field = "classification.\(key).\(label)"
                    guard task.labels.contains(label) else {
                        throw TaskError.invalidField(path: path, field: field, problem: "not in classification.labels")
                    }
                    let pattern = try section.string(label)
                    guard (try? NSRegularExpression(pattern: pattern)) != nil else {
                        throw TaskError.invalidField(path: path, field: field, problem: "'\(pattern)' is not a regular expression")
                    }
                    task[keyPath: target][label] = pattern
                }
            }
            if let distribution = try c.shares("distribution") {
                for label in distribution.keys where !task.labels.contains(label) {
                    throw TaskError.invalidField(
                        path: path, field: "classification.distribution.\(label)", problem: "not in classification.labels")
                }
                task.labelDistribution = distribution
            }
        }
        if kind == .classification {
            guard task.labels.count >= 2 else {
                throw TaskError.invalidField(
                    path: path, field: "classification.labels", problem: "a classification task needs at least 2 labels")
            }
            if task.labelDistribution.isEmpty {
                task.labelDistribution = Dictionary(uniqueKeysWithValues: task.labels.map { ($0, 1.0 / Double(task.labels.count)) })
            }
        }
        if let section = try reader.section("extraction") {
            let e = section
            try e.rejectUnknown(["fields"])
            let fieldNode = (try? Yams.compose(yaml: text))??["extraction"]?["fields"]
            let order: [String]? = fieldNode?.mapping.map { mapping in mapping.keys.compactMap { $0.string } }
            task.fields = try e.extractionFields("fields", order: order)
        }
        if kind == .extraction, task.fields.isEmpty {
            throw TaskError.invalidField(path: path, field: "extraction.fields", problem: "an extraction task needs fields")
        }
        task.examples = try reader.jsonArray("examples")
        if let section = try reader.section("prompts") {
            let p = section
            try p.rejectUnknown(["system", "instructions"])
            task.prompts = try p.stringMap(nil)
        }
        return task
    }

    /// How many samples of each question type `count` asks for (largest-remainder rounding, so they sum to count).
    public var questionTypeQuotas: [QuestionType: Int] {
        Self.quotas(questionTypes, total: count)
    }

    /// How many samples of each label `count` asks for.
    public var labelQuotas: [String: Int] {
        Self.quotas(labelDistribution, total: count)
    }

    /// Splits `total` by `shares` (normalised) with largest-remainder rounding; ties go to the smaller key.
    public static func quotas<Key: Hashable & Comparable>(_ shares: [Key: Double], total: Int) -> [Key: Int] {
        let sum = shares.values.reduce(0, +)
        guard sum > 0 else { return [:] }
        var result: [Key: Int] = [:]
        var remainders: [(Key, Double)] = []
        var assigned = 0
        for (key, share) in shares.sorted(by: { $0.key < $1.key }) {
            let exact = share / sum * Double(total)
            result[key] = Int(exact)
            assigned += Int(exact)
            remainders.append((key, exact - exact.rounded(.down)))
        }
        for (key, _) in remainders.sorted(by: { $0.1 > $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }).prefix(total - assigned) {
            result[key, default: 0] += 1
        }
        return result
    }
}

/// Errors reading a task definition; each names the file, and the field where one is at fault.
public enum TaskError: Error, CustomStringConvertible, Equatable {
    /// The file could not be read.
    case unreadable(path: String, reason: String)
    /// The file is not valid YAML/JSON.
    case syntax(path: String, reason: String)
    /// A field is missing, of the wrong type, or out of range.
    case invalidField(path: String, field: String, problem: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): "\(path): cannot read task: \(reason)"
        case let .syntax(path, reason): "\(path): not valid YAML or JSON: \(reason)"
        case let .invalidField(path, field, problem): "\(path): field '\(field)': \(problem)"
        }
    }
}

/// Typed reads from a parsed YAML mapping, with errors that name the dotted field path.
struct FieldReader {
    let path: String
    let map: [String: Any]
    let prefix: String

    private func name(_ key: String) -> String { prefix.isEmpty ? key : prefix + "." + key }

    private func fail(_ key: String, _ problem: String) -> TaskError {
        .invalidField(path: path, field: name(key), problem: problem)
    }

    func rejectUnknown(_ known: Set<String>) throws {
        for key in map.keys.sorted() where !known.contains(key) {
            throw fail(key, "unknown field (expected one of: \(known.sorted().joined(separator: ", ")))")
        }
    }

    func string(_ key: String, default value: String? = nil) throws -> String {
        guard let raw = map[key] else {
            if let value { return value }
            throw fail(key, "is required")
        }
        if let s = raw as? String { return s }
        if let i = raw as? Int { return String(i) }
        throw fail(key, "must be a string")
    }

    func int(_ key: String, default value: Int? = nil) throws -> Int {
        guard let raw = map[key] else {
            if let value { return value }
            throw fail(key, "is required")
        }
        if let i = raw as? Int { return i }
        if let s = raw as? String, let i = Int(s) { return i }
        throw fail(key, "must be an integer")
    }

    func bool(_ key: String, default value: Bool) throws -> Bool {
        guard let raw = map[key] else { return value }
        guard let b = raw as? Bool else { throw fail(key, "must be true or false") }
        return b
    }

    /// A mapping of names to texts in the order the file gives them (Yams mappings lose order, so the
    /// file's own order is passed in, from the composed node); nil when the field is a list or absent.
    func orderedStringMap(_ key: String, order: [String]?) throws -> [(String, String)]? {
        guard let raw = map[key], let sub = raw as? [String: Any] else { return nil }
        var result: [(String, String)] = []
        for name in order ?? sub.keys.sorted() {
            guard let value = sub[name] else { continue }
            if let s = value as? String { result.append((name, s)) } else if value is NSNull { result.append((name, "")) } else {
                throw fail("\(key).\(name)", "must be the label's definition (a string)")
            }
        }
        guard !result.isEmpty else { throw fail(key, "must name at least one label") }
        return result
    }

    /// Extraction fields: each a description (a string copied from the text) or a mapping with
    /// `description`, `type` (string, number, enum, list), `values` (enum) and `span`.
    func extractionFields(_ key: String, order: [String]?) throws -> [ExtractionField] {
        guard let raw = map[key] else { return [] }
        guard let sub = raw as? [String: Any] else { throw fail(key, "must be a mapping of field: description") }
        var fields: [ExtractionField] = []
        for name in order ?? sub.keys.sorted() {
            guard let value = sub[name] else { continue }
            if let description = value as? String {
                fields.append(ExtractionField(name: name, description: description))
                continue
            }
            guard let spec = try section(key).flatMap({ try $0.section(name) }) else {
                throw fail("\(key).\(name)", "must be a description or a mapping with description and type")
            }
            try spec.rejectUnknown(["description", "type", "values", "span", "question", "pattern", "candidates"])
            let typeName = try spec.string("type", default: "string")
            guard let type = ExtractionField.ValueType(rawValue: typeName) else {
                throw fail("\(key).\(name).type", "'\(typeName)' is not one of string, number, enum, list")
            }
            let values = type == .enum ? try spec.strings("values") : []
            if type == .enum, values.count < 2 { throw fail("\(key).\(name).values", "an enum needs at least 2 values") }
            if type == .enum, spec.map["span"] as? Bool == true {
                throw fail("\(key).\(name).span", "an enum value is chosen, not copied from the text")
            }
            let question = spec.map["question"] == nil ? nil : try spec.string("question")
            // A regular expression option of a phrase field, checked to compile as the field will use it.
            func expression(_ option: String, what: String, as used: (String) -> String = { $0 }) throws -> String? {
                guard spec.map[option] != nil else { return nil }
                let value = try spec.string(option)
                guard type == .string || type == .list else {
                    throw fail("\(key).\(name).\(option)", "only a string or list field has \(what)")
                }
                guard (try? NSRegularExpression(pattern: used(value))) != nil else {
                    throw fail("\(key).\(name).\(option)", "'\(value)' is not a regular expression")
                }
                return value
            }
            let pattern = try expression("pattern", what: "a pattern", as: ExtractionField.unanchoredPattern)
            let candidates = try expression("candidates", what: "candidates")
            fields.append(ExtractionField(name: name, description: try spec.string("description"), type: type,
                                          values: values, copied: try spec.bool("span", default: true), question: question,
                                          pattern: pattern, candidates: candidates))
        }
        for field in fields {
            for reference in field.questionReferences where !fields.contains(where: { $0.name == reference && $0.name != field.name }) {
                throw fail("\(key).\(field.name).question", "{\(reference)} is not another field of the task")
            }
        }
        return fields
    }

    func section(_ key: String) throws -> FieldReader? {
        guard let raw = map[key] else { return nil }
        guard let sub = raw as? [String: Any] else { throw fail(key, "must be a mapping") }
        return FieldReader(path: path, map: sub, prefix: name(key))
    }

    func strings(_ key: String) throws -> [String] {
        guard let raw = map[key] else { throw fail(key, "is required") }
        guard let list = raw as? [Any] else { throw fail(key, "must be a list of strings") }
        return try list.enumerated().map { i, item in
            if let s = item as? String, !s.isEmpty { return s }
            if let n = item as? Int { return String(n) }
            throw fail("\(key)[\(i)]", "must be a non-empty string")
        }
    }

    /// A mapping of names to non-negative numbers that do not all vanish.
    func shares(_ key: String) throws -> [String: Double]? {
        guard let raw = map[key] else { return nil }
        guard let sub = raw as? [String: Any] else { throw fail(key, "must be a mapping of name: share") }
        var result: [String: Double] = [:]
        for (k, v) in sub {
            let share: Double
            if let d = v as? Double { share = d } else if let i = v as? Int { share = Double(i) } else {
                throw fail("\(key).\(k)", "must be a number")
            }
            guard share >= 0, share.isFinite else { throw fail("\(key).\(k)", "must not be negative") }
            result[k] = share
        }
        guard result.values.reduce(0, +) > 0 else { throw fail(key, "shares must not all be zero") }
        return result
    }

    /// A mapping of names to strings (`key` nil: this whole section).
    func stringMap(_ key: String?) throws -> [String: String] {
        let raw: Any? = key.map { map[$0] } ?? map
        guard let raw else { return [:] }
        guard let sub = raw as? [String: Any] else { throw fail(key ?? "", "must be a mapping of name: text") }
        var result: [String: String] = [:]
        for (k, v) in sub {
            guard let s = v as? String else { throw fail(key.map { "\($0).\(k)" } ?? k, "must be a string") }
            result[k] = s
        }
        return result
    }

    func jsonArray(_ key: String) throws -> [JSONValue] {
        guard let raw = map[key] else { return [] }
        guard let list = raw as? [Any] else { throw fail(key, "must be a list") }
        return try list.enumerated().map { i, item in
            guard let value = JSONValue(yaml: item) else { throw fail("\(key)[\(i)]", "cannot be represented as JSON") }
            return value
        }
    }
}

extension JSONValue {
    /// Converts a value Yams produced (String, Int, Double, Bool, arrays, mappings, NSNull).
    init?(yaml: Any) {
        switch yaml {
        case let s as String: self = .string(s)
        case let b as Bool: self = .bool(b)
        case let i as Int: self = .number(Double(i))
        case let d as Double: self = .number(d)
        case let a as [Any]:
            var items: [JSONValue] = []
            for element in a {
                guard let v = JSONValue(yaml: element) else { return nil }
                items.append(v)
            }
            self = .array(items)
        case let m as [String: Any]:
            var object: [String: JSONValue] = [:]
            for (k, v) in m {
                guard let value = JSONValue(yaml: v) else { return nil }
                object[k] = value
            }
            self = .object(object)
        case is NSNull: self = .null
        default: return nil
        }
    }
}

extension TaskDefinition {
    /// Whether classification texts are to be questions (their form check is then the question gate).
    public var textsAreQuestions: Bool { textForm.lowercased().contains("question") }

    /// What is wrong with the form of a classification text, or nil: too short, a label outside the set, or a
    /// text that should be a question and is not one (or points at "the passage"). Checked before any reader,
    /// by `rag generate` and `rag filter`.
    public func classificationFormProblem(text: String, label: String) -> String? {
        text.count < 10 ? "text too short"
            : !labels.contains(label) ? "label not in label set"
            : textsAreQuestions ? QuestionForm.questionProblem(text)
            : nil
    }

    /// The subjects a text of `label` may be about in `passage`: each match of the label's subject pattern (its
    /// first capture group when it has one), in order, without repeats; empty when the label has no pattern.
    public func subjects(of label: String, in passage: String) -> [String] {
        labelSubjects[label].map {
            $0 == Self.definedAbbreviations ? Abbreviations.defined(in: passage) : distinctMatches(of: $0, in: passage)
        } ?? []
    }

    /// What `passage` says `subject` stands for, when the label's subjects are the built-in abbreviations and the
    /// passage spells it out ("NSF" → "National Science Foundation"); nil otherwise.
    public func longForm(of subject: String, label: String, in passage: String) -> String? {
        guard labelSubjects[label] == Self.definedAbbreviations else { return nil }
        return Abbreviations.definitions(in: passage).first { $0.short == subject }?.long
    }

    /// The answer of a question about an abbreviation its passage defines, which the passage settles: the long form
    /// when the question names only the short one ("What does NSF stand for?"), the short form when it names only
    /// the long one. Nil when the label's subjects are not the built-in abbreviations, the passage does not spell
    /// `subject` out, or the question names both or neither. The 1.5B writer gave "NSF" as the answer to "What does
    /// NSF stand for?" in most of its tries.
    public func subjectAnswer(question: String, subject: String, label: String, passage: String) -> String? {
        guard let long = longForm(of: subject, label: label, in: passage) else { return nil }
        let namesShort = question.range(of: "\\b\(NSRegularExpression.escapedPattern(for: subject))\\b", options: .regularExpression) != nil
        let namesLong = question.range(of: long, options: [.caseInsensitive, .diacriticInsensitive]) != nil
        return namesShort == namesLong ? nil : namesShort ? long : subject
    }

    /// The `label_subject` check of a classification text written for `label` from `passage`: it names one of
    /// the passage's subjects, or its focus is one. Nil when the label has no subject pattern.
    public func labelSubjectCheck(text: String, focus: String?, label: String, passage: String) -> CheckOutcome? {
        guard labelSubjects[label] != nil else { return nil }
        let subjects = subjects(of: label, in: passage)
        let named = subjects.first { text.contains($0) || (focus ?? "").contains($0) }
        let listed = subjects.isEmpty ? "none" : subjects.map { "\"\($0)\"" }.joined(separator: ", ")
        return CheckOutcome(name: "label_subject", passed: named != nil, score: named == nil ? 0 : 1,
                            reason: named.map { "about \"\($0)\"" }
                                ?? "the \(textForm) is about none of its passage's \(label) subjects (\(listed))")
    }

    /// The `label_form` check of a classification text labelled `label`: with a form, the text matches it; without
    /// one, it matches no other label's form (the label is the rest). Nil when the task has no forms.
    public func labelFormCheck(text: String, label: String) -> CheckOutcome? {
        guard !labelForms.isEmpty else { return nil }
        let matches = { (form: String) in text.range(of: form, options: .regularExpression) != nil }
        if let own = labelForms[label] {
            let passed = matches(own)
            return CheckOutcome(name: "label_form", passed: passed, score: passed ? 1 : 0,
                                reason: passed ? "ok" : "the \(textForm) does not have the form of \(label)")
        }
        let others = labels.filter { $0 != label && labelForms[$0].map(matches) == true }
        return CheckOutcome(name: "label_form", passed: others.isEmpty, score: others.isEmpty ? 1 : 0,
                            reason: others.isEmpty ? "ok"
                                : "the \(textForm) has the form of \(others.joined(separator: ", ")), not of \(label)")
    }

    /// A classification question's class is the kind of thing it asks for, and its `focus` is that thing (its
    /// answer). The gates a span-first QA question passes apply: the answer is a phrase of the source passages,
    /// and the question does not hold it ("What was John Wesley's name?" with the answer "John Wesley" asks for
    /// nothing). Nil when the texts are not questions or the record has no focus (written before it had one).
    public func questionFocusChecks(question: String, focus: String?, passages: [String]) -> [CheckOutcome]? {
        guard textsAreQuestions, let focus else { return nil }
        let phrase = focus.trimmingCharacters(in: .whitespacesAndNewlines)
        let located = passages.contains { SpanLocator.locate(phrase, in: $0)?.isExact == true }
        return QuestionForm.spanFirstChecks(question: question, span: located ? phrase : nil).map(CheckOutcome.init)
    }
}

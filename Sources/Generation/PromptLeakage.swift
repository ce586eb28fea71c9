import Dataset
import TextAnalysis
import Foundation
import Grounding
import LanguageModels

/// Rejects a written text that gives its making away: words of the prompt's instructions, the name of the
/// label it was written for, or the description of a field, where the passages do not have them too.
public enum PromptLeakage {
    /// Runs of this many words shared with the instructions count as copied from them.
    public static let runLength = 5

    static func words(_ text: String) -> [String] { WordTokenizer.keys(in: text) }

    /// The first run of `length` words of `text` that `source` also has and none of `allowed` has, as text.
    static func sharedRun(_ text: [String], in source: [String], length: Int, allowed: Set<[String]>) -> String? {
        guard text.count >= length, source.count >= length else { return nil }
        var runs = Set<ArraySlice<String>>()
        for start in 0...(source.count - length) { runs.insert(source[start..<(start + length)]) }
        for start in 0...(text.count - length) {
            let run = text[start..<(start + length)]
            if runs.contains(run), !allowed.contains(Array(run)) { return run.joined(separator: " ") }
        }
        return nil
    }

    /// Every run of `length` words of the passages.
    static func runs(of passages: [String], length: Int) -> Set<[String]> {
        var result = Set<[String]>()
        for passage in passages {
            let w = words(passage)
            guard w.count >= length else { continue }
            for start in 0...(w.count - length) { result.insert(Array(w[start..<(start + length)])) }
        }
        return result
    }

    /// The leakage check of a written text.
    /// - Parameters:
    ///   - instructions: the prompt's own words (system message and instructions, without the passages).
    ///   - passages: what the writer read; words the passages have are never leakage.
    ///   - labelName: the label the text was written for, when naming it gives it away.
    ///   - descriptions: field descriptions (extraction) the text or its values must not repeat.
    ///   - seedExamples: the task's own example texts; a text that copies one (five words in a row the passages
    ///     do not have) is the user's example again, not new data.
    ///   - forbidSourceMention: reject a text that talks about "the passage" it was written from (for texts that
    ///     are not questions; the question gate covers those).
    public static func check(text: String, instructions: [String], passages: [String], labelName: String? = nil,
                             descriptions: [String] = [], seedExamples: [String] = [],
                             forbidSourceMention: Bool = false) -> CheckOutcome {
        let textWords = words(text)
        let passageRuns = runs(of: passages, length: runLength)
        for prompt in instructions {
            if let run = sharedRun(textWords, in: words(prompt), length: runLength, allowed: passageRuns) {
                return CheckOutcome(name: "prompt_leak", passed: false, score: 0,
                                    reason: "the text repeats the prompt's words \"\(run)\"")
            }
        }
        for seed in seedExamples {
            if let run = sharedRun(textWords, in: words(seed), length: runLength, allowed: passageRuns) {
                return CheckOutcome(name: "seed_copy", passed: false, score: 0,
                                    reason: "the text copies a seed example: \"\(run)\"")
            }
        }
        for description in descriptions {
            let described = words(description)
            let length = min(described.count, 4)
            guard length >= 2 else { continue }
            if let run = sharedRun(textWords, in: described, length: length, allowed: runs(of: passages, length: length)) {
                return CheckOutcome(name: "prompt_leak", passed: false, score: 0,
                                    reason: "the text repeats a field description: \"\(run)\"")
            }
        }
        if let labelName {
            let name = words(labelName.replacingOccurrences(of: "_", with: " "))
            let passageWords = passages.map(words)
            if !name.isEmpty, contains(textWords, name), !passageWords.contains(where: { contains($0, name) }) {
                return CheckOutcome(name: "label_named", passed: false, score: 0,
                                    reason: "the text names its label \"\(labelName)\"")
            }
        }
        if forbidSourceMention, let mention = sourceMention(in: text) { return mention }
        return CheckOutcome(name: "prompt_leak", passed: true, score: 1, reason: "ok")
    }

    /// A text that talks about the passage it was written from ("the following evidence from the passage"): the
    /// prompt's frame showing through, which no user writes. Nil when it does not.
    public static func sourceMention(in text: String) -> CheckOutcome? {
        QuestionForm.mentionsSourceText(text)
            ? CheckOutcome(name: "prompt_leak", passed: false, score: 0,
                           reason: "the text talks about the passage it was written from")
            : nil
    }

    /// A phrase field whose value has no word of its own: every content word of it (stemmed, stopwords left
    /// out) comes from the field's description, as "control" does for "what it controls". Such a value names
    /// nothing in the text. Nil when every phrase value has a word of its own.
    public static func descriptionEcho(values: [String: JSONValue], fields: [ExtractionField]) -> CheckOutcome? {
        for field in fields where field.type == .string || field.type == .list {
            let described = AnalyzedText(field.description).allContentStems
            for phrase in ExtractionField.phrases(values[field.name])
            where AnalyzedText(phrase).allContentStems.isSubset(of: described) {
                return CheckOutcome(name: "prompt_leak", passed: false, score: 0,
                                    reason: "the value of '\(field.name)' (\"\(phrase)\") has no word of its own beyond "
                                        + "the field's description")
            }
        }
        return nil
    }

    static func contains(_ words: [String], _ run: [String]) -> Bool {
        guard words.count >= run.count, !run.isEmpty else { return false }
        return (0...(words.count - run.count)).contains { words[$0..<($0 + run.count)].elementsEqual(run) }
    }
}

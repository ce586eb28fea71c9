import Foundation
import Grounding

/// Picks the statement of a source passage that a question should be about.
///
/// A small model asked for "a question about passage [1]" tends to summarise the passage, copy the prompt's
/// wording, or quote evidence it paraphrased. Handing it one complete sentence (or two) of the passage to ask
/// about fixes the evidence span exactly and keeps the answer to what that sentence states. Sentences are
/// ranked by cues of the wanted question type: a definition ("X is a ..."), a procedure ("To ..., use ..."), or
/// a fact (a number, a default, a limit, a named setting).
public enum FocusSelection {
    /// Candidate focus ranges (character offsets in `text`), best first. Sentences must be complete (a capital
    /// or digit first, a full stop last) and 8 to 60 words; a short sentence takes its successor along.
    public static func candidates(in text: String, for type: TaskDefinition.QuestionType) -> [Range<Int>] {
        let scored = statements(in: text).map { statement in
            (range: statement.range, score: cueScore(statement.text, type: type) + min(Double(statement.words), 30) / 100)
        }
        return scored.sorted { $0.score > $1.score || ($0.score == $1.score && $0.range.lowerBound < $1.range.lowerBound) }
            .map(\.range)
    }

    /// The texts of an extraction sample that `text` offers (character offsets, best first): the statements that
    /// name a candidate of every field with a candidates pattern. The writer extracts the fields from one of them;
    /// asked to copy sentences from a whole passage, the 1.5B writer paraphrased them or copied the instructions
    /// (README, "Extraction"). Statements whose candidate opens them come first ("VACUUM reclaims storage …"
    /// before "The autovacuum daemon does not issue ANALYZE commands …"), then in the passage's order.
    public static func extractionTexts(in text: String, fields: [ExtractionField]) -> [Range<Int>] {
        let withCandidates = fields.filter { $0.candidates != nil }
        var ranked: [(range: Range<Int>, position: Int)] = []
        for statement in statements(in: text) {
            let found = withCandidates.map { $0.candidates(in: statement.text) }
            guard found.allSatisfy({ !$0.isEmpty }) else { continue }
            let first = found.joined().compactMap { statement.text.range(of: $0)?.lowerBound }.min()
            let position = first.map { statement.text[..<$0].split(whereSeparator: \.isWhitespace).count } ?? 0
            ranked.append((statement.range, min(position, 6)))
        }
        return ranked.enumerated().sorted { ($0.element.position, $0.offset) < ($1.element.position, $1.offset) }
            .map(\.element.range)
    }

    /// The statements of `text` that stand alone, in order: complete sentences (a capital or digit first, a full
    /// stop last) of 8 to 60 words on one line that point nowhere outside themselves; a short sentence takes its
    /// successor along.
    static func statements(in text: String) -> [(range: Range<Int>, text: String, words: Int)] {
        let characters = Array(text)
        let sentences = ExtractiveGenerator.sentences(in: text)
        var found: [(range: Range<Int>, text: String, words: Int)] = []
        for (index, range) in sentences.enumerated() {
            var range = range
            var sentence = String(characters[range])
            var words = sentence.split(whereSeparator: \.isWhitespace).count
            if words < 12, index + 1 < sentences.count, sentences[index + 1].lowerBound - range.upperBound <= 2 {
                range = range.lowerBound..<sentences[index + 1].upperBound
                sentence = String(characters[range])
                words = sentence.split(whereSeparator: \.isWhitespace).count
            }
            guard isComplete(sentence), (8...60).contains(words), !sentence.contains("\n") else { continue }
            guard !dependsOnSurroundings(sentence) else { continue }
            found.append((range, sentence, words))
        }
        return found
    }

    /// A complete sentence: a capital or digit first, a full stop last (not a list item ending in ";" or a
    /// heading ending in ":").
    static func isComplete(_ sentence: String) -> Bool {
        guard let first = sentence.first, first.isUppercase || first.isNumber else { return false }
        return sentence.last == "." && !sentence.hasSuffix(":.")
    }

    /// Sentences that cannot stand alone: they open with a pronoun or connective pointing back ("It is also
    /// riskier"), or point elsewhere ("See Chapter 8 for details").
    static func dependsOnSurroundings(_ sentence: String) -> Bool {
        let firstWord = sentence.split(whereSeparator: { $0.isWhitespace || $0 == "," }).first.map { $0.lowercased() } ?? ""
        let pointsBack: Set<String> = ["it", "this", "these", "that", "those", "they", "such", "also", "however",
                                       "therefore", "thus", "otherwise", "here", "there", "see", "but", "and", "or",
                                       "so", "then", "instead", "likewise", "similarly", "he", "she", "we", "its",
                                       "furthermore", "moreover", "what's", "usually", "while", "hence",
                                       // Reference-page fragments without a subject ("Specifies whether ...").
                                       "specifies", "returns", "selects", "sets", "enables", "disables", "prints",
                                       "causes", "forces", "allows", "controls", "determines", "updates",
                                       "removes", "adds", "creates", "shows", "reports", "writes", "changes"]
        if pointsBack.contains(firstWord) { return true }
        let lower = sentence.lowercased()
        if pointingWord(in: sentence) != nil { return true }
        if lower.range(of: #"\b(section|table|chapter|figure|appendix|example) [0-9ivx]"#, options: .regularExpression) != nil {
            return true
        }
        return ["see section", "see chapter", "for details", "as follows", "shown below", "described below",
                "the following", "above,", "below.", "as shown", "for example:", "e.g.,", "described above",
                "mentioned above", "in this case", "in this scenario", "for example", "in addition", "of course",
                "thus far", "in this form", "in earlier versions"].contains { lower.contains($0) }
    }

    /// A determiner pointing at text around it ("this rule", "these options", "the latter"), which loses its
    /// referent when the sentence or copied value stands alone; nil when there is none. "such as" introduces
    /// examples and points nowhere. Of the 1,190 answer spans people marked in XQuAD (../shared/data/qa/xquad), it
    /// finds 2, and both point outside the span ("any of these classes", "in this instance").
    static func pointingWord(in text: String) -> String? {
        let pattern = #"\b(this|these|those|such|the above|the former|the latter)\b(?! as\b)"#
        guard let range = text.range(of: pattern, options: [.regularExpression, .caseInsensitive]) else { return nil }
        return String(text[range]).lowercased()
    }

    static func cueScore(_ sentence: String, type: TaskDefinition.QuestionType) -> Double {
        let lower = " " + sentence.lowercased() + " "
        func any(_ cues: [String]) -> Bool { cues.contains { lower.contains($0) } }
        let hasNumber = sentence.contains { $0.isNumber }
        let hasIdentifier = sentence.split(whereSeparator: \.isWhitespace).contains { word in
            let letters = word.filter(\.isLetter)
            return letters.count >= 3 && letters.allSatisfy(\.isUppercase) || word.contains("_")
        }
        var score = 0.0
        switch type {
        case .definition:
            if any([" is a ", " is an ", " is the ", " are ", " means ", " refers to ", " is called ", " defined as ",
                    " represents ", " consists of "]) { score += 2 }
            if lower.hasPrefix(" a ") || lower.hasPrefix(" an ") || lower.hasPrefix(" the ") { score += 0.5 }
        case .procedural:
            if lower.hasPrefix(" to ") || any([" use ", " using ", " run ", " by running ", " command ", " can be ",
                                               " must ", " should ", " you can "]) { score += 2 }
            if hasIdentifier { score += 1 }
        default:
            if hasNumber { score += 1.5 }
            if any([" default", " maximum", " minimum", " limit", " only ", " always ", " never ", " requires ",
                    " supports ", " cannot "]) { score += 1.5 }
            if hasIdentifier { score += 0.5 }
        }
        return score
    }
}

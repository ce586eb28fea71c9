import Foundation
import TextAnalysis

/// A question and answer made without a language model, by rules over one sentence of a passage: the answer is
/// always a span of the passage, so it is grounded by construction (but the questions are plain).
public struct ExtractiveQuestion: Sendable, Equatable {
    public var question: String
    public var answer: String
    public var type: TaskDefinition.QuestionType
    /// Character range of `answer` in the passage text.
    public var answerRange: Range<Int>
    /// Character range of the sentence the question was made from.
    public var sentenceRange: Range<Int>
}

/// The offline generator `rag generate` falls back to when no LLM is configured or installed.
///
/// Rules, tried on each sentence in turn:
/// - "To VERB ..., CLAUSE." → "How do you VERB ...?" / CLAUSE (procedural)
/// - "SUBJECT is|are a/an/the ..." → "What is SUBJECT?" / the predicate (definition)
/// - "SUBJECT is|are|was|were PREDICATE." → "What is SUBJECT?" / PREDICATE (factoid)
/// - "SUBJECT can|must|should|will|may VERB ..." → "What can SUBJECT do?" / the verb phrase (factoid)
public struct ExtractiveGenerator: Sendable {
    public init() {}

    private static let copulas: Set<String> = ["is", "are", "was", "were"]
    private static let modals: Set<String> = ["can", "must", "should", "will", "may", "cannot"]
    private static let determiners: Set<String> = ["a", "an", "the", "one"]
    /// Words that make a subject point back at earlier text ("this option", "another issue").
    private static let vagueWords: Set<String> = ["this", "that", "these", "those", "another", "it", "such", "same"]
    private static let badSubjectStarts: Set<String> = [
        "it", "this", "that", "there", "these", "those", "they", "he", "she", "which", "what", "if", "when", "and", "but",
        "or", "so", "however", "also", "here", "we", "you", "i", "since", "because", "although", "while", "for",
        "in", "on", "as", "after", "before", "unless", "note", "see", "check", "use", "each", "all", "some", "any",
        "such", "other", "most", "many", "both", "either", "neither", "its", "their", "our", "your",
    ]

    /// All questions the rules make from `text`, in sentence order.
    public func questions(from text: String) -> [ExtractiveQuestion] {
        var result: [ExtractiveQuestion] = []
        for sentence in Self.sentences(in: text) {
            if let q = question(from: sentence, in: text) { result.append(q) }
        }
        return result
    }

    /// Sentence ranges (in Characters) of `text`, from the one sentence splitter, leaving out sentences shorter
    /// than 20 characters (headings, list labels).
    static func sentences(in text: String) -> [Range<Int>] {
        SentenceSplitter.sentenceRanges(in: text).map { text.characterRange(ofScalars: $0) }.filter { $0.count >= 20 }
    }

    private func question(from range: Range<Int>, in text: String) -> ExtractiveQuestion? {
        let chars = Array(text)
        let sentence = String(chars[range])
        guard !sentence.contains("\n"), sentence.last == "." else { return nil }
        let words = Self.words(sentence)
        guard words.count >= 5, words.count <= 40 else { return nil }
        let body = String(sentence.dropLast())

        // Procedural: "To VERB ..., CLAUSE."
        if words[0].text.lowercased() == "to", let comma = body.firstIndex(of: ",") {
            let purpose = body[body.index(body.startIndex, offsetBy: 3)..<comma].trimmingCharacters(in: .whitespaces)
            let clause = body[body.index(after: comma)...].trimmingCharacters(in: .whitespaces)
            let offset = body.distance(from: body.startIndex, to: comma) + 1
            guard purpose.split(separator: " ").count >= 2, clause.split(separator: " ").count >= 3 else { return nil }
            let clauseStart = range.lowerBound + offset + (body[body.index(after: comma)...].prefix { $0 == " " }.count)
            return ExtractiveQuestion(
                question: "How do you \(purpose)?", answer: clause, type: .procedural,
                answerRange: clauseStart..<(clauseStart + clause.count), sentenceRange: range)
        }

        // SUBJECT VERB PREDICATE with the verb a copula or a modal, within the first nine words.
        for (i, word) in words.enumerated().prefix(9) where i >= 1 {
            let lower = word.text.lowercased()
            let isCopula = Self.copulas.contains(lower), isModal = Self.modals.contains(lower)
            guard isCopula || isModal else { continue }
            let subjectWords = words[0..<i]
            guard let firstWord = subjectWords.first?.text else { return nil }
            let first = firstWord.lowercased()
            // A noun phrase: "The/A/An ..." of up to six words, or a bare capitalised term of up to three
            // ("PostgreSQL", "B-tree indexes"); not a clause opener, a gerund or an imperative.
            let startsWithDeterminer = Self.determiners.contains(first) && first != "one"
            let isBareTerm = subjectWords.count <= 3 && firstWord.first?.isUppercase == true && !first.hasSuffix("ing")
            guard !Self.badSubjectStarts.contains(first), startsWithDeterminer || isBareTerm,
                  subjectWords.count <= 6,
                  !subjectWords.contains(where: { Self.vagueWords.contains($0.text.lowercased()) }),
                  !subjectWords.contains(where: { $0.text.contains(",") || $0.text.contains("(") || $0.text.contains(":") })
            else { return nil }
            let predicateStart = i + 1 < words.count ? words[i + 1].start : body.count
            let predicate = String(Array(body)[predicateStart...]).trimmingCharacters(in: .whitespaces)
            guard predicate.split(separator: " ").count >= 1, predicate.count >= 2 else { return nil }
            if lower == "cannot" || words.indices.contains(i + 1) && words[i + 1].text.lowercased() == "not" {
                return nil  // negated statements make misleading questions
            }
            var subject = String(Array(body)[subjectWords.first!.start..<subjectWords.last!.end])
            let isPlainCapitalised = firstWord.count > 1 && firstWord.dropFirst().allSatisfy(\.isLowercase)
            if startsWithDeterminer || isPlainCapitalised {
                subject = subject.prefix(1).lowercased() + subject.dropFirst()  // "The server" → "the server"
            }
            let answerStart = range.lowerBound + predicateStart
            let answerRange = answerStart..<(answerStart + predicate.count)
            if isModal {
                return ExtractiveQuestion(
                    question: "What \(lower) \(subject) do?", answer: predicate, type: .factoid,
                    answerRange: answerRange, sentenceRange: range)
            }
            let isDefinition = Self.determiners.contains(words.indices.contains(i + 1) ? words[i + 1].text.lowercased() : "")
            return ExtractiveQuestion(
                question: "What \(lower) \(subject)?", answer: predicate, type: isDefinition ? .definition : .factoid,
                answerRange: answerRange, sentenceRange: range)
        }
        return nil
    }

    private struct Word {
        var text: String
        var start: Int
        var end: Int
    }

    private static func words(_ s: String) -> [Word] {
        var result: [Word] = []
        var current = ""
        var start = 0
        for (i, c) in s.enumerated() {
            if c.isWhitespace {
                if !current.isEmpty { result.append(Word(text: current, start: start, end: i)) }
                current = ""
            } else {
                if current.isEmpty { start = i }
                current.append(c)
            }
        }
        if !current.isEmpty { result.append(Word(text: current, start: start, end: s.count)) }
        return result
    }
}

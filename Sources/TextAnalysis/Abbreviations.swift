import Foundation

/// Abbreviations a text defines: a short form in capitals whose long form the same text spells out.
///
/// Two ways of defining one count (after Schwartz and Hearst's observation that a definition is a short form
/// next to words whose letters it takes): a short form in parentheses after its long form ("American Sign
/// Language (ASL)", "British Sky Broadcasting (BSkyB)"), and a short form of two to eight capitals anywhere in
/// the text with a run of capitalised words whose initials spell it ("the National Science Foundation … NSF";
/// "of", "and", "the", "for", "on", "in", "de" and "to" may sit inside the run). Roman numerals and initials
/// of one-letter words ("U.S." for "US") do not count: the text does not say what they stand for.
public enum Abbreviations {
    /// An abbreviation and what the text says it stands for.
    public struct Definition: Sendable, Equatable {
        /// The short form as written ("NSF", "BSkyB").
        public let short: String
        /// The words of the text whose initials spell it ("National Science Foundation"); nil for a short form in
        /// parentheses whose initials no run of words spells.
        public let long: String?

        /// Creates a definition.
        public init(short: String, long: String?) {
            self.short = short
            self.long = long
        }
    }

    /// The short forms `text` defines, in order of first appearance, without repeats.
    public static func defined(in text: String) -> [String] {
        definitions(in: text).map(\.short)
    }

    /// The abbreviations `text` defines with their long forms, in order of the short form's first appearance.
    public static func definitions(in text: String) -> [Definition] {
        let inParentheses = distinctMatches(of: #"\(([A-Z][A-Za-z.&]*[A-Z]\.?)\)"#, in: text)
        let characters = Array(text)
        let words = surfaceWords(of: text)
        var found: [(offset: Int, definition: Definition)] = []
        for form in inParentheses {
            let offset = text.range(of: "(\(form))").map { text.distance(from: text.startIndex, to: $0.lowerBound) } ?? 0
            let index = words.firstIndex { $0.offset > offset } ?? words.count
            let long = wordsBefore(index, spelling: form, in: words, characters) ?? longForm(form, in: words, besides: index, characters)
            found.append((offset, Definition(short: form, long: long)))
        }
        for (index, word) in words.enumerated() where isCandidate(word.text) {
            guard !found.contains(where: { $0.definition.short == word.text }),
                  let long = longForm(word.text, in: words, besides: index, characters) else { continue }
            found.append((word.offset, Definition(short: word.text, long: long)))
        }
        return found.sorted { $0.offset < $1.offset }.map(\.definition)
    }

    private static let linkingWords: Set<String> = ["of", "and", "the", "for", "on", "in", "de", "to", "&"]

    /// Two to eight capitals (an inner `&` allowed), not a Roman numeral.
    private static func isCandidate(_ word: String) -> Bool {
        let letters = word.filter { $0 != "&" }
        return (2...8).contains(letters.count) && letters.allSatisfy { $0.isUppercase && $0.isLetter }
            && !letters.allSatisfy { "IVXLCDM".contains($0) }
    }

    /// The first run of capitalised words (not the word at `index`) whose initials spell the capitals of `form`,
    /// as the text writes it.
    private static func longForm(_ form: String, in words: [(text: String, offset: Int)], besides index: Int,
                                 _ characters: [Character]) -> String? {
        let letters = Array(form.filter(\.isUppercase))
        guard letters.count >= 2 else { return nil }
        for start in words.indices where start != index {
            var position = start
            var matched = 0
            while position < words.count, matched < letters.count, position != index {
                let word = words[position].text
                if word.count >= 2, word.first == letters[matched], word.contains(where: \.isLowercase) {
                    matched += 1
                } else if matched == 0 || !linkingWords.contains(word.lowercased()) {
                    break
                }
                position += 1
            }
            if matched == letters.count {
                let last = words[position - 1]
                return String(characters[words[start].offset..<(last.offset + last.text.count)])
            }
        }
        return nil
    }

    /// The words just before the word at `index` whose initials, in any case, spell the capitals of `form`
    /// ("business as usual (BAU)"), linking words allowed inside.
    private static func wordsBefore(_ index: Int, spelling form: String, in words: [(text: String, offset: Int)],
                                    _ characters: [Character]) -> String? {
        let letters = Array(form.filter(\.isUppercase))
        guard letters.count >= 2, index >= letters.count else { return nil }
        var position = index - 1
        var remaining = letters.count
        while position >= 0, remaining > 0 {
            let word = words[position].text
            if word.first.map({ Character($0.uppercased()) }) == letters[remaining - 1], word.count >= 2 {
                remaining -= 1
            } else if remaining == letters.count || !linkingWords.contains(word.lowercased()) {
                return nil
            }
            if remaining > 0 { position -= 1 }
        }
        guard remaining == 0 else { return nil }
        let last = words[index - 1]
        return String(characters[words[position].offset..<(last.offset + last.text.count)])
    }

    /// The words of `text` as written (letters and digits, inner `&` kept: "V&A"), with their character offsets.
    private static func surfaceWords(of text: String) -> [(text: String, offset: Int)] {
        var words: [(text: String, offset: Int)] = []
        var current = ""
        var start = 0
        for (offset, character) in text.enumerated() {
            if character.isLetter || character.isNumber || (character == "&" && !current.isEmpty) {
                if current.isEmpty { start = offset }
                current.append(character)
            } else if !current.isEmpty {
                words.append((current, start))
                current = ""
            }
        }
        if !current.isEmpty { words.append((current, start)) }
        return words
    }
}

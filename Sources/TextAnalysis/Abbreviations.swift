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
    /// The short forms `text` defines, in order of first appearance, without repeats.
    public static func defined(in text: String) -> [String] {
        let inParentheses = distinctMatches(of: #"\(([A-Z][A-Za-z.&]*[A-Z]\.?)\)"#, in: text)
        let words = surfaceWords(of: text)
        var found: [(offset: Int, form: String)] = []
        for form in inParentheses {
            found.append((text.range(of: "(\(form))").map { text.distance(from: text.startIndex, to: $0.lowerBound) } ?? 0, form))
        }
        for (index, word) in words.enumerated() where isCandidate(word.text) {
            guard !found.contains(where: { $0.form == word.text }),
                  spelledOut(word.text, by: words, besides: index) else { continue }
            found.append((word.offset, word.text))
        }
        return found.sorted { $0.offset < $1.offset }.map(\.form)
    }

    private static let linkingWords: Set<String> = ["of", "and", "the", "for", "on", "in", "de", "to", "&"]

    /// Two to eight capitals (an inner `&` allowed), not a Roman numeral.
    private static func isCandidate(_ word: String) -> Bool {
        let letters = word.filter { $0 != "&" }
        return (2...8).contains(letters.count) && letters.allSatisfy { $0.isUppercase && $0.isLetter }
            && !letters.allSatisfy { "IVXLCDM".contains($0) }
    }

    /// Whether some run of capitalised words (not the word at `index`) has initials spelling `form`.
    private static func spelledOut(_ form: String, by words: [(text: String, offset: Int)], besides index: Int) -> Bool {
        let letters = Array(form.filter(\.isLetter))
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
            if matched == letters.count { return true }
        }
        return false
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

import Foundation

/// Splits text into ``WordToken``s, normalising case, diacritics, unicode quotes and dashes, thousands
/// separators and number words, and keeping each token's unicode-scalar offsets in the original text.
///
/// Rules: a word is a run of letters, digits and combining marks, with inner apostrophes (`O'Brien`);
/// hyphens and dashes separate words; a trailing `'s` is dropped and `n't` becomes a separate `not` token; a
/// number is a digit run with inner `,` or `.` between digits; `%`, `$`, `€`, `£`, `°` are tokens of their own;
/// everything else is a separator.
public enum WordTokenizer {
    /// The matching keys of the tokens of `text`, in order: the one word list every measure counts.
    public static func keys(in text: String) -> [String] {
        tokens(in: text).map(\.key)
    }

    /// `text` as the one normalised form that exact-duplicate checks compare: its keys joined by spaces (case,
    /// diacritics, punctuation and number words folded).
    public static func normalized(_ text: String) -> String {
        keys(in: text).joined(separator: " ")
    }

    /// The tokens of `text`, in order.
    public static func tokens(in text: String) -> [WordToken] {
        let scalars = Array(text.unicodeScalars)
        var tokens: [WordToken] = []
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if isDigit(scalar) {
                var end = index + 1
                while end < scalars.count {
                    if isDigit(scalars[end]) || isWordScalar(scalars[end]) {
                        end += 1
                    } else if (scalars[end] == "," || scalars[end] == "."), end + 1 < scalars.count,
                              isDigit(scalars[end + 1]) {
                        end += 2
                    } else {
                        break
                    }
                }
                let raw = String(String.UnicodeScalarView(scalars[index..<end]))
                appendNumberOrWord(raw, range: index..<end, to: &tokens)
                index = end
            } else if isWordScalar(scalar) {
                var end = index + 1
                while end < scalars.count {
                    if isWordScalar(scalars[end]) || isDigit(scalars[end]) {
                        end += 1
                    } else if isApostrophe(scalars[end]), end + 1 < scalars.count, isWordScalar(scalars[end + 1]) {
                        end += 2
                    } else {
                        break
                    }
                }
                appendWord(scalars: scalars[index..<end], start: index, to: &tokens)
                index = end
            } else if let symbol = symbolKey(scalar) {
                tokens.append(WordToken(key: symbol, range: index..<(index + 1), kind: .symbol, isCapitalized: false))
                index += 1
            } else {
                index += 1
            }
        }
        return tokens
    }

    /// The matching key of a single word as the tokenizer would produce it (folded, number words as digits).
    public static func key(ofWord word: String) -> String {
        let folded = fold(word)
        if let digits = Lexicon.cardinals[folded] ?? Lexicon.ordinals[folded] {
            return digits
        }
        return folded
    }

    // MARK: - Pieces

    private static func appendNumberOrWord(_ raw: String, range: Range<Int>, to tokens: inout [WordToken]) {
        // Digits followed by letters ("1990s", "19th", "5km") stay one token, folded.
        let key = fold(raw).replacingOccurrences(of: ",", with: "")
        let isPlainNumber = key.unicodeScalars.allSatisfy { isDigit($0) || $0 == "." }
        tokens.append(WordToken(key: isPlainNumber ? trimmedNumber(key) : key, range: range, kind: .number,
                                isCapitalized: false))
    }

    /// Removes a meaningless fractional zero ("3.0" → "3").
    private static func trimmedNumber(_ key: String) -> String {
        guard key.contains(".") else { return key }
        var trimmed = key
        while trimmed.hasSuffix("0") { trimmed.removeLast() }
        if trimmed.hasSuffix(".") { trimmed.removeLast() }
        return trimmed
    }

    private static func appendWord(scalars: ArraySlice<Unicode.Scalar>, start: Int, to tokens: inout [WordToken]) {
        var word = String(String.UnicodeScalarView(scalars)).replacingOccurrences(of: "\u{2019}", with: "'")
            .replacingOccurrences(of: "\u{2018}", with: "'")
        var end = start + scalars.count
        let isCapitalized = scalars.first.map { $0.properties.isUppercase } ?? false
        var negationRange: Range<Int>?
        let lower = word.lowercased()
        if lower.hasSuffix("'s") {
            word.removeLast(2)
            end -= 2
        } else if lower.hasSuffix("n't") {
            negationRange = (end - 3)..<end
            word.removeLast(3)
            end -= 3
            if lower == "can't" { word = "can" } else if lower == "won't" { word = "will" }
        } else if lower == "cannot" {
            word = "can"
            negationRange = (start + 3)..<end
            end = start + 3
        }
        if !word.isEmpty {
            let folded = fold(word)
            if let digits = Lexicon.cardinals[folded] ?? Lexicon.ordinals[folded] {
                tokens.append(WordToken(key: digits, range: start..<end, kind: .number, isCapitalized: isCapitalized,
                                        isSpelledOut: true))
            } else {
                tokens.append(WordToken(key: folded, range: start..<end, kind: .word, isCapitalized: isCapitalized))
            }
        }
        if let negationRange {
            tokens.append(WordToken(key: "not", range: negationRange, kind: .word, isCapitalized: false))
        }
    }

    public static func fold(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy({ $0.isASCII }) {
            return text.lowercased()
        }
        return text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
    }

    public static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 48 && scalar.value <= 57
    }

    public static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            return (scalar.value >= 65 && scalar.value <= 90) || (scalar.value >= 97 && scalar.value <= 122)
        }
        let properties = scalar.properties
        if properties.isAlphabetic { return true }
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .otherNumber, .decimalNumber, .letterNumber:
            return true
        default:
            return false
        }
    }

    public static func isApostrophe(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "'" || scalar == "\u{2019}" || scalar == "\u{2018}"
    }

    private static func symbolKey(_ scalar: Unicode.Scalar) -> String? {
        switch scalar {
        case "%": return "%"
        case "$": return "$"
        case "€": return "€"
        case "£": return "£"
        case "°": return "°"
        default: return nil
        }
    }
}

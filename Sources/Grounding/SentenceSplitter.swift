/// Splits text into sentences: after `.`, `!`, `?` or `…` (and any closing quotes or brackets) followed by
/// white space and an upper-case letter, a digit or an opening quote; and at line breaks. A period after a
/// known abbreviation ("Dr.", "U.S.", "e.g.") or a single letter (an initial, "James O. McKinsey") does not
/// end a sentence.
public enum SentenceSplitter {
    /// Unicode-scalar ranges of the sentences of `text`, trimmed of surrounding white space, empty ones
    /// omitted.
    public static func sentenceRanges(in text: String) -> [Range<Int>] {
        let scalars = Array(text.unicodeScalars)
        var ranges: [Range<Int>] = []
        var start = 0
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\n" {
                appendTrimmed(start..<index, of: scalars, to: &ranges)
                start = index + 1
            } else if isTerminator(scalar) {
                var end = index + 1
                while end < scalars.count, isCloser(scalars[end]) || isTerminator(scalars[end]) { end += 1 }
                var next = end
                while next < scalars.count, scalars[next] == " " || scalars[next] == "\t" { next += 1 }
                if next > end, next < scalars.count, isSentenceStart(scalars[next]),
                   scalar != "." || !endsWithAbbreviation(scalars, periodAt: index) {
                    appendTrimmed(start..<end, of: scalars, to: &ranges)
                    start = next
                    index = next
                    continue
                }
            }
            index += 1
        }
        appendTrimmed(start..<scalars.count, of: scalars, to: &ranges)
        return ranges
    }

    static let abbreviations: Set<String> = [
        "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "etc", "no", "inc", "ltd", "co", "corp", "eg",
        "ie", "us", "uk", "ca", "c", "approx", "fig", "vol", "gen", "col", "lt", "sgt", "rev", "mt", "ft", "jan",
        "feb", "mar", "apr", "aug", "sept", "sep", "oct", "nov", "dec", "al", "op", "cf",
    ]

    private static func endsWithAbbreviation(_ scalars: [Unicode.Scalar], periodAt index: Int) -> Bool {
        var start = index
        while start > 0, scalars[start - 1].properties.isAlphabetic || scalars[start - 1] == "." { start -= 1 }
        let word = String(String.UnicodeScalarView(scalars[start..<index])).lowercased()
            .replacingOccurrences(of: ".", with: "")
        if word.count == 1, scalars[start].properties.isUppercase { return true }
        return abbreviations.contains(word)
    }

    private static func isTerminator(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "." || scalar == "!" || scalar == "?" || scalar == "\u{2026}"
    }

    private static func isCloser(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\"" || scalar == "'" || scalar == ")" || scalar == "]" || scalar == "\u{201D}"
            || scalar == "\u{2019}"
    }

    private static func isSentenceStart(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isUppercase || WordTokenizer.isDigit(scalar) || scalar == "\"" || scalar == "("
            || scalar == "\u{201C}" || scalar == "'" || scalar == "\u{2018}"
    }

    private static func appendTrimmed(_ range: Range<Int>, of scalars: [Unicode.Scalar], to ranges: inout [Range<Int>]) {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper, scalars[lower].properties.isWhitespace { lower += 1 }
        while upper > lower, scalars[upper - 1].properties.isWhitespace { upper -= 1 }
        if lower < upper { ranges.append(lower..<upper) }
    }
}

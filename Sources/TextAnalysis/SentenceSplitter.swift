/// The one sentence splitter (ingest chunking, the checks and the generators all use it).
///
/// Splits text into sentences: after `.`, `!`, `?` or `…` (and any closing quotes or brackets) followed by white
/// space and an upper-case letter, a digit or an opening quote; after a full-width `。`, `！` or `？` followed by
/// white space; and at line breaks. A period after a
/// known abbreviation ("Dr.", "U.S.", "e.g.") or a single letter (an initial, "James O. McKinsey") does not
/// end a sentence.
public enum SentenceSplitter {
    /// Unicode-scalar ranges of the sentences of `text`, trimmed of surrounding white space, empty ones
    /// omitted.
    public static func sentenceRanges(in text: String) -> [Range<Int>] {
        let scalars = Array(text.unicodeScalars)
        return sentenceRanges(in: scalars, within: 0..<scalars.count)
    }

    /// The sentences of `scalars[range]`, as offsets into `scalars` (for callers that already hold a
    /// document's scalars, as the chunker does).
    public static func sentenceRanges(in scalars: [Unicode.Scalar], within range: Range<Int>) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = range.lowerBound
        var index = range.lowerBound
        while index < range.upperBound {
            let scalar = scalars[index]
            if scalar == "\n" {
                appendTrimmed(start..<index, of: scalars, to: &ranges)
                start = index + 1
            } else if isTerminator(scalar) {
                var end = index + 1
                while end < range.upperBound, isCloser(scalars[end]) || isTerminator(scalars[end]) { end += 1 }
                var next = end
                while next < range.upperBound, scalars[next] == " " || scalars[next] == "\t" { next += 1 }
                // After a full-width terminator (CJK) any character starts the next sentence.
                if next > end, next < range.upperBound, isSentenceStart(scalars[next]) || isFullWidthTerminator(scalar),
                   scalar != "." || !endsWithAbbreviation(scalars, periodAt: index, from: range.lowerBound) {
                    appendTrimmed(start..<end, of: scalars, to: &ranges)
                    start = next
                    index = next
                    continue
                }
            }
            index += 1
        }
        appendTrimmed(start..<range.upperBound, of: scalars, to: &ranges)
        return ranges
    }

    public static let abbreviations: Set<String> = [
        "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "etc", "no", "inc", "ltd", "co", "corp", "eg",
        "ie", "us", "uk", "ca", "c", "approx", "fig", "vol", "gen", "col", "lt", "sgt", "rev", "mt", "ft", "jan",
        "feb", "mar", "apr", "aug", "sept", "sep", "oct", "nov", "dec", "al", "op", "cf",
    ]

    private static func endsWithAbbreviation(_ scalars: [Unicode.Scalar], periodAt index: Int, from lowest: Int) -> Bool {
        var start = index
        while start > lowest, scalars[start - 1].properties.isAlphabetic || scalars[start - 1] == "." { start -= 1 }
        let word = String(String.UnicodeScalarView(scalars[start..<index])).lowercased()
            .replacingOccurrences(of: ".", with: "")
        if word.count == 1, scalars[start].properties.isUppercase { return true }
        return abbreviations.contains(word)
    }

    private static func isTerminator(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "." || scalar == "!" || scalar == "?" || scalar == "\u{2026}" || isFullWidthTerminator(scalar)
    }

    private static func isFullWidthTerminator(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\u{3002}" || scalar == "\u{FF01}" || scalar == "\u{FF1F}"
    }

    private static func isCloser(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\"" || scalar == "'" || scalar == ")" || scalar == "]" || scalar == "}" || scalar == "\u{201D}"
            || scalar == "\u{2019}" || scalar == "\u{BB}"
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

import Foundation
import TextAnalysis

/// Finds where a quoted piece of text sits in a passage, tolerating the small changes models make when they
/// quote (case, whitespace, typographic quotes and dashes); falls back to the passage sentence that shares the
/// most words with the quote.
public enum SpanLocator {
    /// A located span, in characters of the passage text.
    public struct Match: Sendable, Equatable {
        public var range: Range<Int>
        /// 1 for an exact or normalised match; the word overlap for a sentence fallback.
        public var confidence: Double
        /// Whether the quote itself was found (after normalising case, spaces, quotes and dashes), not a sentence
        /// that holds its words. A fallback can hold all of them ("prevents the server from using indexes" in
        /// "the server must be started with -P, which prevents it from using indexes") at confidence 1.
        public var isExact: Bool

        public init(range: Range<Int>, confidence: Double, isExact: Bool) {
            self.range = range
            self.confidence = confidence
            self.isExact = isExact
        }
    }

    /// Locates `quote` in `passage`.
    /// - Parameter minimumOverlap: the share of the quote's words a fallback sentence must contain.
    public static func locate(_ quote: String, in passage: String, minimumOverlap: Double = 0.6) -> Match? {
        let trimmed = quote.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: "\"'“”‘’")))
        guard trimmed.count >= 2 else { return nil }
        let text = Array(passage)
        let (normText, map) = normalize(text)
        let (normQuote, _) = normalize(Array(trimmed))
        if let at = find(normQuote, in: normText) {
            let start = map[at]
            let end = map[at + normQuote.count - 1] + 1
            return Match(range: start..<end, confidence: 1, isExact: true)
        }
        // Fallback: the sentence (or pair of adjacent sentences) covering most of the quote's words.
        let quoteWords = Set(words(String(normQuote)))
        guard quoteWords.count >= 3 else { return nil }
        var best: (Range<Int>, Double)? = nil
        let sentences = ExtractiveGenerator.sentences(in: passage)
        for (i, sentence) in sentences.enumerated() {
            for width in 1...2 where i + width <= sentences.count {
                let range = sentence.lowerBound..<sentences[i + width - 1].upperBound
                let sentenceWords = Set(words(String(normalize(Array(text[range])).0)))
                let overlap = Double(quoteWords.intersection(sentenceWords).count) / Double(quoteWords.count)
                // Prefer one sentence unless two cover clearly more.
                let adjusted = width == 1 ? overlap : overlap - 0.1
                if adjusted > (best?.1 ?? 0) { best = (range, adjusted) }
            }
        }
        guard let best, best.1 >= minimumOverlap else { return nil }
        return Match(range: best.0, confidence: best.1, isExact: false)
    }

    /// Lower-cased characters with whitespace runs collapsed and typographic quotes and dashes made plain, with
    /// the original index of each kept character.
    static func normalize(_ chars: [Character]) -> ([Character], [Int]) {
        var out: [Character] = []
        var map: [Int] = []
        out.reserveCapacity(chars.count)
        var lastWasSpace = true
        for (i, c) in chars.enumerated() {
            var ch = c
            switch c {
            case "“", "”", "„", "«", "»": ch = "\""
            case "‘", "’", "‚": ch = "'"
            case "–", "—", "‐", "−": ch = "-"
            default: break
            }
            if ch.isWhitespace {
                if lastWasSpace { continue }
                ch = " "
                lastWasSpace = true
            } else {
                lastWasSpace = false
            }
            for lower in ch.lowercased() {
                out.append(lower)
                map.append(i)
            }
        }
        while out.last == " " {
            out.removeLast()
            map.removeLast()
        }
        return (out, map)
    }

    static func find(_ needle: [Character], in haystack: [Character]) -> Int? {
        guard !needle.isEmpty, needle.count <= haystack.count else { return nil }
        let first = needle[0]
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first {
                var j = 1
                while j < needle.count && haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }

    /// Content words: the word tokenizer's keys without stopwords.
    static func words(_ text: String) -> [String] {
        WordTokenizer.keys(in: text).filter { !Lexicon.stopwords.contains($0) }
    }
}

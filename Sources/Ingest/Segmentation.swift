import TextAnalysis

/// Splitting spans of text into sentences, lines and words, on an array of Unicode scalars.
///
/// Every span returned is trimmed of whitespace and non-empty, and boundaries fall on whitespace only, so a
/// tokenizer that splits at whitespace counts a span's tokens as the sum of its parts.
enum Segmentation {
    /// Sentence spans, from the one sentence splitter (``SentenceSplitter``), trimmed and non-empty.
    static func sentences(_ scalars: [Unicode.Scalar], in range: Range<Int>) -> [Range<Int>] {
        SentenceSplitter.sentenceRanges(in: scalars, within: range)
    }

    /// Line spans (for code), blank lines dropped.
    static func lines(_ scalars: [Unicode.Scalar], in range: Range<Int>) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start = range.lowerBound
        for index in range where scalars[index] == "\n" {
            append(start..<index, to: &result, scalars)
            start = index + 1
        }
        append(start..<range.upperBound, to: &result, scalars)
        return result
    }

    /// Word spans: maximal runs of non-whitespace.
    static func words(_ scalars: [Unicode.Scalar], in range: Range<Int>) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start: Int?
        for index in range {
            if scalars[index].properties.isWhitespace {
                if let s = start { result.append(s..<index); start = nil }
            } else if start == nil {
                start = index
            }
        }
        if let s = start { result.append(s..<range.upperBound) }
        return result
    }

    /// Appends `range` trimmed of whitespace, unless nothing is left.
    private static func append(_ range: Range<Int>, to result: inout [Range<Int>], _ scalars: [Unicode.Scalar]) {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper && scalars[lower].properties.isWhitespace { lower += 1 }
        while upper > lower && scalars[upper - 1].properties.isWhitespace { upper -= 1 }
        if lower < upper { result.append(lower..<upper) }
    }
}

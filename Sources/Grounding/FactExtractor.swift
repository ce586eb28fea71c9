import TextAnalysis

/// Finds the numbers, dates, units and names of a text (``Fact``s) and tells whether a fact appears in a
/// range of a context.
public enum FactExtractor {
    /// The facts of the tokens in `tokenRange` of `text`.
    ///
    /// - Parameters:
    ///   - text: the analysed text (an answer or a claim of it).
    ///   - tokenRange: the tokens to read; default all.
    ///   - isFragment: whether the text is an answer fragment ("Denver Broncos") rather than a sentence: in a
    ///     sentence, a capitalised first word is a name only if the next word is capitalised too.
    /// - Returns: distinct facts in order of appearance.
    public static func facts(in text: AnalyzedText, tokenRange: Range<Int>? = nil, isFragment: Bool) -> [Fact] {
        let range = tokenRange ?? 0..<text.tokens.count
        let tokens = text.tokens
        var facts: [Fact] = []
        var seen = Set<Fact>()
        func add(_ fact: Fact) {
            if seen.insert(fact).inserted { facts.append(fact) }
        }
        let sentenceStarts = Set(text.sentences.map(\.tokenRange.lowerBound))
        for index in range {
            let token = tokens[index]
            let written = text.substring(token.range)
            switch token.kind {
            case .number:
                if token.isSpelledOut && token.key == "1" { continue }  // "one of the ..." is rarely a quantity
                let scale = index + 1 < range.upperBound ? scaleMultiplier(tokens[index + 1].key) : nil
                let magnitude = numericValue(token.key).map { $0 * (scale ?? 1) }
                let isYear = scale == nil && isYearKey(token.key)
                add(Fact(kind: isYear ? .date : .number, value: token.key, magnitude: magnitude, text: written))
                if index + 1 < range.upperBound, let unit = unitName(tokens[index + 1]) {
                    add(Fact(kind: .unit, value: unit, text: text.substring(tokens[index + 1].range)))
                }
            case .symbol:
                if let unit = unitName(token) {
                    add(Fact(kind: .unit, value: unit, text: written))
                }
            case .word:
                if Lexicon.months.contains(token.key) && (token.isCapitalized || isFragment) {
                    add(Fact(kind: .date, value: token.key, text: written))
                    continue
                }
                guard token.isCapitalized, !Lexicon.stopwords.contains(token.key), let stem = text.stems[index]
                else { continue }
                if !isFragment && sentenceStarts.contains(index) {
                    let nextIsName = index + 1 < range.upperBound && tokens[index + 1].isCapitalized
                        && tokens[index + 1].kind == .word
                    if !nextIsName { continue }
                }
                add(Fact(kind: .entity, value: stem, text: written))
            }
        }
        return facts
    }

    /// Whether `fact` appears among the tokens in `tokenRange` of `context`.
    ///
    /// Numbers match by key ("1,000" = "1000", "ten" = "10") or by magnitude ("3.5 million" = "3,500,000");
    /// units by canonical name ("%" = "percent"); names and months by stem, case-insensitively.
    public static func isPresent(_ fact: Fact, in context: AnalyzedText, tokenRange: Range<Int>) -> Bool {
        let tokens = context.tokens
        for index in tokenRange {
            let token = tokens[index]
            switch fact.kind {
            case .number, .date:
                guard token.kind == .number || token.key == fact.value else { continue }
                if token.key == fact.value {
                    // "3 million" is not "3": a scale word after the context's number must be in the fact too.
                    let scale = index + 1 < tokens.count ? scaleMultiplier(tokens[index + 1].key) : nil
                    if scale == nil || fact.magnitude == numericValue(token.key).map({ $0 * scale! }) {
                        return true
                    }
                }
                if let magnitude = fact.magnitude, let value = numericValue(token.key) {
                    let scale = index + 1 < tokens.count ? scaleMultiplier(tokens[index + 1].key) ?? 1 : 1
                    if abs(value * scale - magnitude) <= 1e-9 * max(1, magnitude) { return true }
                }
            case .unit:
                if unitName(token) == fact.value { return true }
            case .entity:
                if context.stems[index] == fact.value || token.key == fact.value { return true }
            }
        }
        return false
    }

    /// Whether a number key is a plausible year (1000–2099, written without separators).
    static func isYearKey(_ key: String) -> Bool {
        guard key.count == 4, let value = Int(key) else { return false }
        return value >= 1000 && value <= 2099
    }

    /// The value of a plain number key ("1000", "2.5"), or `nil` for "19th", "1990s".
    static func numericValue(_ key: String) -> Double? {
        Double(key)
    }

    static func scaleMultiplier(_ key: String) -> Double? {
        switch key {
        case "hundred": return 1e2
        case "thousand": return 1e3
        case "million": return 1e6
        case "billion": return 1e9
        case "trillion": return 1e12
        default: return nil
        }
    }

    static func unitName(_ token: WordToken) -> String? {
        guard token.kind != .number else { return nil }
        return Lexicon.units[token.key]
    }
}

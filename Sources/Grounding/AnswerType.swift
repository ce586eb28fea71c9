import TextAnalysis

/// The kind of answer a question asks for, read from its question words, and whether an answer is of it.
///
/// Deliberately coarse: it only rules out answers that cannot be right ("Who ...?" answered by a number,
/// "How many ...?" by a name), never picks between answers of the right kind.
public enum AnswerType: String, Sendable, Equatable {
    /// "How many", "how old", "what year", "what percentage", ...: a number or a quantity word.
    case quantity
    /// "When ...?": a number, a month or a time word ("after the war", "the 19th century").
    case time
    /// "Who", "whom", "whose", "where": something with a word in it, not a bare number or date.
    case named
    /// Anything ("what", "which", "why", "how").
    case any

    /// How the type reads in a reason ("a number").
    public var description: String {
        switch self {
        case .quantity: return "a number"
        case .time: return "a time"
        case .named: return "a name, not a bare number"
        case .any: return "anything"
        }
    }

    /// The type a question expects.
    public init(question: AnalyzedText) {
        let keys = question.tokens.map(\.key)
        for index in 0..<max(keys.count - 1, 0) {
            for phrase in Lexicon.quantityQuestionPhrases where keys[index] == phrase[0] && keys[index + 1] == phrase[1] {
                self = .quantity
                return
            }
        }
        switch keys.first(where: Lexicon.questionWords.contains) {
        case "when": self = .time
        case "who", "whom", "whose", "where": self = .named
        default: self = .any
        }
    }

    /// Whether `answer` can be of this type.
    public func admits(_ answer: AnalyzedText) -> Bool {
        let tokens = answer.tokens
        switch self {
        case .quantity:
            return tokens.contains { $0.isNumber || Lexicon.quantityWords.contains($0.key) }
        case .time:
            return tokens.contains {
                $0.isNumber || Lexicon.months.contains($0.key) || Lexicon.temporalWords.contains($0.key)
            }
        case .named:
            return tokens.contains {
                $0.kind == .word && !Lexicon.stopwords.contains($0.key) && !Lexicon.months.contains($0.key)
            }
        case .any:
            return true
        }
    }

    /// Whether a fragment answer is only a date: a year, a decade, a century or a month, with nothing but
    /// stopwords and time words around it ("1773", "the 1960s and 1970s", "between 2005 and 2010").
    public static func isDate(_ answer: AnalyzedText) -> Bool {
        var anchored = false
        for token in answer.tokens {
            let key = token.key
            if Lexicon.months.contains(key) || Lexicon.dateUnits.contains(key) || isYear(token) || isDecadeOrOrdinal(key) {
                anchored = true
            } else if !(Lexicon.stopwords.contains(key) || Lexicon.dateModifiers.contains(key) || token.isNumber) {
                return false
            }
        }
        return anchored
    }

    /// Whether a question can be answered by a date: it asks "when", for a number, or names a time ("in what
    /// year", "which period", "how long").
    public static func acceptsDate(_ question: AnalyzedText) -> Bool {
        let expected = AnswerType(question: question)
        if expected == .time || expected == .quantity { return true }
        let keys = question.tokens.map(\.key)
        if keys.contains(where: Lexicon.dateQuestionCues.contains) { return true }
        return zip(keys, keys.dropFirst()).contains { $0 == "how" && ($1 == "long" || $1 == "much" || $1 == "far") }
    }

    private static func isYear(_ token: WordToken) -> Bool {
        guard token.isNumber, token.key.count == 4, let value = Int(token.key) else { return false }
        return (1000...2099).contains(value)
    }

    /// "1960s", "90s", "19th" (an ordinal century or day).
    private static func isDecadeOrOrdinal(_ key: String) -> Bool {
        guard let first = key.first, first.isNumber else { return false }
        let digits = key.prefix { $0.isNumber }
        let suffix = key.dropFirst(digits.count)
        return (suffix == "s" && digits.count >= 2) || ["st", "nd", "rd", "th"].contains(String(suffix))
    }
}

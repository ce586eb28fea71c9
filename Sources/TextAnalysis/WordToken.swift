/// One word, number or symbol of a text, with its position and the form used for matching.
public struct WordToken: Sendable, Equatable {
    /// What a token is.
    public enum Kind: Sendable, Equatable {
        /// Letters (possibly with digits, as in `B-52`'s `b`), a number word ("ten") counts as a number.
        case word
        /// Digits, possibly with thousands separators or a decimal point, or a number word.
        case number
        /// A symbol that carries meaning: `%`, `$`, `€`, `£`, `°`.
        case symbol
    }

    /// The matching form: case- and diacritic-folded, thousands separators removed ("1,000" → "1000"),
    /// number words as digits ("ten" → "10", "nineteenth" → "19th"), `n't` as `not`.
    public let key: String
    /// Unicode-scalar offsets of the token in its text.
    public let range: Range<Int>
    /// Word, number or symbol.
    public let kind: Kind
    /// Whether the token, as written, starts with an upper-case letter.
    public let isCapitalized: Bool
    /// Whether the token was written as a word ("ten") rather than digits, for numbers.
    public let isSpelledOut: Bool

    /// Creates a token.
    public init(key: String, range: Range<Int>, kind: Kind, isCapitalized: Bool, isSpelledOut: Bool = false) {
        self.key = key
        self.range = range
        self.kind = kind
        self.isCapitalized = isCapitalized
        self.isSpelledOut = isSpelledOut
    }

    /// Whether the token is a number (digits or a number word).
    public var isNumber: Bool { kind == .number }
}

import TextAnalysis

/// A text prepared for the checks once: tokens, sentences, and the content-term stem of every token.
///
/// Contexts repeat across samples (several questions per passage), so ``SupportChecker`` caches these.
public struct AnalyzedText: Sendable {
    /// One sentence: its unicode-scalar range in the text and the range of its tokens in ``tokens``.
    public struct Sentence: Sendable, Equatable {
        /// Unicode-scalar offsets of the sentence in the text.
        public let range: Range<Int>
        /// Indices of the sentence's tokens in ``AnalyzedText/tokens``.
        public let tokenRange: Range<Int>
    }

    /// The text as given.
    public let text: String
    /// Its tokens in order.
    public let tokens: [WordToken]
    /// Its sentences in order; every token belongs to exactly one.
    public let sentences: [Sentence]
    /// For each token, its content-term stem, or `nil` for a function word or symbol.
    public let stems: [String?]
    /// For each token, the index of its sentence.
    public let sentenceOfToken: [Int]

    /// Tokenises, splits and stems `text`.
    public init(_ text: String) {
        self.text = text
        let tokens = WordTokenizer.tokens(in: text)
        self.tokens = tokens
        self.stems = tokens.map(Self.contentStem)
        var sentences: [Sentence] = []
        var sentenceOfToken = [Int](repeating: 0, count: tokens.count)
        var tokenIndex = 0
        for range in SentenceSplitter.sentenceRanges(in: text) {
            while tokenIndex < tokens.count, tokens[tokenIndex].range.lowerBound < range.lowerBound {
                // A token before the first sentence start (cannot happen for trimmed ranges): attach it to the
                // previous sentence, or the next one.
                sentenceOfToken[tokenIndex] = max(sentences.count - 1, 0)
                tokenIndex += 1
            }
            let first = tokenIndex
            while tokenIndex < tokens.count, tokens[tokenIndex].range.lowerBound < range.upperBound {
                sentenceOfToken[tokenIndex] = sentences.count
                tokenIndex += 1
            }
            sentences.append(Sentence(range: range, tokenRange: first..<tokenIndex))
        }
        while tokenIndex < tokens.count {
            sentenceOfToken[tokenIndex] = max(sentences.count - 1, 0)
            tokenIndex += 1
        }
        if sentences.isEmpty {
            sentences.append(Sentence(range: 0..<text.unicodeScalars.count, tokenRange: 0..<tokens.count))
        }
        self.sentences = sentences
        self.sentenceOfToken = sentenceOfToken
    }

    /// The text of sentence `index`.
    public func sentenceText(_ index: Int) -> String {
        substring(sentences[index].range)
    }

    /// The text between two unicode-scalar offsets.
    public func substring(_ range: Range<Int>) -> String {
        let scalars = text.unicodeScalars
        let lower = scalars.index(scalars.startIndex, offsetBy: range.lowerBound)
        let upper = scalars.index(lower, offsetBy: range.count)
        return String(scalars[lower..<upper])
    }

    /// The distinct content-term stems of the tokens in `tokenRange`.
    public func contentStems(in tokenRange: Range<Int>) -> Set<String> {
        var result = Set<String>()
        for index in tokenRange {
            if let stem = stems[index] { result.insert(stem) }
        }
        return result
    }

    /// The distinct content-term stems of the whole text.
    public var allContentStems: Set<String> { contentStems(in: 0..<tokens.count) }

    /// Whether the text has a single sentence of at most `words` tokens: an answer fragment, not prose.
    public func isFragment(maximumWords words: Int) -> Bool {
        tokens.count <= words && sentences.count <= 1
    }

    /// Content-term stem of a token: numbers keep their key; function words and symbols have none.
    static func contentStem(_ token: WordToken) -> String? {
        switch token.kind {
        case .number:
            return token.key
        case .symbol:
            return token.key == "%" ? "percent" : nil
        case .word:
            if Lexicon.stopwords.contains(token.key) { return nil }
            return Stemmer.stem(token.key)
        }
    }
}

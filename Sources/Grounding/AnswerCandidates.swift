import TextAnalysis

/// Where else in a context an answer could have come from: the rival locations the question-fit check
/// compares an answer with.
enum AnswerCandidates {
    /// Step between the rival locations of an answer that is neither a number nor a name.
    static let untypedStride = 3

    /// Locations in the context of the same type as a fragment answer, other than the answer's own: single
    /// number tokens for a numeric answer, runs of capitalised words for a name, and otherwise every
    /// ``untypedStride``-th token.
    static func rivals(of answer: AnalyzedText, in context: AnalyzedText, excluding answerLocations: [Range<Int>]) -> [Range<Int>] {
        let tokens = context.tokens
        var candidates: [Range<Int>] = []
        if answer.tokens.contains(where: \.isNumber) {
            candidates = tokens.indices.filter { tokens[$0].isNumber }.map { $0..<($0 + 1) }
        } else if answer.tokens.contains(where: isFactToken) {
            var index = 0
            while index < tokens.count {
                guard isFactToken(tokens[index]) else {
                    index += 1
                    continue
                }
                var end = index + 1
                while end < tokens.count, isFactToken(tokens[end]),
                      context.sentenceOfToken[end] == context.sentenceOfToken[index] {
                    end += 1
                }
                candidates.append(index..<end)
                index = end
            }
        } else {
            candidates = stride(from: 0, to: tokens.count, by: untypedStride).map { $0..<($0 + 1) }
        }
        return candidates.filter { candidate in !answerLocations.contains { candidate.overlaps($0) } }
    }

    /// A number or a capitalised word that is not a function word.
    static func isFactToken(_ token: WordToken) -> Bool {
        if token.isNumber { return !(token.isSpelledOut && token.key == "1") }
        return token.kind == .word && token.isCapitalized && !Lexicon.stopwords.contains(token.key)
    }
}

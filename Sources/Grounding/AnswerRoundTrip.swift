import TextAnalysis

/// Whether a reader's own answer to a question agrees with the sample's answer (round-trip answering).
///
/// Both are compared as bags of normalised words (``WordTokenizer`` keys, articles dropped, as SQuAD's
/// evaluation normalises). A short answer (a span) agrees by token F1, as SQuAD scores spans. A sentence
/// answer agrees when the reader's phrase lies inside it: the longest run of the phrase's words that the
/// sentence contains in order, as a share of the phrase. The score is the larger of the two, so a reader phrase that is the whole sentence, a part of it
/// or the same span all agree; a phrase from another sentence, or none, does not.
public enum AnswerRoundTrip {
    /// The agreement of `reader` with `answer`, in [0, 1]; 0 when the reader found no answer.
    public static func agreement(reader: String?, answer: String) -> Double {
        guard let reader else { return 0 }
        let readerWords = words(reader), answerWords = words(answer)
        let f1 = WordOverlap.f1(readerWords, answerWords)
        guard f1 > 0 else { return 0 }
        // Containment counts only for answers longer than the reader's phrase; a reader who says more than the
        // answer is held to F1.
        guard answerWords.count > readerWords.count else { return f1 }
        return max(f1, Double(WordOverlap.longestCommonRun(readerWords, answerWords)) / Double(readerWords.count))
    }

    /// SQuAD's token F1 between two phrases (normalised words, articles dropped), without containment: the
    /// agreement of two extracted field values, where a value that says more than the text's is not the same.
    public static func tokenF1(reader: String?, answer: String) -> Double {
        guard let reader else { return 0 }
        return WordOverlap.f1(words(reader), words(answer))
    }


    /// The normalised words of `text`: token keys without articles.
    static func words(_ text: String) -> [String] {
        WordTokenizer.keys(in: text).filter { !Lexicon.articles.contains($0) }
    }
}

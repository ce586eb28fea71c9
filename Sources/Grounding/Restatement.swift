import TextAnalysis

/// Whether a question restates its own answer: "What does PostgreSQL not support CHECK constraints that
/// reference ...?" for the sentence "PostgreSQL does not support CHECK constraints that reference ...". Such a
/// question holds its answer and tests nothing; the format check rejects it.
public enum Restatement {
    /// Fewest words a question may copy from its answer in one run before it counts as restating it.
    public static let minimumRun = 6
    /// Least share of the answer's words that run must cover. In 20 hand-reviewed samples the two questions
    /// that restated their answer copied 89% and 94% of it; the good ones copied at most 39%.
    public static let minimumShare = 0.6

    /// The longest run of words the question copies from the answer, in order.
    public static func copiedWords(question: String, answer: String) -> Int {
        WordOverlap.longestCommonRun(words(question), words(answer))
    }

    /// Whether the question copies at least ``minimumRun`` words and ``minimumShare`` of the answer in one run.
    public static func restates(question: String, answer: String) -> Bool {
        measure(question: question, answer: answer).restates
    }

    /// The copied run's length and whether it makes a restatement, from one comparison.
    public static func measure(question: String, answer: String) -> (copied: Int, restates: Bool) {
        let answerWords = words(answer)
        let copied = WordOverlap.longestCommonRun(words(question), answerWords)
        return (copied, copied >= minimumRun && Double(copied) >= minimumShare * Double(answerWords.count))
    }

    /// The word tokenizer's keys.
    static func words(_ text: String) -> [String] {
        WordTokenizer.keys(in: text)
    }

}

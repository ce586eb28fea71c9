import Foundation

/// How much of a question its answer speaks to: the share of the question's content terms (stems) that occur
/// in the answer. For answer-aware generation, where the answer is a quoted source sentence and the model wrote
/// only the question, this catches questions about something the sentence never mentions ("What is the
/// default value of X?" answered by a sentence without any default). Words that only shape a question
/// ("use", "explain", "purpose") and the dataset's background (its domain) do not count.
public enum QuestionCoverage {
    static let questionFrame: Set<String> = [
        "use", "used", "using", "mean", "means", "meaning", "explain", "explains", "describe", "describes",
        "purpose", "happen", "happens", "work", "works", "role", "specific", "example", "exist", "exists",
        "possible", "need", "needs", "want", "important", "main", "primary", "key", "difference", "different",
    ]

    /// ``questionFrame`` as stems, analysed once.
    static let questionFrameStems = AnalyzedText(questionFrame.sorted().joined(separator: " ")).allContentStems

    /// The share of the question's content terms found in `answer`, and those missing.
    public static func coverage(question: String, answer: String, background: String? = nil)
        -> (share: Double, missing: [String]) {
        let q = AnalyzedText(question)
        let frame = questionFrameStems.union(background.map { AnalyzedText($0).allContentStems } ?? [])
        let terms = q.allContentStems.subtracting(frame)
        guard !terms.isEmpty else { return (1, []) }
        let present = AnalyzedText(answer).allContentStems
        let missing = terms.subtracting(present).sorted()
        return (Double(terms.count - missing.count) / Double(terms.count), missing)
    }

    /// Whether `answer` can answer `question` as a how-to question needs: a "How do I ...?" question is answered
    /// by a command, an option or an action ("use", "run", "set", "by ..."), not by a remark that something
    /// can be done. Questions that are not how-to questions pass.
    public static func answersHow(question: String, answer: String) -> Bool {
        let q = question.lowercased()
        let howTo = q.range(of: #"^how (do|can|should|would|could|does|is|are) (i|you|we|one|a user|users|someone)\b|^how to\b"#,
                            options: .regularExpression) != nil
        guard howTo else { return true }
        let a = " " + answer.lowercased() + " "
        let cues = [" use ", " using ", " run ", " running ", " by ", " with the ", " command",
                    " set ", " setting ", " specify ", " option", " call ", " issue ", " type ", " write ", " add ",
                    " create ", " select ", " enter ", " install ", " configure ", " enable ", " through "]
        if cues.contains(where: a.contains) { return true }
        // A command or option in the answer: two upper-case words in a row ("CREATE INDEX"; a lone acronym such
        // as "BRIN" is a name, not a command), a flag ("-h"), or code ("work_mem", "f(x)", "a = b").
        let words = answer.split(whereSeparator: \.isWhitespace).map { $0.filter { $0.isLetter || $0 == "_" } }
        for (a, b) in zip(words, words.dropFirst()) where a.count >= 2 && b.count >= 2 {
            if a.allSatisfy({ $0.isUppercase || $0 == "_" }) && b.allSatisfy({ $0.isUppercase || $0 == "_" }) { return true }
        }
        return answer.split(whereSeparator: \.isWhitespace).contains { word in
            (word.hasPrefix("-") && word.count > 1 && word.dropFirst().first?.isLetter == true)
                || word.contains("_") || word.contains("(") || word == "="
        }
    }

    /// The check's name in verdicts and rejection counts.
    public static let name = "question_coverage"

    /// The coverage check on a sample whose answer is a quoted source sentence: passed when at least `minimum`
    /// of the question's terms are in it and a how-to question gets an answer that says how. With `gates`
    /// false a failure is only recorded (a passed result whose score is the share), for a sample the round-trip
    /// reader decides.
    public static func check(question: String, answer: String, background: String?, minimum: Double,
                             gates: Bool = true) -> CheckResult {
        let (share, missing) = coverage(question: question, answer: answer, background: background)
        let says = answersHow(question: question, answer: answer)
        let covered = share >= minimum && says
        var reason = !says ? "a how-to question, but the answer sentence names no command, option or action"
            : missing.isEmpty ? "the answer sentence covers the question's terms"
            : String(format: "the answer sentence covers %.0f%% of the question's terms; missing: ", share * 100)
                + missing.joined(separator: ", ")
        if !covered, !gates { reason += " (recorded, not a gate: the reader decides)" }
        return CheckResult(name: name, passed: covered || !gates, score: says ? share : 0, reason: reason,
                           features: ["share": share, "answers_how": says ? 1 : 0, "gate": gates ? 1 : 0])
    }
}

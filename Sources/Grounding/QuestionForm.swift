import Foundation

/// The form of a qa sample, checked before anything reads its sources: a real question that names its subject,
/// an answer within bounds that does not talk about "the passage", and a question that does not restate its
/// answer. One check, run by ``SupportChecker`` for `rag generate`, `rag filter` and `rag eval grounding`
/// alike, so that the three reach the same decision on the same line.
public enum QuestionForm {
    /// The check's name in verdicts and rejection counts.
    public static let name = "format"
    /// Fewest words in a question ("Who founded Debian?").
    public static let minimumQuestionWords = 3
    /// Most words in a question.
    public static let maximumQuestionWords = 60
    /// Longest answer, in characters.
    public static let maximumAnswerLength = 600

    /// Words a question may open with when it has no question mark (people often leave it out).
    static let openers: Set<String> = [
        "what", "which", "who", "whom", "whose", "where", "when", "why", "how", "is", "are", "was", "were", "do",
        "does", "did", "can", "could", "should", "would", "will", "has", "have", "had", "in", "on", "at", "to",
        "for", "by", "from", "name", "list",
    ]

    /// Openers that start a question only when a question word follows ("In which ...", "For how many ...").
    static let leadingPrepositions: Set<String> = ["in", "on", "at", "to", "for", "by", "from"]
    static let questionWords: Set<String> = ["what", "which", "who", "whom", "whose", "where", "when", "why", "how"]

    /// What is wrong with `question` as a question on its own (no question mark or question word, too short or
    /// too long, pointing at its text), or nil. Also the form check of classification texts that are questions.
    public static func questionProblem(_ question: String) -> String? {
        let q = question.trimmingCharacters(in: .whitespacesAndNewlines)
        let words = q.split(whereSeparator: \.isWhitespace)
        let first = words.first.map { $0.lowercased() }
        // "In which city ...?" asks; "In mathematics, 'prime' indicates ..." does not: a preposition opens a
        // question only with a question word right after it.
        let opens = first.map { openers.contains($0) && (!leadingPrepositions.contains($0)
            || words.dropFirst().prefix(3).contains { questionWords.contains($0.lowercased()) }) } == true
        let asks = q.hasSuffix("?") || opens
        return !asks ? "not a question: no '?' and no question word first"
            : words.count < minimumQuestionWords ? "question too short"
            : words.count > maximumQuestionWords ? "question too long"
            : pointsAtText(q) ? "question refers to the passage instead of naming its subject"
            : nil
    }

    /// The form check on one sample; its reason says what is wrong, or "ok".
    public static func check(question: String, answer: String) -> CheckResult {
        let q = question.trimmingCharacters(in: .whitespacesAndNewlines)
        let a = answer.trimmingCharacters(in: .whitespacesAndNewlines)
        let words = q.split(whereSeparator: \.isWhitespace)
        let answerTalksAboutText = ["the passage", "the context", "key statement", "the statement says", "the text states"]
            .contains { a.lowercased().contains($0) }
        let echoes = a.lowercased().trimmingCharacters(in: .punctuationCharacters)
            == q.lowercased().trimmingCharacters(in: .punctuationCharacters)
        // "What does PostgreSQL not support CHECK constraints that reference ...?" for the sentence "PostgreSQL
        // does not support CHECK constraints that reference ...": a question holding its answer tests nothing.
        let (copied, restates) = Restatement.measure(question: q, answer: a)
        let problem: String? =
            questionProblem(q) != nil ? questionProblem(q)
            : a.isEmpty ? "empty answer"
            : a.count > maximumAnswerLength ? "answer too long"
            : echoes ? "answer repeats the question"
            : restates ? "the question copies \(copied) words of its answer in a row; ask what the answer tells "
                + "in your own words instead of restating it"
            : answerTalksAboutText ? "answer talks about the passage instead of answering"
            : nil
        return CheckResult(name: name, passed: problem == nil, score: problem == nil ? 1 : 0, reason: problem ?? "ok",
                           features: ["question_words": Double(words.count), "copied_words": Double(copied)])
    }

    /// Whether a question points at the text it was written from ("the passage", "mentioned in the first
    /// sentence") instead of naming its subject: such a question means nothing to someone without the text.
    public static func pointsAtText(_ question: String) -> Bool {
        let q = question.lowercased()
        return ["passage", "the context", "the text above", "in the text", "term or concept", "is or means",
                "key statement", "the sentence", "this sentence", "the statement"].contains { q.contains($0) }
            || q.range(of: #"\b(first|second|third|last|previous|next|above|following) (sentence|paragraph)"#,
                       options: .regularExpression) != nil
    }

    /// Whether a text that is not a question (a user message, a review) talks about the source it was written
    /// from ("evidence from the passage"): no user writes that. Narrower than ``pointsAtText(_:)``, because "the
    /// statement" and "the sentence" are ordinary words in such texts ("the statement fails").
    public static func mentionsSourceText(_ text: String) -> Bool {
        let t = text.lowercased()
        return ["passage", "the context", "the text above", "key statement"].contains { t.contains($0) }
    }

    /// Span-first generation: the answer phrase was copied from the source (`span` is nil when it was not),
    /// and the question does not contain it, verbatim or reworded (a question holding its answer tests
    /// nothing). Two checks: `answer_span_located` and `question_contains_answer`.
    public static func spanFirstChecks(question: String, span: String?) -> [CheckResult] {
        guard let span else {
            return [CheckResult(name: "answer_span_located", passed: false, score: 0,
                                reason: "the answer phrase is not a phrase of the source passage")]
        }
        let spanWords = Restatement.words(span), questionWords = Restatement.words(question)
        // A "phrase" that is (nearly) the whole sentence is kept: the round trip then only asks that the
        // reader's phrase lie inside it, and the verifier's P(Yes) is always asked for an answer that long.
        let contained = !spanWords.isEmpty && questionWords.count >= spanWords.count
            && (0...(questionWords.count - spanWords.count)).contains {
                Array(questionWords[$0..<($0 + spanWords.count)]) == spanWords
            }
        // "What are the configuration scripts that dpkg runs?" for the phrase "configuration scripts run by
        // dpkg": reworded, the question still holds its answer. Content words compared without a plural "s".
        func content(_ words: [Substring]) -> Set<String> {
            Set(words.filter { $0.count >= 3 && !functionWords.contains(String($0)) }.map {
                $0.count > 3 && $0.hasSuffix("s") ? String($0.dropLast()) : String($0)
            })
        }
        // Identifiers stay whole here: "apparmor-profiles-extra" is not the words of "extra AppArmor profiles".
        func terms(_ text: String) -> [Substring] {
            text.lowercased().split { !($0.isLetter || $0.isNumber || "-_/".contains($0)) }
        }
        let spanContent = content(terms(span)), questionContent = content(terms(question))
        let share = spanContent.isEmpty ? 0 : Double(spanContent.intersection(questionContent).count) / Double(spanContent.count)
        // Two content words both in the question hold the answer too ("the Parliament's powers" in "What are
        // the key powers of the Parliament?"); one shared word does not.
        let mostly = (spanContent.count >= 3 && share >= 0.75) || (spanContent.count == 2 && share == 1)
        return [
            CheckResult(name: "answer_span_located", passed: true, score: 1, reason: "ok"),
            CheckResult(name: "question_contains_answer", passed: !contained && !mostly, score: contained ? 0 : 1 - share,
                        reason: contained ? "the question contains its answer phrase \"\(span)\""
                            : mostly ? String(format: "the question holds %.0f%% of the words of its answer phrase \"%@\"",
                                              share * 100, span)
                            : "ok"),
        ]
    }

    /// Words too common to show that a question holds its answer.
    static let functionWords: Set<String> = ["the", "and", "for", "with", "that", "this", "are", "was", "from",
                                             "into", "its", "than", "what", "which", "who", "how", "does", "can",
                                             "you", "use", "used", "between", "among"]
}

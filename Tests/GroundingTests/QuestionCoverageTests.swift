import Grounding
import Testing

@Suite struct QuestionCoverageTests {
    static let sentence = "All functions and operators used in an index definition must be immutable, that is, their results must depend only on their arguments."

    @Test func aQuestionAboutWhatTheSentenceSaysIsCovered() {
        let (share, missing) = QuestionCoverage.coverage(
            question: "What must be true of the functions used in an index definition?", answer: Self.sentence)
        #expect(share >= 0.75, "\(missing)")
    }

    @Test func aQuestionAboutSomethingTheSentenceNeverMentionsIsNot() {
        let (share, missing) = QuestionCoverage.coverage(
            question: "What is the default value of a function in an index definition?", answer: Self.sentence)
        #expect(share < 0.75)
        #expect(missing.contains { $0.hasPrefix("default") })
    }

    @Test func theDomainDoesNotCountAsMissing() {
        let question = "Must functions in a PostgreSQL index definition be immutable?"
        let without = QuestionCoverage.coverage(question: question, answer: Self.sentence)
        let with = QuestionCoverage.coverage(question: question, answer: Self.sentence, background: "PostgreSQL 15 manual")
        #expect(with.share > without.share && with.share == 1)
    }
}

@Suite struct HowToAnswerTests {
    @Test func howToQuestionsNeedAnAnswerThatSaysHow() {
        #expect(QuestionCoverage.answersHow(
            question: "How do I specify which database server pg_dump should contact?",
            answer: "To specify which database server pg_dump should contact, use the command line options -h host and -p port."))
        #expect(QuestionCoverage.answersHow(
            question: "How do you set up a transaction in PostgreSQL?",
            answer: "In PostgreSQL, a transaction is set up by surrounding the SQL commands of the transaction with BEGIN and COMMIT commands."))
        #expect(!QuestionCoverage.answersHow(
            question: "How do you typically reclaim space from a PostgreSQL table?",
            answer: "Usually this should only be used when a significant amount of space needs to be reclaimed from within the table."))
        #expect(!QuestionCoverage.answersHow(
            question: "How do you create a multicolumn BRIN index in PostgreSQL?",
            answer: "A multicolumn BRIN index can be used with query conditions that involve any subset of the index's columns."))
        #expect(QuestionCoverage.answersHow(
            question: "How do I remove a table?", answer: "Tables are removed with DROP TABLE products."))
        #expect(QuestionCoverage.answersHow(question: "What does a window function do?", answer: "It computes."))
    }
}

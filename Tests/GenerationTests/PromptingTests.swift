import Dataset
import Foundation
import Generation
import Grounding
import Testing
import LanguageModels

@Suite struct PromptingTests {
    /// A paragraph of the shipped corpus (ddl-default.html), as extracted.
    static let paragraph = """
        A column can be assigned a default value. When a new row is created and no values are specified for some \
        of the columns, those columns will be filled with their respective default values. It is also possible \
        to see Chapter 6 for details. If no default value is declared explicitly, the default value is the null \
        value. This usually makes sense because a null value can be considered to represent unknown data.
        """

    @Test func spanFirstAnswersAreAnchoredToTheSentenceThatHoldsTheirPhrase() throws {
        let characters = Array(Self.paragraph)
        let first = 0..<(characters.firstIndex(of: ".")! + 1)
        let same = GenerationPipeline.anchor("a default value", focus: first, in: Self.paragraph)
        #expect(same?.0 == first && same?.1 == "a default value")
        // The model took its phrase from another sentence: that sentence becomes the answer.
        let other = try #require(GenerationPipeline.anchor("the null value", focus: first, in: Self.paragraph)?.0)
        let sentence = String(characters[other])
        #expect(sentence.hasPrefix("If no default value is declared"), "\(sentence)")
        #expect(GenerationPipeline.anchor("a primary key", focus: first, in: Self.paragraph) == nil)
        // A list item is not a sentence that stands alone (from a hand-read run on the Debian handbook).
        let list = "The package provides the following services for the administrator of the machine. "
            + "network services: configuration of the xinetd super-server;"
        let listFocus = 0..<(Array(list).firstIndex(of: ".")! + 1)
        #expect(GenerationPipeline.anchor("network services", focus: listFocus, in: list) == nil)

        let passed = QuestionForm.spanFirstChecks(
            question: "What is a column's default when none is declared?", span: "the null value")
        #expect(passed.allSatisfy { $0.passed })
        let leaked = QuestionForm.spanFirstChecks(
            question: "Is the null value the default of a column?", span: "the null value")
        #expect(leaked.first { !$0.passed }?.name == "question_contains_answer")
        // Reworded, the question still holds its phrase (from a real run); an identifier built of the
        // question's words does not count.
        let reworded = QuestionForm.spanFirstChecks(
            question: "What are the configuration scripts that dpkg runs?", span: "configuration scripts run by dpkg")
        #expect(reworded.first { !$0.passed }?.name == "question_contains_answer")
        // Two content words, one of them possessive (stop 29's TREC run), are held just the same.
        let possessive = QuestionForm.spanFirstChecks(
            question: "What are the key powers of the Parliament?", span: "the Parliament's powers")
        #expect(possessive.first { !$0.passed }?.name == "question_contains_answer")
        let package = QuestionForm.spanFirstChecks(
            question: "What package contains extra AppArmor profiles?", span: "apparmor-profiles-extra")
        #expect(package.allSatisfy { $0.passed })
        // The whole sentence as its own phrase passes here; the verifier then reads it with P(Yes).
        let whole = QuestionForm.spanFirstChecks(question: "What happens?", span: sentence)
        #expect(whole.allSatisfy { $0.passed })
        #expect(QuestionForm.spanFirstChecks(question: "What?", span: nil).first?.passed == false)
    }

    /// One writer call drafts a question for each of several statements: the prompt numbers them and the
    /// schema asks for exactly that many items.
    @Test func batchedDraftsNumberTheirSentencesAndBoundTheList() throws {
        let task = try TaskDefinition.parse("domain: databases\nkind: qa\ncount: 2\nqa: {types: {factoid: 1.0}}\n")
        let characters = Array(Self.paragraph)
        let first = 0..<(characters.firstIndex(of: ".")! + 1)
        let candidates = [first] + FocusSelection.candidates(in: Self.paragraph, for: .factoid).filter { $0 != first }
        try #require(candidates.count >= 2)
        var slot = SampleSlot(index: 0, target: "factoid",
                              context: [SourcePassage(chunkID: 1, document: "ddl-default.html", text: Self.paragraph, start: 0)],
                              focus: candidates[0])
        slot.drafts = Array(candidates.prefix(2))
        let prompt = PromptBuilder(task: task).messages(for: slot).last!.content
        #expect(prompt.contains("1. \"\(slot.text(of: candidates[0])!)\""))
        #expect(prompt.contains("2. \"\(slot.text(of: candidates[1])!)\""))
        #expect(prompt.contains("(2 items)"))
        let schema = PromptBuilder(task: task).schema(for: slot)
        #expect(schema["properties"]?["drafts"]?["minItems"] == .number(2))
        #expect(schema["properties"]?["drafts"]?["maxItems"] == .number(2))
        slot.drafts = []
        #expect(PromptBuilder(task: task).schema(for: slot)["properties"]?["answer_span"] != nil)
    }

    /// The reader's confidence that it can answer is read at the first token of its answer's value, wherever
    /// the tokenizer put the opening quote.
    @Test func alternativesAtTheStartOfAJSONValue() {
        func completion(_ tokens: [String]) -> Completion {
            Completion(text: tokens.joined(), model: "m", promptTokens: 0, completionTokens: tokens.count,
                       tokenAlternatives: tokens.indices.map { [TokenLogprob(token: "t\($0)", logprob: -1)] },
                       tokens: tokens)
        }
        #expect(completion(["{\"", "answer", "\":", " \"", "un", "answer", "able", "\"}"])
            .alternatives(atValueOf: "answer")?.first?.token == "t4")
        #expect(completion(["{", "\"answer\": \"Un", "ited", "\"}"]).alternatives(atValueOf: "answer")?.first?.token == "t1")
        #expect(completion(["{\"", "other", "\":", " \"", "x", "\"}"]).alternatives(atValueOf: "answer") == nil)
        #expect(Completion(text: "{}", model: "m", promptTokens: 0, completionTokens: 1).alternatives(atValueOf: "answer") == nil)
    }

    @Test func focusStatementsAreCompleteSentencesThatStandAlone() throws {
        let characters = Array(Self.paragraph)
        for type in [TaskDefinition.QuestionType.factoid, .definition, .procedural] {
            let candidates = FocusSelection.candidates(in: Self.paragraph, for: type)
            #expect(!candidates.isEmpty)
            for range in candidates {
                let sentence = String(characters[range])
                #expect(sentence.first?.isUppercase == true && sentence.hasSuffix("."), "\(sentence)")
                #expect(!sentence.hasPrefix("It ") && !sentence.hasPrefix("This "), "\(sentence)")
                #expect(!sentence.contains("Chapter 6"), "\(sentence)")
            }
        }
        // A fact with "default" ranks first for factoid questions.
        let best = try #require(FocusSelection.candidates(in: Self.paragraph, for: .factoid).first)
        #expect(String(characters[best]).contains("default"))
    }

    /// Questions from a real run (reviewed by hand): the two that restate their answer are caught, the good
    /// ones that share a phrase with it are not.
    @Test func questionsThatRestateTheirAnswerAreCaught() {
        let answer = "PostgreSQL does not support CHECK constraints that reference table data other than the new or "
            + "updated row being checked."
        #expect(Restatement.restates(question: "What does PostgreSQL not support CHECK constraints that reference "
            + "table data other than the new or updated row being checked?", answer: answer))
        #expect(Restatement.copiedWords(question: "Which CHECK constraints does PostgreSQL not support?", answer: answer) == 2)
        #expect(!Restatement.restates(question: "Which CHECK constraints does PostgreSQL not support?", answer: answer))
        // Seven words in a row, but under 60% of a longer answer.
        let pgDump = "The -h host option of pg_dump, or the PGHOST environment variable, specifies which database "
            + "server pg_dump should contact."
        #expect(!Restatement.restates(question: "How do I specify which database server pg_dump should contact?",
                                      answer: pgDump))
    }

    /// From hand-read runs: questions that point at their text are caught, ones that name their subject are not.
    @Test func questionsThatPointAtTheirTextAreCaught() {
        #expect(QuestionForm.pointsAtText("What is the name of the community-based distribution mentioned in the first sentence?"))
        #expect(QuestionForm.pointsAtText("What does the passage say about dpkg?"))
        #expect(!QuestionForm.pointsAtText("What is the name of the more recent fork of Aptosid?"))
        #expect(!QuestionForm.pointsAtText("What is the first step in building a Debian package?"))
    }

    @Test func refinementFeedbackIsPlainAndCarriesNoScores() {
        let failed = [
            CheckOutcome(name: "unsupported_claims", passed: false, score: 0.06,
                         reason: "claims: the answer: number \"0\" not in the context [span 0.22, claims 0.06]"),
            CheckOutcome(name: "format", passed: false, score: 0, reason: "question does not end with '?'"),
        ]
        let text = PromptBuilder.feedback(for: failed)
        #expect(!text.contains { $0.isNumber }, "\(text)")
        #expect(text.contains("do not say") && text.contains("does not end with '?'"))
    }

    @Test func closedBookTokenF1FollowsSQuAD() {
        #expect(ClosedBookCheck.tokenF1("The default is btree.", "btree is the default") == 1)
        #expect(ClosedBookCheck.tokenF1("I don't know", "btree") == 0)
        // "the" is dropped: 2 common of 3 predicted and 2 reference tokens: precision 2/3, recall 1, F1 0.8.
        #expect(abs(ClosedBookCheck.tokenF1("the btree index method", "btree method") - 0.8) < 1e-12)
    }
}

@Suite struct FocusReferenceTests {
    @Test func sentencesThatPointElsewhereAreNotFocusStatements() {
        for sentence in [
            "While a CHECK constraint that violates this rule may appear to work in simple tests, it cannot guarantee anything at all.",
            "The SERIAL shorthand is discussed further in Section 8.1.4 of the manual for all readers.",
            "Specifies whether for a unique index, null values should be considered distinct from each other.",
        ] {
            #expect(FocusSelection.candidates(in: sentence, for: .factoid).isEmpty, "\(sentence)")
        }
        #expect(!FocusSelection.candidates(
            in: "A primary key constraint indicates that a column can be used as a unique identifier for rows.",
            for: .definition).isEmpty)
    }
}

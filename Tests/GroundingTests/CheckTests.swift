import Testing
import Grounding

/// Each check on hand-written, real-looking examples, in both directions (hashing embedder: fast, no model).
@Suite struct CheckTests {
    func verdict(_ question: String, _ answer: String, _ context: String = Fixtures.panthers,
                 style: SupportChecker.AnswerStyle = .automatic) async throws -> Verdict {
        let checker = try Fixtures.hashingChecker { $0.answerStyle = style }
        return try await checker.verdict(question: question, answer: answer, context: [context])
    }

    @Test func spanCheckAcceptsANormalisedSpanAndLocatesIt() async throws {
        let result = try await verdict("Who led the team in sacks?", "kawann  SHORT")
        let span = try #require(result.check(named: "span"))
        #expect(span.passed && span.score == 1)
        let location = try #require(result.supportingSpans.first)
        let scalars = Array(Fixtures.panthers.unicodeScalars)
        #expect(String(String.UnicodeScalarView(scalars[location.start..<location.end])) == "Kawann Short")
    }

    @Test func spanCheckRejectsAnAnswerThatIsNotInTheContext() async throws {
        let result = try await verdict("Who led the team in sacks?", "Von Miller")
        let span = try #require(result.check(named: "span"))
        #expect(!span.passed && span.score == 0)
        #expect(!result.isSupported)
        #expect(result.rejectionReason?.hasPrefix("span: answer is not a span") == true)
    }

    @Test func freeFormAnswersAreNotHeldToBeingSpans() async throws {
        let result = try await verdict("How many sacks did Kawann Short have?",
                                       "Kawann Short had 11 sacks and forced three fumbles.", style: .automatic)
        #expect(try #require(result.check(named: "span")).passed)
        let claims = try #require(result.check(named: "claims"))
        #expect(claims.passed, "\(claims.reason)")
        #expect(result.isSupported, "\(result.checks)")
    }

    @Test func claimCheckFlagsAChangedNumber() async throws {
        let result = try await verdict("How many sacks did Kawann Short have?",
                                       "Kawann Short had 12 sacks and forced three fumbles.")
        let claims = try #require(result.check(named: "claims"))
        #expect(!claims.passed)
        #expect(claims.reason.contains("number \"12\" not in the context"), "\(claims.reason)")
        #expect(!result.isSupported)
    }

    @Test func claimCheckFlagsNegation() async throws {
        let result = try await verdict("Who led the team in sacks?",
                                       "Pro Bowl defensive tackle Kawann Short did not lead the team in sacks.")
        let claims = try #require(result.check(named: "claims"))
        #expect(!claims.passed)
        #expect(claims.reason.contains("negation"), "\(claims.reason)")
        #expect(!result.isSupported)
    }

    @Test func questionFitRejectsAnAnswerFromTheWrongSentence() async throws {
        // 136 is in the context, but it is Jared Allen's career sacks, not the points the defense gave up.
        let wrong = try await verdict("How many points did the Panthers defense surrender?", "136")
        let fit = try #require(wrong.check(named: "question_fit"))
        #expect(try #require(wrong.check(named: "span")).passed)
        #expect(!fit.passed, "\(fit.reason)")
        #expect(!wrong.isSupported)
        let right = try await verdict("How many points did the Panthers defense surrender?", "308")
        #expect(try #require(right.check(named: "question_fit")).passed)
        #expect(right.isSupported, "\(right.checks)")
    }

    @Test func questionFitPrefersTheNameNearTheQuestionsWords() async throws {
        let question = "Who led the team with a career high seven interceptions?"
        let right = try await verdict(question, "Kurt Coleman")
        let wrong = try await verdict(question, "Josh Norman")
        let rightFit = try #require(right.check(named: "question_fit"))
        let wrongFit = try #require(wrong.check(named: "question_fit"))
        #expect(rightFit.score > wrongFit.score)
        #expect(right.isSupported)
    }

    @Test func questionFitWantsANumberForAQuantityQuestion() async throws {
        let result = try await verdict("How many tackles did Kurt Coleman rack up?", "Kurt Coleman")
        let fit = try #require(result.check(named: "question_fit"))
        #expect(fit.features["type_mismatch"] == 1)
        #expect(fit.reason.hasPrefix("the question asks for a number"))
        #expect(!fit.passed)
    }

    /// A bare date answers only a question about time: the same span passes for "In what year" and "When" and
    /// fails for a question that asks where.
    @Test func aDateAnswersOnlyAQuestionAboutTime() async throws {
        for question in ["In what year did Tesla move to the United States?", "When did Tesla move to the United States?"] {
            let result = try await verdict(question, "In 1884", Fixtures.tesla)
            #expect(result.check(named: "question_fit")?.features["type_mismatch"] == 0, "\(question)")
        }
        let result = try await verdict("Where did Tesla become a naturalized citizen?", "In 1884", Fixtures.tesla)
        let fit = try #require(result.check(named: "question_fit"))
        #expect(fit.features["type_mismatch"] == 1)
        #expect(fit.reason.hasPrefix("the answer is a date but the question does not ask about a time"))
        #expect(!result.isSupported)
        #expect(AnswerType.isDate(AnalyzedText("the 1960s and 1970s")) && AnswerType.isDate(AnalyzedText("March 1891")))
        #expect(!AnswerType.isDate(AnalyzedText("1884 votes")) && !AnswerType.isDate(AnalyzedText("24")))
    }

    @Test func multiplePassagesReportThePassageOfTheSpan() async throws {
        let checker = try Fixtures.hashingChecker()
        let result = try await checker.verdict(question: "Who hired Tesla for one year to be a consultant?",
                                               answer: "George Westinghouse",
                                               context: [Fixtures.panthers, Fixtures.tesla])
        #expect(result.isSupported, "\(result.checks)")
        #expect(result.supportingSpans.first?.passage == 1)
    }
}

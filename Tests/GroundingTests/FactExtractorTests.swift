import Testing
import Grounding

@Suite struct FactExtractorTests {
    @Test func findsNumbersDatesUnitsAndNames() {
        let claim = AnalyzedText("In July 1856 Nikola Tesla walked 12 km, about 40% of the way, with ten friends.")
        let facts = FactExtractor.facts(in: claim, isFragment: false)
        #expect(facts.map(\.kind) == [.date, .date, .entity, .entity, .number, .unit, .number, .unit, .number])
        #expect(facts.map(\.value) == ["july", "1856", "nikola", "tesla", "12", "km", "40", "percent", "10"])
    }

    @Test func sentenceInitialCommonWordIsNotAName() {
        let facts = FactExtractor.facts(in: AnalyzedText("Carolina won. Despite injuries Denver won."), isFragment: false)
        #expect(facts.map(\.value) == ["denver"])
        let fragment = FactExtractor.facts(in: AnalyzedText("Denver Broncos"), isFragment: true)
        #expect(fragment.map(\.value) == ["denver", "bronco"])
    }

    @Test func presenceIgnoresFormattingButNotValue() {
        let context = AnalyzedText("The city had 3,500,000 inhabitants and ten parks; 17,786,419 lived in the area.")
        let all = 0..<context.tokens.count
        func present(_ answer: String) -> Bool {
            let facts = FactExtractor.facts(in: AnalyzedText(answer), isFragment: true)
            return facts.allSatisfy { FactExtractor.isPresent($0, in: context, tokenRange: all) }
        }
        #expect(present("3.5 million"))
        #expect(present("3500000"))
        #expect(present("10 parks"))
        #expect(present("17786419"))
        #expect(!present("3 million"))
        #expect(!present("11 parks"))
        #expect(!present("17,786,418"))
    }

    @Test func scaleWordsInTheContextChangeTheQuantity() {
        let context = AnalyzedText("About 3 million people live there.")
        let fact = FactExtractor.facts(in: AnalyzedText("3"), isFragment: true)[0]
        #expect(!FactExtractor.isPresent(fact, in: context, tokenRange: 0..<context.tokens.count))
    }
}

@Suite struct NegationDetectorTests {
    @Test func countsCuesIncludingContractions() {
        #expect(NegationDetector.isNegated(AnalyzedText("Tesla didn't move to Paris.")))
        #expect(NegationDetector.isNegated(AnalyzedText("He never worked for Edison.")))
        #expect(!NegationDetector.isNegated(AnalyzedText("He worked for Edison.")))
        #expect(!NegationDetector.isNegated(AnalyzedText("It is not without merit.")))
    }
}

@Suite struct SpanMatcherTests {
    @Test func matchesAfterNormalisation() {
        let context = AnalyzedText("The “design–build” contract cost 1,000 dollars in the Sonia Shankman Orthogenic School.")
        for answer in ["\"design-build\" contract", "1000 DOLLARS", "Sonia Shankman Orthogenic School.",
                       "the Sonia  Shankman orthogenic school", "design build"] {
            #expect(!SpanMatcher.occurrences(of: AnalyzedText(answer), in: context).isEmpty, "\(answer)")
        }
        for answer in ["1001 dollars", "Shankman Sonia", "design-built"] {
            #expect(SpanMatcher.occurrences(of: AnalyzedText(answer), in: context).isEmpty, "\(answer)")
        }
    }

    @Test func reportsEveryOccurrenceAndTheLongestRun() {
        let context = AnalyzedText("Denver beat Carolina. Denver won.")
        #expect(SpanMatcher.occurrences(of: AnalyzedText("Denver"), in: context) == [0..<1, 3..<4])
        #expect(SpanMatcher.longestCommonRunFraction(of: AnalyzedText("Denver beat Seattle"), in: context) == 2.0 / 3.0)
    }
}

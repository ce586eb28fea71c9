import TextAnalysis
import Testing
import Grounding

@Suite struct WordTokenizerTests {
    @Test func numbersLoseThousandsSeparatorsAndWordsBecomeDigits() {
        let keys = WordTokenizer.tokens(in: "It cost $1,000 or 1000.0 dollars, ten times the 19th-century price.").map(\.key)
        #expect(keys == ["it", "cost", "$", "1000", "or", "1000", "dollars", "10", "times", "the", "19th", "century", "price"])
    }

    @Test func caseDiacriticsQuotesAndContractionsAreNormalised() {
        let tokens = WordTokenizer.tokens(in: "Pokémon’s rival didn’t win “CAN’T STOP”")
        #expect(tokens.map(\.key) == ["pokemon", "rival", "did", "not", "win", "can", "not", "stop"])
        #expect(tokens[0].isCapitalized)
        #expect(!tokens[1].isCapitalized)
    }

    @Test func offsetsAreUnicodeScalarPositionsInTheOriginal() {
        let text = "Tesla (Никола) 1856–1943"
        let tokens = WordTokenizer.tokens(in: text)
        let scalars = Array(text.unicodeScalars)
        let pieces = tokens.map { String(String.UnicodeScalarView(scalars[$0.range])) }
        #expect(pieces == ["Tesla", "Никола", "1856", "1943"])
        #expect(tokens[2].isNumber && tokens[3].isNumber)
    }

    @Test func spelledOutNumbersAreMarked() {
        let tokens = WordTokenizer.tokens(in: "seven interceptions and 7 sacks")
        #expect(tokens[0].key == "7" && tokens[0].isSpelledOut)
        #expect(tokens[3].key == "7" && !tokens[3].isSpelledOut)
    }
}

@Suite struct SentenceSplitterTests {
    @Test func splitsAtTerminatorsButNotAfterAbbreviationsOrInitials() {
        let text = "James O. McKinsey founded it in 1926. Dr. Smith joined in the U.S. Army! Was it \"big\"? Yes."
        let analysed = AnalyzedText(text)
        #expect((0..<analysed.sentences.count).map(analysed.sentenceText) == [
            "James O. McKinsey founded it in 1926.", "Dr. Smith joined in the U.S. Army!", "Was it \"big\"?", "Yes.",
        ])
    }

    @Test func everyTokenBelongsToItsSentence() {
        let analysed = AnalyzedText(Fixtures.panthers)
        #expect(analysed.sentences.count == 5)
        for (index, sentence) in analysed.sentences.enumerated() {
            for token in sentence.tokenRange {
                #expect(analysed.sentenceOfToken[token] == index)
                #expect(sentence.range.contains(analysed.tokens[token].range.lowerBound))
            }
        }
    }
}

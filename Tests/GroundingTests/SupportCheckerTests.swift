import Testing
import Grounding

/// Judge band, round-trip seam and configuration checks.
@Suite struct SupportCheckerTests {
    struct FixedJudge: SupportJudge {
        var answer: Bool
        func judge(question: String, answer: String, context: [String]) async throws -> Bool { self.answer }
    }

    struct FailingJudge: SupportJudge {
        struct Down: Error {}
        func judge(question: String, answer: String, context: [String]) async throws -> Bool { throw Down() }
    }

    /// An in-memory retriever: the source chunk is found at a fixed rank, or not at all.
    struct FixedRankRetriever: PassageRetriever {
        var rank: Int?
        func rank(of chunkID: String, for question: String, depth: Int) async throws -> Int? {
            rank.flatMap { $0 <= depth ? $0 : nil }
        }
    }

    let sample = GroundingSample(question: "How many points did the Panthers defense surrender?", answer: "308",
                                 passages: [Fixtures.panthers], sourceChunkID: "chunk-7")

    @Test func judgeDecidesOnlyInsideTheBand() async throws {
        var configuration = SupportChecker.Configuration()
        configuration.judgeBand = JudgeBand(lower: 0, upper: 1.01)
        let asked = try SupportChecker(embedder: Fixtures.hashing, configuration: configuration,
                                       judge: FixedJudge(answer: false))
        let judged = try await asked.verdict(for: sample)
        #expect(judged.decidedBy == .judge && !judged.isSupported)
        #expect(judged.check(named: "judge")?.passed == false)

        configuration.judgeBand = JudgeBand(lower: 0, upper: 0.01)
        let notAsked = try SupportChecker(embedder: Fixtures.hashing, configuration: configuration,
                                          judge: FixedJudge(answer: false))
        let checked = try await notAsked.verdict(for: sample)
        #expect(checked.decidedBy == .checks && checked.isSupported)
        #expect(checked.check(named: "judge") == nil)
    }

    @Test func aFailingJudgeLeavesTheChecksDecision() async throws {
        var configuration = SupportChecker.Configuration()
        configuration.judgeBand = JudgeBand(lower: 0, upper: 1.01)
        let checker = try SupportChecker(embedder: Fixtures.hashing, configuration: configuration, judge: FailingJudge())
        let result = try await checker.verdict(for: sample)
        #expect(result.decidedBy == .checks && result.isSupported)
        #expect(result.check(named: "judge")?.reason.contains("judge failed") == true)
    }

    @Test func roundTripScoresByRank() async throws {
        let found = try SupportChecker(embedder: Fixtures.hashing, retriever: FixedRankRetriever(rank: 1))
        let first = try await found.verdict(for: sample)
        #expect(first.check(named: "round_trip")?.score == 1)
        #expect(first.isSupported)
        let missing = try SupportChecker(embedder: Fixtures.hashing, retriever: FixedRankRetriever(rank: 30))
        let lost = try await missing.verdict(for: sample)
        #expect(lost.check(named: "round_trip")?.passed == false)
        #expect(!lost.isSupported && lost.score == 0)
        var unsourced = sample
        unsourced.sourceChunkID = nil
        #expect(try await missing.verdict(for: unsourced).check(named: "round_trip") == nil)
    }

    @Test func invalidConfigurationIsRejected() {
        var configuration = SupportChecker.Configuration()
        configuration.threshold = 1.5
        #expect(throws: GroundingError.invalidConfiguration(name: "threshold", reason: "must be in [0, 1], got 1.5")) {
            try SupportChecker(embedder: Fixtures.hashing, configuration: configuration)
        }
    }
}

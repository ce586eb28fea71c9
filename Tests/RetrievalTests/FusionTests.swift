import Testing
import Retrieval

@Suite struct FusionTests {
    @Test func reciprocalRankFusionRewardsAgreement() {
        let fused = ReciprocalRankFusion.fuse([["a", "b", "c"], ["c", "a", "d"]], k: 60)
        #expect(fused.map(\.id) == ["a", "c", "b", "d"])
        #expect(abs(fused[0].score - (1.0 / 61 + 1.0 / 62)) < 1e-12)
        #expect(ReciprocalRankFusion.fuse([[String]]()).isEmpty)
    }

    @Test func mmrDemotesNearDuplicates() {
        let query: [Float] = [1, 0, 0]
        let candidates: [[Float]] = [[0.99, 0.141, 0], [0.99, 0.141, 0], [0.8, 0, 0.6]]
        let relevanceOnly = MaximalMarginalRelevance.select(query: query, candidates: candidates, k: 3, lambda: 1)
        #expect(relevanceOnly.map(\.index) == [0, 1, 2])
        let diverse = MaximalMarginalRelevance.select(query: query, candidates: candidates, k: 2, lambda: 0.5)
        #expect(diverse.map(\.index) == [0, 2])
    }
}

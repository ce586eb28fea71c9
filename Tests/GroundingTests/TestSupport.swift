import Embeddings
import Foundation
import Grounding

/// Shared fixtures: the MiniLM embedder (loaded once per process) and the committed development sets.
enum Fixtures {
    /// One shared MiniLM embedder; tests that use it fail (never skip) when the model is not installed.
    static let miniLM: Result<BERTEmbedder, any Error> = Result { try BERTEmbedder(locating: nil) }

    /// A fast deterministic embedder for the unit tests of single checks.
    static let hashing = HashingEmbedder(dimension: 384)

    /// `Benchmarks/grounding/` of this checkout (this file is in Tests/GroundingTests/).
    static var benchmarkDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Benchmarks/grounding")
    }

    /// A checker over the hashing embedder.
    static func hashingChecker(_ configure: (inout SupportChecker.Configuration) -> Void = { _ in }) throws -> SupportChecker {
        var configuration = SupportChecker.Configuration()
        configure(&configuration)
        return try SupportChecker(embedder: hashing, configuration: configuration)
    }

    /// A paragraph of XQuAD (Super Bowl 50, CC BY-SA 4.0), used by the hand-written examples.
    static let panthers = """
        The Panthers defense gave up just 308 points, ranking sixth in the league, while also leading the NFL in \
        interceptions with 24 and boasting four Pro Bowl selections. Pro Bowl defensive tackle Kawann Short led the \
        team in sacks with 11, while also forcing three fumbles and recovering two. Fellow lineman Mario Addison \
        added 6½ sacks. The Panthers line also featured veteran defensive end Jared Allen, a 5-time pro bowler who \
        was the NFL's active career sack leader with 136, along with defensive end Kony Ealy, who had 5 sacks in \
        just 9 starts. Carolina's secondary featured Pro Bowl safety Kurt Coleman, who led the team with a career \
        high seven interceptions, while also racking up 88 tackles and Pro Bowl cornerback Josh Norman, who \
        developed into a shutdown corner during the season and had four interceptions, two of which were returned \
        for touchdowns.
        """

    /// A paragraph of XQuAD (Nikola Tesla, CC BY-SA 4.0).
    static let tesla = """
        Nikola Tesla (Serbian Cyrillic: Никола Тесла; 10 July 1856 – 7 January 1943) was a Serbian American \
        inventor, electrical engineer, mechanical engineer, physicist, and futurist best known for his \
        contributions to the design of the modern alternating current (AC) electricity supply system. In 1884 he \
        moved to the United States, where he became a naturalized citizen. He worked for Thomas Edison in New York \
        City, but he soon struck out on his own with financial backers, setting up laboratories and companies to \
        develop a range of electrical devices. His patented AC induction motor and transformer were licensed by \
        George Westinghouse, who also hired Tesla for one year to be a consultant.
        """
}

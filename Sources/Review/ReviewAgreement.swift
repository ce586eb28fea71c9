import Foundation
import Store

/// How far people and the automatic checks agree on a dataset, and people with each other.
///
/// A sample's human verdict is the majority of its reviewers' verdicts; a tie is "disputed" and left out of the
/// comparison with the automatic checks. Agreement is the share of reviewed samples where the human verdict
/// (accept/reject) equals the automatic one (kept/rejected), with Cohen's kappa beside it, since a dataset that
/// is mostly kept makes raw agreement look better than it is.
public struct ReviewAgreement: Sendable, Equatable, Codable {
    /// Samples in the dataset (kept and rejected files).
    public var samples: Int
    /// Samples with at least one review.
    public var reviewed: Int
    /// Reviewed samples whose reviewers are split evenly.
    public var disputed: Int
    /// Human accept & automatic kept, and so on.
    public var acceptedKept: Int
    public var acceptedRejected: Int
    public var rejectedKept: Int
    public var rejectedRejected: Int
    /// Share of decided samples where people and checks agree; nil with none decided.
    public var agreement: Double?
    public var kappa: Double?
    /// Share of the automatically kept samples that people accepted: the dataset's precision as judged by hand.
    public var keptAcceptedShare: Double?
    /// Samples whose fields a reviewer edited.
    public var edited: Int
    public var reviewers: [String]
    /// Agreement between two reviewers on the samples both reviewed.
    public var pairs: [Pair]

    public struct Pair: Sendable, Equatable, Codable {
        public var reviewers: [String]
        public var shared: Int
        public var agreement: Double
        public var kappa: Double?
    }

    enum CodingKeys: String, CodingKey {
        case samples, reviewed, disputed, agreement, kappa, edited, reviewers, pairs
        case acceptedKept = "accepted_kept"
        case acceptedRejected = "accepted_rejected"
        case rejectedKept = "rejected_kept"
        case rejectedRejected = "rejected_rejected"
        case keptAcceptedShare = "kept_accepted_share"
    }

    /// Computes agreement over `reviews` of `dataset`'s samples (reviews of unknown ids are ignored).
    public init(dataset: ReviewDataset, reviews: [SampleReview]) {
        let kept = Dictionary(uniqueKeysWithValues: dataset.items.map { ($0.id, $0.automaticallyKept) })
        let known = reviews.filter { kept[$0.sampleID] != nil }
        let bySample = Dictionary(grouping: known, by: \.sampleID)
        samples = dataset.items.count
        reviewed = bySample.count
        var disputed = 0, ak = 0, ar = 0, rk = 0, rr = 0
        for (id, sampleReviews) in bySample {
            guard let verdict = ReviewAgreement.majority(sampleReviews) else { disputed += 1; continue }
            switch (verdict, kept[id]!) {
            case (.accept, true): ak += 1
            case (.accept, false): ar += 1
            case (.reject, true): rk += 1
            case (.reject, false): rr += 1
            }
        }
        self.disputed = disputed
        (acceptedKept, acceptedRejected, rejectedKept, rejectedRejected) = (ak, ar, rk, rr)
        let decided = ak + ar + rk + rr
        agreement = decided > 0 ? Double(ak + rr) / Double(decided) : nil
        kappa = Self.cohensKappa(a: ak, b: ar, c: rk, d: rr)
        keptAcceptedShare = ak + rk > 0 ? Double(ak) / Double(ak + rk) : nil
        edited = Set(known.filter { $0.edited != nil }.map(\.sampleID)).count
        reviewers = Set(known.map(\.reviewer)).sorted()

        var pairs: [Pair] = []
        let byReviewer = Dictionary(grouping: known, by: \.reviewer).mapValues {
            Dictionary($0.map { ($0.sampleID, $0.verdict) }, uniquingKeysWith: { _, last in last })
        }
        for (i, first) in reviewers.enumerated() {
            for second in reviewers[(i + 1)...] {
                let x = byReviewer[first]!, y = byReviewer[second]!
                let shared = Set(x.keys).intersection(y.keys)
                guard !shared.isEmpty else { continue }
                var a = 0, b = 0, c = 0, d = 0
                for id in shared {
                    switch (x[id]!, y[id]!) {
                    case (.accept, .accept): a += 1
                    case (.accept, .reject): b += 1
                    case (.reject, .accept): c += 1
                    case (.reject, .reject): d += 1
                    }
                }
                pairs.append(Pair(reviewers: [first, second], shared: shared.count,
                                  agreement: Double(a + d) / Double(shared.count), kappa: Self.cohensKappa(a: a, b: b, c: c, d: d)))
            }
        }
        self.pairs = pairs
    }

    /// The majority verdict of one sample's reviews (the latest per reviewer); nil on a tie.
    public static func majority(_ reviews: [SampleReview]) -> SampleReview.Verdict? {
        let latest = Dictionary(reviews.map { ($0.reviewer, $0) }, uniquingKeysWith: { a, b in a.reviewedAt <= b.reviewedAt ? b : a })
        let accepts = latest.values.filter { $0.verdict == .accept }.count
        let rejects = latest.count - accepts
        if accepts == rejects { return nil }
        return accepts > rejects ? .accept : .reject
    }

    /// A sample's review status as the page shows it: unreviewed, accepted, rejected or disputed (a tie).
    public static func status(_ reviews: [SampleReview]) -> String {
        guard !reviews.isEmpty else { return "unreviewed" }
        return majority(reviews).map { $0 == .accept ? "accepted" : "rejected" } ?? "disputed"
    }

    /// Who said what on one sample: "alice: accept, bob: reject (edited)".
    public static func reviewerLine(_ reviews: [SampleReview]) -> String {
        reviews.map { "\($0.reviewer): \($0.verdict.rawValue)\($0.edited != nil ? " (edited)" : "")" }
            .joined(separator: ", ")
    }

    /// Cohen's kappa of a 2×2 table [[a, b], [c, d]] (rows: first rater yes/no; columns: second rater yes/no).
    /// Nil when chance agreement is total (both raters gave one answer throughout), where kappa is undefined.
    static func cohensKappa(a: Int, b: Int, c: Int, d: Int) -> Double? {
        let n = Double(a + b + c + d)
        guard n > 0 else { return nil }
        let observed = Double(a + d) / n
        let expected = (Double(a + b) * Double(a + c) + Double(c + d) * Double(b + d)) / (n * n)
        guard expected < 1 else { return nil }
        return (observed - expected) / (1 - expected)
    }
}

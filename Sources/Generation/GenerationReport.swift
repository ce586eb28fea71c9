import Dataset
import Foundation
import Grounding
import LanguageModels
import Retrieval

/// The outcome of a run.
public struct GenerationReport: Sendable, Codable {
    public var requested: Int
    public var generated: Int
    public var kept: Int
    public var rejected: [String: Int]
    public var seconds: Double
    public var tokens: Int
    public var promptTokens: Int
    public var completionTokens: Int
    public var modelCalls: Int
    public var replayedCalls: Int
    public var generator: String
    public var model: String
    public var coverage: SourceSampler.Coverage
    /// Documents that gave at least one kept sample.
    public var documentsUsed: Int
    /// Kept samples by type or label.
    public var keptByType: [String: Int]
    /// Kept and rejected samples of each refinement round.
    public var rounds: [RoundStatistics]
    /// Why fewer than `requested` were kept, when that happened.
    public var shortfall: String?
    /// Seconds during which at least one model call was in flight (replayed calls take none).
    public var modelSeconds: Double = 0
    /// Kept samples per minute of the run.
    public var samplesPerMinute: Double = 0
    /// Share of the run not spent waiting on the model: sampling, retrieval, checks, journal writes.
    /// Meaningful when calls were made rather than replayed.
    public var overheadShare: Double = 0
    /// The largest gap, in percentage points, between a type's (or label's) share of the kept samples and its
    /// share of the task's target mix.
    public var mixDeviationPoints: Double = 0
    /// Diversity of the kept samples, when the caller measured it (see ``DiversitySummary``).
    public var diversity: DiversitySummary?
    /// With the closed-book check: kept samples the model answered without context (they do not test
    /// grounding); nil when the check did not run.
    public var closedBookAnswered: Int?
    /// The verifier model's part of the run, when one checked the samples (set by the caller that wired it).
    public var verification: VerificationSummary?
    /// Model calls (writer and verifier, made or replayed) per kept sample.
    public var callsPerKeptSample: Double?

    /// What the verifier did: its model, its calls and tokens, its threshold and gate, and whether its scores
    /// came from log-probabilities.
    public struct VerificationSummary: Sendable, Codable, Equatable {
        public var model: String
        public var calls: Int
        public var replayedCalls: Int
        public var promptTokens: Int
        public var seconds: Double
        /// P(Yes) threshold and the word-level gate in force.
        public var threshold: Double
        public var gate: Double
        /// Samples it was asked about, those scored by log-probabilities, and those where it failed (rejected).
        public var asked: Int
        public var scored: Int
        public var failed: Int
        /// Round-trip answering: the least agreement (nil when off), the samples whose question the reader
        /// answered itself, and those rejected because its answer disagreed (or it found none).
        public var agreementThreshold: Double?
        /// The least agreement for an answer longer than a fragment (nil when the round trip is off).
        public var longAgreementThreshold: Double?
        public var roundTrips: Int
        public var roundTripRejected: Int
        /// Reader first: the least P(answerable) at which an agreeing answer is kept without the P(Yes) call
        /// (nil when P(Yes) is always asked), and the samples kept that way.
        public var readerConfidence: Double?
        public var keptOnReader: Int

        public init(model: String, calls: Int, replayedCalls: Int, promptTokens: Int, seconds: Double,
                    threshold: Double, gate: Double, asked: Int, scored: Int, failed: Int,
                    agreementThreshold: Double? = nil, longAgreementThreshold: Double? = nil, roundTrips: Int = 0,
                    roundTripRejected: Int = 0, readerConfidence: Double? = nil, keptOnReader: Int = 0) {
            self.longAgreementThreshold = longAgreementThreshold
            self.readerConfidence = readerConfidence
            self.keptOnReader = keptOnReader
            self.agreementThreshold = agreementThreshold
            self.roundTrips = roundTrips
            self.roundTripRejected = roundTripRejected
            self.model = model
            self.calls = calls
            self.replayedCalls = replayedCalls
            self.promptTokens = promptTokens
            self.seconds = seconds
            self.threshold = threshold
            self.gate = gate
            self.asked = asked
            self.scored = scored
            self.failed = failed
        }

        enum CodingKeys: String, CodingKey {
            case model, calls, seconds, threshold, gate, asked, scored, failed
            case replayedCalls = "replayed_calls"
            case promptTokens = "prompt_tokens"
            case agreementThreshold = "agreement_threshold"
            case longAgreementThreshold = "long_answer_agreement_threshold"
            case roundTrips = "round_trips"
            case roundTripRejected = "round_trip_rejected"
            case readerConfidence = "reader_confidence"
            case keptOnReader = "kept_on_reader"
        }
    }

    /// Diversity and duplication of the kept questions (or texts).
    public struct DiversitySummary: Sendable, Codable, Equatable {
        /// Unique words over all words, and unique word pairs over all pairs.
        public var distinct1: Double
        public var distinct2: Double
        /// Mean cosine between the embeddings of every pair of kept questions.
        public var meanPairwiseCosine: Double
        /// Share of kept questions that duplicate an earlier one (same text, or cosine at or above the
        /// threshold). Dedup runs at the same threshold, so this is near 0 by construction; see the two below.
        public var nearDuplicateRate: Double
        public var threshold: Double
        /// Samples dedup removed (rejected as `near_duplicate`).
        public var removedAsDuplicates: Int
        /// The share of duplicates among the samples that reached dedup: removed ones and kept duplicates over
        /// kept plus removed. What the generator produced, before rag cleaned it.
        public var nearDuplicateRateBeforeDedup: Double

        public init(distinct1: Double, distinct2: Double, meanPairwiseCosine: Double, nearDuplicateRate: Double,
                    threshold: Double, removedAsDuplicates: Int = 0, nearDuplicateRateBeforeDedup: Double = 0) {
            self.distinct1 = distinct1
            self.distinct2 = distinct2
            self.meanPairwiseCosine = meanPairwiseCosine
            self.nearDuplicateRate = nearDuplicateRate
            self.threshold = threshold
            self.removedAsDuplicates = removedAsDuplicates
            self.nearDuplicateRateBeforeDedup = nearDuplicateRateBeforeDedup
        }

        enum CodingKeys: String, CodingKey {
            case threshold
            case distinct1 = "distinct_1"
            case distinct2 = "distinct_2"
            case meanPairwiseCosine = "mean_pairwise_cosine"
            case nearDuplicateRate = "near_duplicate_rate"
            case removedAsDuplicates = "removed_as_duplicates"
            case nearDuplicateRateBeforeDedup = "near_duplicate_rate_before_dedup"
        }
    }

    public struct RoundStatistics: Sendable, Codable, Equatable {
        public var round: Int
        public var kept: Int
        public var rejected: Int
    }

    enum CodingKeys: String, CodingKey {
        case requested, generated, kept, rejected, seconds, tokens, generator, model, coverage, rounds, shortfall
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case modelCalls = "model_calls"
        case replayedCalls = "replayed_calls"
        case documentsUsed = "documents_used"
        case keptByType = "kept_by_type"
        case modelSeconds = "model_seconds"
        case samplesPerMinute = "samples_per_minute"
        case overheadShare = "overhead_share"
        case mixDeviationPoints = "mix_deviation_points"
        case diversity
        case closedBookAnswered = "closed_book_answered"
        case verification
        case callsPerKeptSample = "calls_per_kept_sample"
    }
}

extension GenerationReport {
    /// Records what the verifier did in this run: its calls and tokens (from its journaled model), and the
    /// filter's thresholds and tallies.
    public mutating func recordVerification(by verifier: JournaledModel, filter: GroundingSampleFilter) {
        let configuration = filter.checker.configuration
        let tally = filter.tally
        let roundTrip = configuration.answerRoundTrip
        verification = VerificationSummary(
            model: verifier.name, calls: verifier.called, replayedCalls: verifier.replayed,
            promptTokens: verifier.promptTokens, seconds: verifier.busySeconds,
            threshold: configuration.verifierThreshold, gate: configuration.verifierGate,
            asked: tally.asked, scored: tally.scored, failed: tally.failed,
            agreementThreshold: roundTrip ? configuration.answerAgreementThreshold : nil,
            longAgreementThreshold: roundTrip ? configuration.longAnswerAgreement : nil,
            roundTrips: tally.roundTrips, roundTripRejected: tally.roundTripRejected,
            readerConfidence: roundTrip && configuration.confidentReaderProbability <= 1
                ? configuration.confidentReaderProbability : nil,
            keptOnReader: tally.skipped)
    }

    /// Model calls of writer and verifier, made or replayed, per kept sample (nil when none was kept).
    public mutating func countCallsPerKeptSample() {
        guard kept > 0 else { callsPerKeptSample = nil; return }
        let calls = modelCalls + replayedCalls + (verification.map { $0.calls + $0.replayedCalls } ?? 0)
        callsPerKeptSample = Double(calls) / Double(kept)
    }

    /// Diversity and duplication of the kept questions (or texts), embedded with the retriever's embedder; the
    /// near-duplicate rate is given both after dedup and before it (with the samples dedup removed).
    public mutating func measureDiversity(of kept: [GeneratedSample], retriever: Retriever, threshold: Float) throws {
        let texts = kept.compactMap { $0.question ?? $0.text }
        guard texts.count >= 2, let embedder = retriever.embedder else { return }
        let vectors = try embedder.embed(texts)
        let measured = QualityFilters.diversity(texts, vectors: vectors)
        let keptDuplicates = QualityFilters.nearDuplicates(texts, vectors: vectors, threshold: threshold)
            .compactMap { $0 }.count
        let removed = rejected["near_duplicate"] ?? 0
        diversity = DiversitySummary(
            distinct1: measured.distinct1, distinct2: measured.distinct2, meanPairwiseCosine: measured.meanPairwiseCosine,
            nearDuplicateRate: Double(keptDuplicates) / Double(texts.count), threshold: Double(threshold),
            removedAsDuplicates: removed,
            nearDuplicateRateBeforeDedup: Double(keptDuplicates + removed) / Double(texts.count + removed))
    }
}

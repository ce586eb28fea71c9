import Dataset
import Foundation
import Grounding
import TextAnalysis
import VectorIndex

/// The shared plan of a run: quotas, the source queue, kept and rejected samples. Workers take slots from it
/// and report back; it decides refinement and replacement.
actor RunState {
    private var quotas: [String: Int]
    private var keptCount: [String: Int] = [:]
    private var inFlight: [String: Int] = [:]
    private let passages: [SourcePassage]
    private var nextPassage = 0
    /// Per-target passage orders (classification); targets without one take `passages` in turn.
    private let passagesByTarget: [String: [PassageDraw]]
    private var nextPassageByTarget: [String: Int] = [:]
    /// Targets whose own passages are all drawn: they get no new slot, and the other targets go on.
    private(set) var exhaustedTargets: Set<String> = []
    private var nextIndex = 0
    private var pending: [SampleSlot] = []
    private(set) var kept: [GeneratedSample] = []
    private(set) var rejected: [GeneratedSample] = []
    private(set) var usage = TokenUsage()
    private var targetOrder: [String]
    /// Kept samples' unit question vectors and normalised texts, for duplicate detection. A plain scan: a run
    /// keeps hundreds of samples, not millions, and a scan has no failure to swallow.
    private var keptVectors: [[Float]] = []
    private var keptTexts: Set<String> = []

    private let maxSlots: Int

    /// Source slots started so far.
    var slotsStarted: Int { nextIndex }

    init(quotas: [String: Int], passages: [SourcePassage], seed: UInt64, maxSlots: Int,
         passagesByTarget: [String: [PassageDraw]] = [:]) {
        self.maxSlots = maxSlots
        self.quotas = quotas
        self.passages = passages
        self.passagesByTarget = passagesByTarget
        // Interleave targets in proportion to their quotas (a seeded order of every wanted sample).
        var order: [String] = []
        for (key, n) in quotas.sorted(by: { $0.key < $1.key }) { order += Array(repeating: key, count: n) }
        var rng = SplitMix64(seed: seed ^ 0xA5A5)
        order.shuffle(using: &rng)
        targetOrder = order
    }

    /// The next slot to work on, or nil when every quota is met (or can no longer be met).
    func nextSlot() -> SampleSlot? {
        if !pending.isEmpty {
            let slot = pending.removeFirst()
            inFlight[slot.target, default: 0] += 1
            return slot
        }
        // A target that still needs samples beyond what is in flight.
        while !targetOrder.isEmpty || quotas.contains(where: { needs($0.key) }) {
            let target: String
            if !targetOrder.isEmpty {
                target = targetOrder.removeFirst()
            } else if let missing = quotas.keys.sorted().first(where: { needs($0) && !exhaustedTargets.contains($0) }) {
                target = missing
            } else {
                return nil
            }
            guard needs(target), !exhaustedTargets.contains(target) else { continue }
            let passage: SourcePassage
            var subject: String?
            if let own = passagesByTarget[target] {
                let next = nextPassageByTarget[target, default: 0]
                guard nextIndex < maxSlots else { return nil }
                guard next < own.count else {
                    exhaustedTargets.insert(target)
                    continue
                }
                (passage, subject) = (own[next].passage, own[next].subject)
                nextPassageByTarget[target] = next + 1
            } else {
                guard nextPassage < passages.count, nextIndex < maxSlots else { return nil }
                passage = passages[nextPassage]
                nextPassage += 1
            }
            var slot = SampleSlot(index: nextIndex, target: target, context: [passage])
            slot.subject = subject
            nextIndex += 1
            inFlight[target, default: 0] += 1
            return slot
        }
        return nil
    }

    private func needs(_ target: String) -> Bool {
        keptCount[target, default: 0] + inFlight[target, default: 0] < quotas[target, default: 0]
    }

    /// Records a finished attempt (its samples in the order tried; all but the last rejected); queues a
    /// refinement when the last was rejected and rounds remain.
    func finish(
        _ slot: SampleSlot, samples: [GeneratedSample], usage attemptUsage: TokenUsage, vector: [Float]?,
        duplicateThreshold: Float, maxRounds: Int
    ) -> (kept: Int, pending: Int) {
        inFlight[slot.target, default: 0] -= 1
        usage.prompt += attemptUsage.prompt
        usage.completion += attemptUsage.completion
        var samples = samples
        guard var sample = samples.popLast() else { return (kept.count, pending.count) }
        rejected += samples
        if sample.isAccepted {
            sample.checks.append(duplicateCheck(sample, vector: vector, threshold: duplicateThreshold))
        }
        if sample.isAccepted, keptCount[slot.target, default: 0] < quotas[slot.target, default: 0] {
            keptCount[slot.target, default: 0] += 1
            kept.append(sample)
            if let vector { keptVectors.append(vector) }
            keptTexts.insert(Self.normalizedText(sample))
        } else if sample.isAccepted {
            var over = sample
            over.checks.append(CheckOutcome(name: "quota_full", passed: false, score: 0,
                                            reason: "\(slot.target) already has its \(quotas[slot.target] ?? 0) samples"))
            rejected.append(over)
        } else {
            rejected.append(sample)
            let failed = (samples + [sample]).flatMap { $0.checks.filter { !$0.passed } }
            // Rules would only repeat themselves, and a source without a statement to ask about has none later.
            let retryable = sample.generator != "extractive" && !failed.contains { $0.name == GenerationPipeline.noFocusStatement }
            if retryable, slot.round < maxRounds, needs(slot.target) {
                var retry = slot
                retry.round += 1
                retry.feedback = PromptBuilder.feedback(for: failed)
                pending.append(retry)
            }
        }
        return (kept.count, pending.count)
    }

    private static func normalizedText(_ sample: GeneratedSample) -> String {
        WordTokenizer.normalized(sample.question ?? sample.text ?? "")
    }

    /// Exact (normalised text) and near (embedding cosine) duplicates of kept samples fail.
    private func duplicateCheck(_ sample: GeneratedSample, vector: [Float]?, threshold: Float) -> CheckOutcome {
        if keptTexts.contains(Self.normalizedText(sample)) {
            return CheckOutcome(name: "near_duplicate", passed: false, score: 1, reason: "same text as a kept sample")
        }
        var best: Float = 0
        if let vector {
            for kept in keptVectors where kept.count == vector.count { best = max(best, Distance.dot(vector, kept)) }
        }
        let passed = best < threshold
        return CheckOutcome(
            name: "near_duplicate", passed: passed, score: Double(best),
            reason: passed ? "ok" : String(format: "cosine %.3f with a kept sample", best))
    }
}

import Foundation
import Grounding
import Retrieval
import Store
import VectorIndex
import LanguageModels

/// Checks a generated sample beyond the pipeline's own format and provenance checks (the grounding filters).
public protocol SampleFilter: Sendable {
    /// Outcomes of each check, in order; a failed one rejects the sample.
    func check(_ sample: GeneratedSample) async throws -> [CheckOutcome]
}

/// Knobs of a generation run.
public struct GenerationOptions: Sendable {
    /// Model calls in flight.
    public var concurrency = 1
    /// Rough budget of context words (source plus neighbours).
    public var contextWords = 450
    /// Retrieved neighbours added to the source passage.
    public var neighbours = 2
    /// Refinement rounds: a rejected sample goes back to the model with the reason this many times.
    public var maxRounds = 2
    /// Times a reply that is not the requested JSON is asked again (with another seed).
    public var parseRetries = 2
    public var temperature = 0.7
    public var maxTokens = 400
    /// Most sources tried per requested sample before the run stops with a shortfall (bounds the model calls
    /// when the checks reject most of what the model writes).
    public var sourcesPerSample = 8
    /// Questions (or texts) at least this cosine-similar to a kept one are rejected as near-duplicates.
    public var duplicateThreshold: Float = 0.95
    /// Ask the model each kept question without context and tag the samples it answers anyway.
    public var closedBook = false
    /// Span-first qa: statements of the source drafted in one writer call. The drafts that pass the format
    /// checks go to the verifier in order until one is kept, so a rejected draft costs no new writer call.
    public var draftsPerCall = 3

    public init() {}
}

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

/// Errors of the generation pipeline.
public enum GenerationError: Error, CustomStringConvertible, Equatable {
    /// The database has no chunk long enough to generate from.
    case noUsableChunks(database: String)
    /// The offline generator only makes qa tasks.
    case extractiveNeedsQA
    /// The output could not be written.
    case outputFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .noUsableChunks(database): "\(database): no usable chunks to generate from (ingest a corpus first)"
        case .extractiveNeedsQA:
            "the offline extractive generator makes qa tasks only; give --llm URL or install the local model (bash scripts/install-llm.sh)"
        case let .outputFailed(path, reason): "\(path): \(reason)"
        }
    }
}

/// Turns a task definition and an ingested corpus into grounded samples.
///
/// Plan: quotas per question type or label; sources sampled across documents; for each slot a context of the
/// source chunk plus retrieved neighbours; one model call (journaled), parsed, located in the passages,
/// checked; a rejected sample is refined with its reason up to `maxRounds`, then its slot moves to the next
/// source. Runs until every quota is met or the sources run out.
public final class GenerationPipeline: @unchecked Sendable {
    public let task: TaskDefinition
    public let retriever: Retriever
    /// nil: the offline extractive generator.
    public let model: JournaledModel?
    public let filter: (any SampleFilter)?
    public let options: GenerationOptions
    private let prompts: PromptBuilder

    public init(
        task: TaskDefinition, retriever: Retriever, model: JournaledModel?, filter: (any SampleFilter)?,
        options: GenerationOptions = GenerationOptions()
    ) {
        self.task = task
        self.retriever = retriever
        self.model = model
        self.filter = filter
        self.options = options
        prompts = PromptBuilder(task: task)
    }

    /// Runs the plan; `progress(kept, requested)` is called as samples are kept.
    public func run(
        databasePath: String, progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }
    ) async throws -> (kept: [GeneratedSample], rejected: [GeneratedSample], report: GenerationReport) {
        let started = Date()
        if model == nil, task.kind != .qa { throw GenerationError.extractiveNeedsQA }
        let (passages, coverage) = try SourceSampler(seed: task.seed).passages(from: retriever.store)
        guard !passages.isEmpty else { throw GenerationError.noUsableChunks(database: databasePath) }

        let quotas: [String: Int]
        switch task.kind {
        case .qa:
            var q = Dictionary(uniqueKeysWithValues: task.questionTypeQuotas.map { ($0.key.rawValue, $0.value) })
            if model == nil {
                // Rules make factoid, definition and procedural questions; the rest of the mix goes to factoid.
                let supported: Set<String> = ["factoid", "definition", "procedural"]
                let moved = q.filter { !supported.contains($0.key) }.values.reduce(0, +)
                q = q.filter { supported.contains($0.key) }
                q["factoid", default: 0] += moved
            }
            quotas = q.filter { $0.value > 0 }
        case .classification: quotas = task.labelQuotas.filter { $0.value > 0 }
        case .extraction: quotas = ["extraction": task.count]
        }

        let state = RunState(quotas: quotas, passages: passages, seed: task.seed,
                             maxSlots: max(1, options.sourcesPerSample) * task.count,
                             passagesByTarget: task.kind == .classification
                                ? try passagesFitting(quotas, among: passages) : [:])
        let workers = max(1, options.concurrency)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<workers {
                group.addTask { [self] in
                    while let slot = await state.nextSlot() {
                        let samples = try await self.attempt(slot)
                        let vector = samples.last?.isAccepted == true ? try self.dedupVector(samples.last!) : nil
                        let next = await state.finish(
                            slot, samples: samples, vector: vector, duplicateThreshold: self.options.duplicateThreshold,
                            maxRounds: self.options.maxRounds)
                        progress(next.kept, self.task.count)
                    }
                }
            }
            try await group.waitForAll()
        }

        var kept = await state.kept
        let rejected = await state.rejected
        var closedBookAnswered: Int?
        if options.closedBook, let model, task.kind == .qa {
            kept = try await tagClosedBook(kept, model: model)
            closedBookAnswered = kept.filter { ClosedBookCheck.answeredClosedBook($0) }.count
        }
        let usage = await state.usage
        var report = GenerationReport(
            requested: task.count, generated: kept.count + rejected.count, kept: kept.count,
            rejected: Dictionary(rejected.map { ($0.rejectionReason ?? "unknown", 1) }, uniquingKeysWith: +),
            seconds: Date().timeIntervalSince(started), tokens: usage.prompt + usage.completion,
            promptTokens: usage.prompt, completionTokens: usage.completion,
            modelCalls: model?.called ?? 0, replayedCalls: model?.replayed ?? 0,
            generator: model == nil ? "extractive" : "llm", model: model?.name ?? "rules",
            coverage: coverage, documentsUsed: Set(kept.compactMap { $0.spans.first?.document ?? $0.context.first?.document }).count,
            keptByType: Dictionary(kept.map { ($0.type, 1) }, uniquingKeysWith: +),
            rounds: [], shortfall: nil)
        report.closedBookAnswered = closedBookAnswered
        report.modelSeconds = model?.busySeconds ?? 0
        report.samplesPerMinute = report.seconds > 0 ? Double(kept.count) * 60 / report.seconds : 0
        report.overheadShare = report.seconds > 0 ? max(0, 1 - report.modelSeconds / report.seconds) : 0
        if !kept.isEmpty {
            let targetTotal = Double(quotas.values.reduce(0, +))
            report.mixDeviationPoints = Set(quotas.keys).union(report.keptByType.keys).map { key in
                abs(Double(report.keptByType[key] ?? 0) / Double(kept.count) - Double(quotas[key] ?? 0) / targetTotal) * 100
            }.max() ?? 0
        }
        let maxRound = (kept + rejected).map(\.round).max() ?? 0
        report.rounds = (0...maxRound).map { r in
            GenerationReport.RoundStatistics(
                round: r, kept: kept.filter { $0.round == r }.count, rejected: rejected.filter { $0.round == r }.count)
        }
        if kept.count < task.count {
            let missing = quotas.compactMap { key, quota -> String? in
                let have = kept.filter { $0.type == key }.count
                return have < quota ? "\(key) \(have)/\(quota)" : nil
            }.sorted().joined(separator: ", ")
            let tried = await state.slotsStarted
            report.shortfall = tried >= options.sourcesPerSample * task.count
                ? "stopped after \(tried) sources (\(options.sourcesPerSample) per requested sample) with quotas unmet: \(missing)"
                : "sources ran out after \(passages.count) usable chunks with quotas unmet: \(missing)"
        }
        return (kept.sorted { $0.id < $1.id }, rejected.sorted { $0.id < $1.id }, report)
    }

    /// For each class, the usable passages in the order to try them: first those that hybrid search finds for
    /// the class's definition (a passage about a place for "asks for a location"), most relevant first, then
    /// the rest in the sampler's order. A random passage often holds nothing a text of a given class could be
    /// about, and the writer then writes an example of another class.
    func passagesFitting(_ quotas: [String: Int], among passages: [SourcePassage]) throws -> [String: [SourcePassage]] {
        let mode: SearchMode = retriever.embedder == nil ? .lexical : .hybrid
        let byID = Dictionary(passages.map { ($0.chunkID, $0) }, uniquingKeysWith: { a, _ in a })
        var result: [String: [SourcePassage]] = [:]
        for (label, quota) in quotas {
            let name = label.replacingOccurrences(of: "_", with: " ")
            let query = task.labelDefinitions[label].map { "\(name): \($0)" } ?? name
            let depth = min(passages.count, max(1, options.sourcesPerSample) * quota)
            let hits = try retriever.search(query, options: SearchOptions(k: depth, mode: mode)).map(\.chunk.id)
            let first = hits.compactMap { byID[$0] }
            let taken = Set(first.map(\.chunkID))
            result[label] = first + passages.filter { !taken.contains($0.chunkID) }
        }
        return result
    }

    /// Adds the closed-book tag to every kept qa sample (unanswerable ones excepted), `concurrency` at a time.
    private func tagClosedBook(_ samples: [GeneratedSample], model: JournaledModel) async throws -> [GeneratedSample] {
        var tagged = samples
        let checker = ClosedBookCheck(model: model, seed: task.seed)
        let indices = samples.indices.filter {
            samples[$0].question != nil && samples[$0].type != TaskDefinition.QuestionType.unanswerable.rawValue
        }
        try await withThrowingTaskGroup(of: (Int, CheckOutcome).self) { group in
            var next = 0
            func add() {
                guard next < indices.count else { return }
                let i = indices[next]
                next += 1
                let sample = samples[i]
                group.addTask { (i, try await checker.check(question: sample.question!, answer: sample.answer ?? "")) }
            }
            for _ in 0..<max(1, options.concurrency) { add() }
            while let (i, outcome) = try await group.next() {
                tagged[i].checks.append(outcome)
                add()
            }
        }
        return tagged
    }

    /// The unit vector of the sample's question (or text) for near-duplicate detection.
    private func dedupVector(_ sample: GeneratedSample) throws -> [Float]? {
        guard let embedder = retriever.embedder, let text = sample.question ?? sample.text, !text.isEmpty else {
            return nil
        }
        return try embedder.embed([text]).first.map(Distance.normalized)
    }

    // MARK: One attempt

    /// One writer call for `slot` and the checks of what it wrote: the samples tried, in order. Every one but
    /// the last was rejected; the last is kept or rejected. Batched drafts are checked in order until one passes.
    private func attempt(_ slot: SampleSlot) async throws -> [GeneratedSample] {
        var slot = slot
        if model != nil, task.kind == .qa, task.prompts["instructions"] == nil,
           let type = TaskDefinition.QuestionType(rawValue: slot.target),
           [.factoid, .definition, .procedural].contains(type) {
            // Each refinement round asks about the next-best statements of the same source. A focused question
            // needs only its source passage: with retrieved neighbours in the prompt the small local model
            // drifted to them (and read twice as many tokens).
            let candidates = FocusSelection.candidates(in: slot.context[0].text, for: type)
            if candidates.isEmpty, task.answerStyle == .sentence {
                // Without a statement that stands alone the writer composes its own "answer" sentence, which
                // no source sentence states; the slot moves to the next source without a model call.
                return [GeneratedSample(
                    id: sampleID(slot), fields: [:], type: slot.target, sourceChunkIDs: [slot.context[0].chunkID],
                    spans: [], generator: "llm", model: model?.name ?? "",
                    checks: [CheckOutcome(name: Self.noFocusStatement, passed: false, score: 0,
                                          reason: "no sentence of the source states a \(type.rawValue) fact on its own")],
                    round: slot.round, context: slot.context)]
            }
            if !candidates.isEmpty {
                let perCall = task.answerStyle == .sentence ? max(1, min(options.draftsPerCall, candidates.count)) : 1
                slot.drafts = (0..<perCall).map { candidates[(slot.round * perCall + $0) % candidates.count] }
                slot.focus = slot.drafts[0]
                if perCall == 1 { slot.drafts = [] }
                slot.context = [slot.context[0]]
            }
        }
        // Classification and extraction texts come from passage [1] alone: neighbours would only be read (they
        // doubled the prompt), and drifted to.
        if slot.context.count == 1, slot.focus == nil, task.kind == .qa {
            slot.context = try context(for: slot.context[0], target: slot.target)
        }
        let drafts: [GeneratedSample]
        if let model {
            drafts = try await modelSamples(slot, model: model)
        } else {
            drafts = [extractiveSample(slot)]
        }
        var tried: [GeneratedSample] = []
        for var sample in drafts {
            if sample.checks.allSatisfy(\.passed), let filter {
                sample.checks += try await filter.check(sample)
            }
            tried.append(sample)
            if sample.isAccepted { break }
        }
        return tried
    }

    /// The check that rejects a source with no statement to ask about (not refined: the next source is tried).
    static let noFocusStatement = "no_focus_statement"

    /// The source passage plus retrieved neighbours within the word budget; for multi-hop and comparison
    /// questions the second passage comes from another document when one is related.
    func context(for source: SourcePassage, target: String) throws -> [SourcePassage] {
        var passages = [source]
        var words = source.text.split(whereSeparator: \.isWhitespace).count
        guard options.neighbours > 0 else { return passages }
        let query = source.text.split(whereSeparator: \.isWhitespace).prefix(60).joined(separator: " ")
        let mode: SearchMode = retriever.embedder == nil ? .lexical : .hybrid
        // A failed search fails the run rather than silently dropping every neighbour from the prompts.
        let hits = try retriever.search(query, options: SearchOptions(k: options.neighbours + 6, mode: mode))
        var candidates = hits.map(\.chunk).filter { $0.id != source.chunkID }
        if target == TaskDefinition.QuestionType.multiHop.rawValue || target == TaskDefinition.QuestionType.comparison.rawValue {
            // Prefer a passage from another document, then another section.
            candidates.sort { a, b in
                (a.documentPath != source.document ? 0 : 1, a.headingPath.joined() != source.headingPath ? 0 : 1)
                    < (b.documentPath != source.document ? 0 : 1, b.headingPath.joined() != source.headingPath ? 0 : 1)
            }
        }
        for chunk in candidates where passages.count <= options.neighbours {
            let n = chunk.text.split(whereSeparator: \.isWhitespace).count
            guard words + n <= options.contextWords || passages.count == 1 && target == "multi_hop" else { continue }
            words += n
            passages.append(SourcePassage(
                chunkID: chunk.id, document: chunk.documentPath, text: chunk.text,
                start: chunk.characterRange.lowerBound, headingPath: chunk.headingPath.joined(separator: " > ")))
        }
        return passages
    }

    private func sampleID(_ slot: SampleSlot) -> String {
        "\(task.seed)-\(slot.index)-\(slot.round)"
    }

    /// The writer's reply for `slot` as samples: one, or one per batched draft (the first carries the usage).
    private func modelSamples(_ slot: SampleSlot, model: JournaledModel) async throws -> [GeneratedSample] {
        let messages = prompts.messages(for: slot)
        let schema = prompts.schema(for: slot)
        var lastError = ""
        var usage = (0, 0)
        for retry in 0...options.parseRetries {
            // A focused question has one right content; sampling colder keeps a small model on it.
            let request = CompletionRequest(
                messages: messages, temperature: slot.focus == nil ? options.temperature : min(options.temperature, 0.3),
                maxTokens: options.maxTokens,
                seed: task.seed &* 1_000_003 &+ UInt64(slot.index) &* 101 &+ UInt64(slot.round) &* 7 &+ UInt64(retry),
                jsonSchema: schema)
            let completion = try await model.complete(request)
            usage.0 += completion.promptTokens
            usage.1 += completion.completionTokens
            guard let json = try? JSONValue.parse(completion.text), json.objectValue != nil else {
                lastError = "reply is not a JSON object: \(completion.text.prefix(120))"
                continue
            }
            var samples: [GeneratedSample]
            if slot.isBatchedDraft {
                guard case let .array(items)? = json["drafts"], !items.isEmpty else {
                    lastError = "reply has no \"drafts\" list: \(completion.text.prefix(120))"
                    continue
                }
                samples = zip(slot.drafts, items).enumerated().map { i, pair in
                    var draft = slot
                    draft.focus = pair.0
                    draft.drafts = []
                    var sample = build(draft, reply: pair.1, generator: "llm", model: model.name)
                    if i > 0 { sample.id += ".\(i)" }
                    return sample
                }
            } else {
                samples = [build(slot, reply: json, generator: "llm", model: model.name)]
            }
            samples[0].fields["_usage"] = .array([.number(Double(usage.0)), .number(Double(usage.1))])
            return samples
        }
        var sample = GeneratedSample(
            id: sampleID(slot), fields: [:],
            type: slot.target, sourceChunkIDs: slot.context.map(\.chunkID), spans: [], generator: "llm", model: model.name,
            checks: [CheckOutcome(name: "unparseable_output", passed: false, score: 0, reason: lastError)],
            round: slot.round, context: slot.context)
        sample.fields["_usage"] = .array([.number(Double(usage.0)), .number(Double(usage.1))])
        return [sample]
    }

    private func extractiveSample(_ slot: SampleSlot) -> GeneratedSample {
        let source = slot.context[0]
        let made = ExtractiveGenerator().questions(from: source.text)
        let wanted = TaskDefinition.QuestionType(rawValue: slot.target)
        guard let q = made.first(where: { $0.type == wanted }) ?? made.first else {
            return GeneratedSample(
                id: sampleID(slot), fields: [:], type: slot.target, sourceChunkIDs: [source.chunkID], spans: [],
                generator: "extractive", model: "rules",
                checks: [CheckOutcome(name: "no_extractive_question", passed: false, score: 0,
                                      reason: "no sentence of the source fits a question rule")],
                round: slot.round, context: slot.context)
        }
        let chars = Array(source.text)
        let spans = [q.sentenceRange].map { r in
            let scalars = source.text.scalarRange(ofCharacters: r)
            return SupportingSpan(document: source.document, chunkID: source.chunkID, start: source.start + scalars.lowerBound,
                                  end: source.start + scalars.upperBound, text: String(chars[r]))
        }
        return GeneratedSample(
            id: sampleID(slot), fields: ["question": .string(q.question), "answer": .string(q.answer)],
            type: q.type.rawValue, sourceChunkIDs: [source.chunkID], spans: spans, generator: "extractive",
            model: "rules", checks: formatChecks(question: q.question, answer: q.answer, type: q.type.rawValue, spans: spans),
            round: slot.round, context: slot.context)
    }

    /// Turns a parsed reply into a sample: task fields, spans located in the passages, format checks.
    func build(_ slot: SampleSlot, reply: JSONValue, generator: String, model: String) -> GeneratedSample {
        var fields: [String: JSONValue] = [:]
        let evidence = reply["evidence"]?.stringValue ?? ""
        var slot = slot
        switch task.kind {
        case .qa:
            fields["question"] = .string((reply["question"]?.stringValue ?? "").trimmingCharacters(in: .whitespacesAndNewlines))
            if slot.focus != nil, task.answerStyle == .sentence, task.prompts["instructions"] == nil {
                // Span-first generation: the source statement is the answer, quoted, and the phrase of it the
                // question was written for is kept as its short answer. A phrase the model took from another
                // sentence of the source makes that sentence the answer: the question was written for it.
                if let phrase = reply["answer_span"]?.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines),
                   let (sentence, span) = Self.anchor(phrase, focus: slot.focus!, in: slot.context[0].text) {
                    slot.focus = sentence
                    fields["answer_span"] = .string(span)
                }
                fields["answer"] = .string(slot.focusText ?? "")
            } else {
                fields["answer"] = .string((reply["answer"]?.stringValue ?? "").trimmingCharacters(in: .whitespacesAndNewlines))
            }
        case .classification:
            fields["text"] = .string(reply["text"]?.stringValue ?? "")
            fields["label"] = .string(reply["label"]?.stringValue ?? "")
            if let focus = reply["focus"]?.stringValue { fields["focus"] = .string(focus) }
        case .extraction:
            fields["text"] = .string(reply["text"]?.stringValue ?? "")
            fields["fields"] = reply["fields"] ?? .object([:])
        }
        var spans: [SupportingSpan] = []
        let isUnanswerable = slot.target == TaskDefinition.QuestionType.unanswerable.rawValue
        if let focus = slot.focus, let text = slot.focusText, let source = slot.context.first {
            let scalars = source.text.scalarRange(ofCharacters: focus)
            spans.append(SupportingSpan(document: source.document, chunkID: source.chunkID,
                                        start: source.start + scalars.lowerBound, end: source.start + scalars.upperBound,
                                        text: text))
        }
        if !isUnanswerable {
            var quotes = evidence.isEmpty || slot.focus != nil ? [] : [evidence]
            if let answer = fields["answer"]?.stringValue, answer.count >= 3 { quotes.append(answer) }
            if let text = fields["text"]?.stringValue, task.kind == .extraction { quotes.append(text) }
            for quote in quotes {
                for passage in slot.context {
                    guard let match = SpanLocator.locate(quote, in: passage.text) else { continue }
                    let chars = Array(passage.text)
                    let scalars = passage.text.scalarRange(ofCharacters: match.range)
                    let span = SupportingSpan(
                        document: passage.document, chunkID: passage.chunkID, start: passage.start + scalars.lowerBound,
                        end: passage.start + scalars.upperBound, text: String(chars[match.range]))
                    if !spans.contains(span) { spans.append(span) }
                    break
                }
            }
        }
        var sample = GeneratedSample(
            id: sampleID(slot), fields: fields, type: slot.target, sourceChunkIDs: slot.context.map(\.chunkID),
            spans: spans, generator: generator, model: model, checks: [], round: slot.round, context: slot.context)
        switch task.kind {
        case .qa:
            sample.checks = formatChecks(
                question: fields["question"]?.stringValue ?? "", answer: fields["answer"]?.stringValue ?? "",
                type: slot.target, spans: spans)
            if reply["answer_span"] != nil {
                sample.checks += QuestionForm.spanFirstChecks(question: fields["question"]?.stringValue ?? "",
                                                             span: fields["answer_span"]?.stringValue).map(CheckOutcome.init)
            }
        case .classification:
            let label = fields["label"]?.stringValue ?? ""
            let text = fields["text"]?.stringValue ?? ""
            // A text that should be a question and is not one (or points at "the passage") fails before any reader.
            let asQuestion = task.textForm.lowercased().contains("question") ? QuestionForm.questionProblem(text) : nil
            let formProblem = text.count < 10 ? "text too short"
                : !task.labels.contains(label) ? "label not in label set" : asQuestion
            sample.checks = [
                CheckOutcome(name: "format", passed: formProblem == nil, score: formProblem == nil ? 1 : 0,
                             reason: formProblem ?? "ok"),
                CheckOutcome(name: "label_matches_target", passed: label == slot.target, score: label == slot.target ? 1 : 0,
                             reason: label == slot.target ? "ok" : "asked for \(slot.target), got \(label)"),
                CheckOutcome(name: "evidence_located", passed: !spans.isEmpty, score: spans.isEmpty ? 0 : 1,
                             reason: spans.isEmpty ? "evidence not found in the passages" : "ok"),
                PromptLeakage.check(text: text, instructions: prompts.instructionTexts(for: slot),
                                    passages: slot.context.map(\.text),
                                    labelName: task.allowLabelNames ? nil : slot.target),
            ]
        case .extraction:
            let text = fields["text"]?.stringValue ?? ""
            let values = fields["fields"]?.objectValue ?? [:]
            sample.checks = [
                Self.extractionFormat(text: text, values: values, fields: task.fields),
                CheckOutcome(name: "evidence_located", passed: !spans.isEmpty, score: spans.isEmpty ? 0 : 1,
                             reason: spans.isEmpty ? "text not found in the passages" : "ok"),
                Self.fieldSpans(text: text, values: values, fields: task.fields),
                PromptLeakage.check(text: ([text] + values.values.flatMap(ExtractionField.phrases)).joined(separator: "\n"),
                                    instructions: prompts.instructionTexts(for: slot), passages: slot.context.map(\.text),
                                    descriptions: task.fields.map(\.description)),
            ]
        }
        return sample
    }

    /// Where a span-first answer phrase lies: the focus sentence when it is there, else the one sentence of
    /// `text` that holds it; with the phrase as written in the text. Nil when neither holds it.
    public static func anchor(_ phrase: String, focus: Range<Int>, in text: String) -> (Range<Int>, String)? {
        let characters = Array(text)
        guard !phrase.isEmpty, focus.upperBound <= characters.count else { return nil }
        func find(in range: Range<Int>) -> String? {
            let part = String(characters[range])
            if let match = SpanLocator.locate(phrase, in: part) { return String(Array(part)[match.range]) }
            return part.contains(phrase) ? phrase : nil
        }
        if let span = find(in: focus) { return (focus, span) }
        for sentence in ExtractiveGenerator.sentences(in: text) where sentence != focus {
            let words = characters[sentence].split(whereSeparator: \.isWhitespace).count
            // The sentence becomes the answer, so it must stand alone as a focus statement does.
            guard (6...60).contains(words), !characters[sentence].contains("\n"),
                  FocusSelection.isComplete(String(characters[sentence])),
                  !FocusSelection.dependsOnSurroundings(String(characters[sentence])), let span = find(in: sentence)
            else { continue }
            return (sentence, span)
        }
        return nil
    }

    /// An extraction sample's form: a text, and a value that says something for every field.
    static func extractionFormat(text: String, values: [String: JSONValue], fields: [ExtractionField]) -> CheckOutcome {
        if text.count < 10 { return CheckOutcome(name: "format", passed: false, score: 0, reason: "text too short") }
        let empty = fields.filter { !$0.isFilled(values[$0.name]) }.map(\.name)
        return CheckOutcome(name: "format", passed: empty.isEmpty, score: empty.isEmpty ? 1 : 0,
                            reason: empty.isEmpty ? "ok" : "no value for " + empty.joined(separator: ", "))
    }

    /// The span rule: every value of a field that must be copied from the text is found in it (a number as
    /// digits, a phrase word for word after normalising case, spaces, quotes and dashes).
    static func fieldSpans(text: String, values: [String: JSONValue], fields: [ExtractionField]) -> CheckOutcome {
        var missing: [String] = []
        for field in fields where field.copied {
            switch (field.type, values[field.name]) {
            case let (.number, .number(n)?):
                if !FieldAgreement.states(n, in: text) { missing.append("\(field.name) \(FieldAgreement.format(n))") }
            default:
                for phrase in ExtractionField.phrases(values[field.name]) where !phrase.isEmpty {
                    if SpanLocator.locate(phrase, in: text)?.confidence != 1 { missing.append("\(field.name) \"\(phrase)\"") }
                }
            }
        }
        return CheckOutcome(name: "field_spans", passed: missing.isEmpty, score: missing.isEmpty ? 1 : 0,
                            reason: missing.isEmpty ? "ok" : "not in the text: " + missing.joined(separator: "; "))
    }

    /// Completeness and provenance: a real question, an answer within bounds, and located support.
    func formatChecks(question: String, answer: String, type: String, spans: [SupportingSpan]) -> [CheckOutcome] {
        var checks = [CheckOutcome(QuestionForm.check(question: question, answer: answer))]
        if type == TaskDefinition.QuestionType.unanswerable.rawValue {
            let ok = answer == PromptBuilder.unanswerableAnswer
            checks.append(CheckOutcome(name: "unanswerable_form", passed: ok, score: ok ? 1 : 0,
                                       reason: ok ? "ok" : "answer must be \"\(PromptBuilder.unanswerableAnswer)\""))
        } else {
            checks.append(CheckOutcome(
                name: "evidence_located", passed: !spans.isEmpty, score: spans.isEmpty ? 0 : 1,
                reason: spans.isEmpty ? "neither evidence nor answer found in the passages" : "ok"))
        }
        return checks
    }
}

/// The shared plan of a run: quotas, the source queue, kept and rejected samples. Workers take slots from it
/// and report back; it decides refinement and replacement.
actor RunState {
    private var quotas: [String: Int]
    private var keptCount: [String: Int] = [:]
    private var inFlight: [String: Int] = [:]
    private let passages: [SourcePassage]
    private var nextPassage = 0
    /// Per-target passage orders (classification); targets without one take `passages` in turn.
    private let passagesByTarget: [String: [SourcePassage]]
    private var nextPassageByTarget: [String: Int] = [:]
    private var nextIndex = 0
    private var pending: [SampleSlot] = []
    private(set) var kept: [GeneratedSample] = []
    private(set) var rejected: [GeneratedSample] = []
    private(set) var usage = (prompt: 0, completion: 0)
    private var targetOrder: [String]
    /// Kept samples' unit question vectors and normalised texts, for duplicate detection. A plain scan: a run
    /// keeps hundreds of samples, not millions, and a scan has no failure to swallow.
    private var keptVectors: [[Float]] = []
    private var keptTexts: Set<String> = []

    private let maxSlots: Int

    /// Source slots started so far.
    var slotsStarted: Int { nextIndex }

    init(quotas: [String: Int], passages: [SourcePassage], seed: UInt64, maxSlots: Int,
         passagesByTarget: [String: [SourcePassage]] = [:]) {
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
            } else if let missing = quotas.keys.sorted().first(where: { needs($0) }) {
                target = missing
            } else {
                return nil
            }
            guard needs(target) else { continue }
            let passage: SourcePassage
            if let own = passagesByTarget[target] {
                let next = nextPassageByTarget[target, default: 0]
                guard next < own.count, nextIndex < maxSlots else { return nil }
                passage = own[next]
                nextPassageByTarget[target] = next + 1
            } else {
                guard nextPassage < passages.count, nextIndex < maxSlots else { return nil }
                passage = passages[nextPassage]
                nextPassage += 1
            }
            let slot = SampleSlot(index: nextIndex, target: target, context: [passage])
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
        _ slot: SampleSlot, samples: [GeneratedSample], vector: [Float]?, duplicateThreshold: Float, maxRounds: Int
    ) -> (kept: Int, pending: Int) {
        inFlight[slot.target, default: 0] -= 1
        var samples = samples
        for i in samples.indices {
            if case let .array(u)? = samples[i].fields.removeValue(forKey: "_usage"), u.count == 2,
               case let .number(p) = u[0], case let .number(c) = u[1]
            {
                usage.prompt += Int(p)
                usage.completion += Int(c)
            }
        }
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
        (sample.question ?? sample.text ?? "").lowercased().split { !$0.isLetter && !$0.isNumber }.joined(separator: " ")
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

import Dataset
import Foundation
import TextAnalysis
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

/// Tokens the writer read and wrote.
public struct TokenUsage: Sendable, Equatable {
    public var prompt = 0
    public var completion = 0

    public init(prompt: Int = 0, completion: Int = 0) {
        self.prompt = prompt
        self.completion = completion
    }
}

/// A request to stop a run early (Ctrl-C), checked before each new model call.
public final class StopRequest: @unchecked Sendable {
    private let lock = NSLock()
    private var requested = false

    public init() {}

    /// Whether a stop has been requested.
    public var isRequested: Bool { lock.withLock { requested } }

    /// Requests the stop.
    public func request() { lock.withLock { requested = true } }
}

/// Errors of the generation pipeline.
public enum GenerationError: Error, CustomStringConvertible, Equatable {
    /// The database has no chunk long enough to generate from.
    case noUsableChunks(database: String)
    /// The offline generator only makes qa tasks.
    case extractiveNeedsQA

    public var description: String {
        switch self {
        case let .noUsableChunks(database): "\(database): no usable chunks to generate from (ingest a corpus first)"
        case .extractiveNeedsQA:
            "the offline extractive generator makes qa tasks only; give --llm URL or install the local model (bash scripts/install-llm.sh)"
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
    let prompts: PromptBuilder

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

    /// Runs the plan; `progress(kept, requested)` is called as samples are kept. Once `stop` is requested, no
    /// new model call starts: the attempts in flight finish and the run returns what it has, with the stop as
    /// its shortfall (every call is journaled, so a rerun replays them and goes on).
    public func run(
        databasePath: String, stop: StopRequest? = nil, progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }
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

        let passagesByTarget = task.kind == .classification ? try passagesFitting(quotas, among: passages)
            : task.kind == .extraction ? passagesNamingCandidates(among: passages) : [:]
        // Targets no passage can serve: the task's subject or candidates pattern matches none.
        let unservable = quotas.keys.filter { passagesByTarget[$0]?.isEmpty == true }.sorted()
        let state = RunState(quotas: quotas, passages: passages, seed: task.seed,
                             maxSlots: max(1, options.sourcesPerSample) * task.count, passagesByTarget: passagesByTarget)
        let workers = max(1, options.concurrency)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<workers {
                group.addTask { [self] in
                    while stop?.isRequested != true, let slot = await state.nextSlot() {
                        let (samples, usage) = try await self.attempt(slot)
                        let vector = samples.last?.isAccepted == true ? try self.dedupVector(samples.last!) : nil
                        let next = await state.finish(
                            slot, samples: samples, usage: usage, vector: vector, duplicateThreshold: self.options.duplicateThreshold,
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
            let exhausted = await state.exhaustedTargets.subtracting(unservable).sorted()
            report.shortfall = stop?.isRequested == true
                ? "stopped on request after \(tried) sources with quotas unmet: \(missing) (rerun the same command to go on)"
                : !unservable.isEmpty
                ? "no usable chunk has what \(unservable.joined(separator: ", ")) needs (a match of the task's subjects or "
                    + "candidates pattern); quotas unmet: \(missing)"
                : !exhausted.isEmpty
                ? "every passage that has what \(exhausted.joined(separator: ", ")) needs (a match of the task's subjects or "
                    + "candidates pattern) was tried; quotas unmet: \(missing)"
                : tried >= options.sourcesPerSample * task.count
                ? "stopped after \(tried) sources (\(options.sourcesPerSample) per requested sample) with quotas unmet: \(missing)"
                : "sources ran out after \(passages.count) usable chunks with quotas unmet: \(missing)"
        }
        return (kept.sorted { $0.id < $1.id }, rejected.sorted { $0.id < $1.id }, report)
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
    /// One attempt at a slot: its samples in the order tried (all but the last rejected) and the writer's tokens.
    private func attempt(_ slot: SampleSlot) async throws -> (samples: [GeneratedSample], usage: TokenUsage) {
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
                return ([noStatement(slot, reason: "no sentence of the source states a \(type.rawValue) fact on its own")],
                        TokenUsage())
            }
            if !candidates.isEmpty {
                let perCall = task.answerStyle == .sentence ? max(1, min(options.draftsPerCall, candidates.count)) : 1
                slot.drafts = (0..<perCall).map { candidates[(slot.round * perCall + $0) % candidates.count] }
                slot.focus = slot.drafts[0]
                if perCall == 1 { slot.drafts = [] }
                slot.context = [slot.context[0]]
            }
        }
        if model != nil, task.kind == .extraction, task.prompts["instructions"] == nil {
            // The text is a statement of the source that names a candidate; the writer only extracts the fields.
            // Each refinement round takes the next statement of the same source, until none is left.
            let texts = FocusSelection.extractionTexts(in: slot.context[0].text, fields: task.fields)
            guard !texts.isEmpty else {
                return ([noStatement(slot, reason: "no sentence of the source states the fields' values on its own")],
                        TokenUsage())
            }
            // Asked again about the same statement, the writer mostly wrote the same values (stop 33: 73 of 231
            // calls repeated an earlier reply): a source whose statements were all tried moves on without a call.
            guard slot.round < texts.count else {
                return ([noStatement(slot, reason: "the source's \(texts.count) statement(s) were tried in earlier rounds")],
                        TokenUsage())
            }
            slot.focus = texts[slot.round]
            slot.context = [slot.context[0]]
        }
        // Classification and extraction texts come from passage [1] alone: neighbours would only be read (they
        // doubled the prompt), and drifted to.
        if slot.context.count == 1, slot.focus == nil, task.kind == .qa {
            slot.context = try context(for: slot.context[0], target: slot.target)
        }
        let drafts: [GeneratedSample]
        var usage = TokenUsage()
        if let model {
            (drafts, usage) = try await modelSamples(slot, model: model)
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
        return (tried, usage)
    }

    /// The check that rejects a source with no statement to ask about (not refined: the next source is tried).
    package static let noFocusStatement = "no_focus_statement"

    /// The rejected sample of a source with no statement to give the writer: no model call was made.
    private func noStatement(_ slot: SampleSlot, reason: String) -> GeneratedSample {
        GeneratedSample(
            id: sampleID(slot), fields: [:], type: slot.target, sourceChunkIDs: [slot.context[0].chunkID],
            spans: [], generator: "llm", model: model?.name ?? "",
            checks: [CheckOutcome(name: Self.noFocusStatement, passed: false, score: 0, reason: reason)],
            round: slot.round, context: slot.context)
    }

    func sampleID(_ slot: SampleSlot) -> String {
        "\(task.seed)-\(slot.index)-\(slot.round)"
    }

    /// The writer's reply for `slot` as samples (one, or one per batched draft), and the tokens of every call
    /// it took.
    private func modelSamples(_ slot: SampleSlot, model: JournaledModel) async throws
        -> (samples: [GeneratedSample], usage: TokenUsage)
    {
        let messages = prompts.messages(for: slot)
        let schema = prompts.schema(for: slot)
        var lastError = ""
        var usage = TokenUsage()
        for retry in 0...options.parseRetries {
            // A focused question has one right content; sampling colder keeps a small model on it.
            let request = CompletionRequest(
                messages: messages, temperature: slot.focus == nil ? options.temperature : min(options.temperature, 0.3),
                maxTokens: options.maxTokens,
                seed: task.seed &* 1_000_003 &+ UInt64(slot.index) &* 101 &+ UInt64(slot.round) &* 7 &+ UInt64(retry),
                jsonSchema: schema)
            let completion = try await model.complete(request)
            usage.prompt += completion.promptTokens
            usage.completion += completion.completionTokens
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
            return (samples, usage)
        }
        let unparseable = GeneratedSample(
            id: sampleID(slot), fields: [:],
            type: slot.target, sourceChunkIDs: slot.context.map(\.chunkID), spans: [], generator: "llm", model: model.name,
            checks: [CheckOutcome(name: "unparseable_output", passed: false, score: 0, reason: lastError)],
            round: slot.round, context: slot.context)
        return ([unparseable], usage)
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

}

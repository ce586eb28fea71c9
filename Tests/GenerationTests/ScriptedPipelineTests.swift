import Dataset
import Embeddings
import Foundation
import Generation
import Grounding
import Ingest
import LanguageModels
import RAGTestSupport
import Retrieval
import Store
import Testing

/// The generation loop's control flow (quotas, refinement rounds, shortfall, parse retries, replay from the
/// journal, dedup) with a SCRIPTED model (`ScriptedLanguageModel`, a fake named as such) over a real SQLite
/// database of the shipped sample corpus (hashing embedder: fast, and embeddings are not the point here).
/// The real-server runs are in `GenerateEndToEndTests`.
@Suite struct ScriptedPipelineTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("corpora/postgresql-sample").path

    /// A database of the sample corpus in `dir`.
    static func database(_ dir: TemporaryDirectory) throws -> (path: String, retriever: Retriever) {
        let path = dir.file("corpus.sqlite")
        let embedder = HashingEmbedder()
        _ = try IngestPipeline(store: try CorpusStore(path: path), embedder: embedder, options: IngestOptions())
            .run(paths: [corpus])
        return (path, try Retriever(store: try CorpusStore(path: path, create: false), embedder: embedder))
    }

    static func task(count: Int) throws -> TaskDefinition {
        try TaskDefinition.parse("""
            domain: "PostgreSQL 15 administration"
            kind: classification
            count: \(count)
            seed: 3
            classification: {labels: [alpha, beta]}
            """)
    }

    /// The class a classification prompt asks for.
    static func askedLabel(_ request: CompletionRequest) -> String {
        let user = request.messages.last?.content ?? ""
        guard let range = user.range(of: #"example of the class "[a-z]+""#, options: .regularExpression) else { return "" }
        return String(user[range].dropFirst("example of the class \"".count).dropLast())
    }

    /// The first sentence of passage [1], which the writer prompt asks the evidence to copy.
    static func evidence(_ request: CompletionRequest) -> String {
        let passage = ScriptedLanguageModel.passage(1, in: request) ?? ""
        let sentence = passage.components(separatedBy: ". ").first ?? passage
        return sentence.trimmingCharacters(in: .whitespaces)
    }

    /// A reply that passes every check: the asked label, a text of its own, the first sentence as evidence.
    static func goodReply(_ request: CompletionRequest, text: String? = nil) -> String {
        let evidence = evidence(request)
        let body = ["text": text ?? "A note about this: \(evidence)", "label": askedLabel(request), "evidence": evidence]
        return String(decoding: try! JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]), as: UTF8.self)
    }

    static func pipeline(_ model: ScriptedLanguageModel, _ db: (path: String, retriever: Retriever), count: Int,
                         options: GenerationOptions = GenerationOptions()) throws -> (GenerationPipeline, JournaledModel) {
        let journaled = JournaledModel(base: model, journal: StoreJournal(store: db.retriever.store))
        return (GenerationPipeline(task: try task(count: count), retriever: db.retriever, model: journaled, filter: nil,
                                   options: options), journaled)
    }

    @Test func meetsEveryQuotaWithOneCallASample() async throws {
        let dir = TemporaryDirectory()
        let db = try Self.database(dir)
        let model = ScriptedLanguageModel { _, request in Self.goodReply(request) }
        let (pipeline, _) = try Self.pipeline(model, db, count: 6)
        let (kept, rejected, report) = try await pipeline.run(databasePath: db.path)
        #expect(kept.count == 6 && rejected.isEmpty)
        #expect(report.keptByType == ["alpha": 3, "beta": 3])
        #expect(model.received.count == 6 && report.modelCalls == 6)
        #expect(report.shortfall == nil)
        // Token usage is summed per attempt: the scripted model reports 10 prompt tokens a call.
        #expect(report.promptTokens == 60 && report.completionTokens > 0)
        #expect(report.tokens == report.promptTokens + report.completionTokens)
        #expect(kept.allSatisfy { $0.fields["_usage"] == nil })
        // Every kept sample carries the label it was asked for and evidence located in its source.
        for sample in kept {
            #expect(sample.fields["label"]?.stringValue == sample.type)
            #expect(!sample.spans.isEmpty && sample.round == 0)
        }
    }

    @Test func aRejectedSampleIsRefinedWithItsReason() async throws {
        let dir = TemporaryDirectory()
        let db = try Self.database(dir)
        // Round 0 answers with the wrong label; the refinement prompt (which quotes the reason) gets it right.
        let model = ScriptedLanguageModel { _, request in
            let refining = request.messages.last?.content.contains("A previous attempt was rejected because") == true
            if refining { return Self.goodReply(request) }
            let wrong = Self.askedLabel(request) == "alpha" ? "beta" : "alpha"
            return Self.goodReply(request).replacingOccurrences(of: "\"label\":\"\(Self.askedLabel(request))\"",
                                                               with: "\"label\":\"\(wrong)\"")
        }
        let (pipeline, _) = try Self.pipeline(model, db, count: 4)
        let (kept, rejected, report) = try await pipeline.run(databasePath: db.path)
        #expect(kept.count == 4)
        #expect(kept.allSatisfy { $0.round == 1 })
        #expect(rejected.count == 4 && rejected.allSatisfy { $0.rejectionReason == "label_matches_target" })
        #expect(report.rejected == ["label_matches_target": 4])
        #expect(report.rounds.first { $0.round == 1 }?.kept == 4)
        let refinements = model.received.filter { $0.messages.last?.content.contains("asked for") == true }
        #expect(refinements.count == 4, "each refinement prompt names the failed check's reason")
    }

    /// A filter running only the round-trip label check, with a SCRIPTED reader (no log-probabilities: the
    /// letter it says decides).
    struct LabelOnlyFilter: SampleFilter {
        let roundTrip: LabelRoundTrip
        func check(_ sample: GeneratedSample) async throws -> [CheckOutcome] {
            [try await roundTrip.check(text: sample.text ?? "", target: sample.fields["label"]?.stringValue ?? "")]
        }
    }

    @Test func aTextTheReaderLabelsOtherwiseIsRejectedAndRefinedWithTheHint() async throws {
        let dir = TemporaryDirectory()
        let db = try Self.database(dir)
        let writer = ScriptedLanguageModel { _, request in Self.goodReply(request) }
        // The reader says every text is of class beta and of no other, whatever it was written for; and No
        // to every class for the empty text its scores are calibrated by.
        let reader = ScriptedLanguageModel(name: "reader") { _, request in
            let prompt = request.messages.last?.content ?? ""
            return !prompt.hasPrefix("Text: \n") && prompt.contains("an example of \"beta\"") ? "Yes" : "No"
        }
        var options = GenerationOptions()
        options.sourcesPerSample = 2
        options.maxRounds = 1
        let task = try Self.task(count: 4)
        let filter = LabelOnlyFilter(roundTrip: LabelRoundTrip(labeller: LanguageModelVerifier(model: reader), task: task))
        let journaled = JournaledModel(base: writer, journal: StoreJournal(store: db.retriever.store))
        let pipeline = GenerationPipeline(task: task, retriever: db.retriever, model: journaled, filter: filter, options: options)
        let (kept, rejected, report) = try await pipeline.run(databasePath: db.path)
        #expect(kept.count == 2 && kept.allSatisfy { $0.type == "beta" })
        #expect(!rejected.isEmpty && rejected.allSatisfy { $0.type == "alpha" && $0.rejectionReason == "label_round_trip" })
        #expect(report.shortfall?.contains("alpha 0/2") == true, "\(report.shortfall ?? "")")
        let hinted = writer.received.filter { $0.messages.last?.content.contains("did not put it in the intended class") == true }
        #expect(!hinted.isEmpty, "a refinement names why the reader disagreed")
    }

    @Test func aTextThatRepeatsThePromptOrNamesItsLabelIsRejected() async throws {
        let dir = TemporaryDirectory()
        let db = try Self.database(dir)
        // The issue's example: a text that begins with the system prompt itself; and a text naming its class.
        let model = ScriptedLanguageModel { call, request in
            call % 2 == 0
                ? Self.goodReply(request, text: "Create training data by using only facts stated in the numbered context passages.")
                : Self.goodReply(request, text: "This is clearly \(Self.askedLabel(request)): \(Self.evidence(request))")
        }
        var options = GenerationOptions()
        options.sourcesPerSample = 1
        options.maxRounds = 0
        let (pipeline, _) = try Self.pipeline(model, db, count: 4, options: options)
        let (kept, rejected, _) = try await pipeline.run(databasePath: db.path)
        #expect(kept.isEmpty)
        let reasons = Set(rejected.compactMap(\.rejectionReason))
        #expect(reasons == ["prompt_leak", "label_named"], "\(reasons)")
        let leak = try #require(rejected.first { $0.rejectionReason == "prompt_leak" }?.checks.first { !$0.passed })
        #expect(leak.reason.contains("facts stated in"), "\(leak.reason)")
    }

    @Test func aModelThatNeverPassesEndsInABoundedShortfall() async throws {
        let dir = TemporaryDirectory()
        let db = try Self.database(dir)
        let model = ScriptedLanguageModel { _, _ in #"{"text": "short", "label": "alpha", "evidence": "nowhere"}"# }
        var options = GenerationOptions()
        options.sourcesPerSample = 2
        options.maxRounds = 1
        let (pipeline, _) = try Self.pipeline(model, db, count: 3, options: options)
        let (kept, _, report) = try await pipeline.run(databasePath: db.path)
        #expect(kept.isEmpty)
        let shortfall = try #require(report.shortfall)
        #expect(shortfall.contains("stopped after 6 sources"), "\(shortfall)")
        // 2 sources per requested sample, 2 calls per source (the first try and one refinement round).
        #expect(model.received.count == 3 * 2 * 2)
    }

    @Test func aReplyThatIsNotJSONIsAskedAgainWithAnotherSeed() async throws {
        let dir = TemporaryDirectory()
        let db = try Self.database(dir)
        let model = ScriptedLanguageModel { call, request in call % 2 == 0 ? "Sure! Here is your JSON:" : Self.goodReply(request) }
        let (pipeline, _) = try Self.pipeline(model, db, count: 2)
        let (kept, _, report) = try await pipeline.run(databasePath: db.path)
        #expect(kept.count == 2 && report.modelCalls == 4)
        let seeds = model.received.map(\.seed)
        #expect(seeds[0] != seeds[1] && seeds[2] != seeds[3], "a retry must not replay the same sampled reply")
    }

    @Test func aRerunReplaysTheJournalAndKeepsTheSameSamples() async throws {
        let dir = TemporaryDirectory()
        let db = try Self.database(dir)
        let first = ScriptedLanguageModel { _, request in Self.goodReply(request) }
        let (kept, _, _) = try await Self.pipeline(first, db, count: 4).0.run(databasePath: db.path)
        let second = ScriptedLanguageModel { _, _ in "the journal should have answered" }
        let (pipeline, journaled) = try Self.pipeline(second, db, count: 4)
        let (replayed, _, report) = try await pipeline.run(databasePath: db.path)
        #expect(second.received.isEmpty && journaled.replayed == 4)
        #expect(report.replayedCalls == 4 && report.modelCalls == 0)
        #expect(replayed.map(\.id) == kept.map(\.id))
        #expect(replayed.map { $0.fields["text"] } == kept.map { $0.fields["text"] })
    }

    /// Ctrl-C: the model is asked to stop after its third call. The call in flight finishes, no other starts, the
    /// run returns what it kept with the stop as its shortfall, and a rerun replays those calls and goes on.
    @Test func aStopRequestEndsTheRunWithWhatItKeptAndARerunGoesOn() async throws {
        let dir = TemporaryDirectory()
        let db = try Self.database(dir)
        let stop = StopRequest()
        let calls = CallCounter()
        let model = ScriptedLanguageModel { _, request in
            calls.count += 1  // one call at a time (concurrency 1)
            if calls.count == 3 { stop.request() }
            return Self.goodReply(request)
        }
        let (pipeline, _) = try Self.pipeline(model, db, count: 6)
        let (kept, _, report) = try await pipeline.run(databasePath: db.path, stop: stop)
        #expect(model.received.count == 3 && kept.count == 3)
        #expect(report.shortfall?.hasPrefix("stopped on request after 3 sources") == true, "\(report.shortfall ?? "")")
        let rest = ScriptedLanguageModel { _, request in Self.goodReply(request) }
        let (again, journaled) = try Self.pipeline(rest, db, count: 6)
        let (all, _, second) = try await again.run(databasePath: db.path)
        #expect(journaled.replayed == 3 && rest.received.count == 3)
        #expect(all.count == 6 && second.shortfall == nil)
        #expect(Set(kept.map(\.id)).isSubset(of: Set(all.map(\.id))))
    }

    /// The card of a classification run describes the label round trip that ran, not the qa verifier's P(Yes)
    /// (stop 28's forum card printed the qa paragraph with "0 samples asked").
    @Test func aClassificationCardDescribesTheLabelRoundTrip() async throws {
        let dir = TemporaryDirectory()
        let db = try Self.database(dir)
        let model = ScriptedLanguageModel { _, request in Self.goodReply(request) }
        let (pipeline, _) = try Self.pipeline(model, db, count: 2)
        var (kept, _, report) = try await pipeline.run(databasePath: db.path)
        report.rejected["label_round_trip"] = 5
        report.verification = GenerationReport.VerificationSummary(
            model: "reader", calls: 12, replayedCalls: 3, promptTokens: 100, seconds: 1, threshold: 0.56, gate: 0.1,
            asked: 0, scored: 0, failed: 0)
        let card = DatasetWriter.card(report: report, task: try Self.task(count: 2), kept: kept)
        #expect(card.contains("labelled by `reader` without seeing its intended label"))
        #expect(card.contains("5 were rejected this way") && card.contains("12 / 3"))
        #expect(!card.contains("Every qa sample"))
    }

    /// A label with a subject pattern draws only passages that have a subject, tells the writer which, and
    /// rejects a text about none of them (the TREC abbreviation class over passages without an abbreviation).
    @Test func aLabelsTextsMustBeAboutASubjectTheirPassageHas() async throws {
        let dir = TemporaryDirectory()
        let db = try Self.database(dir)
        let task = try TaskDefinition.parse("""
            domain: "PostgreSQL 15 administration"
            kind: classification
            count: 6
            seed: 3
            classification:
              labels: [alpha, beta]
              subjects: {beta: '\\b(VACUUM|ANALYZE)\\b'}
            """)
        // Even calls write about the subject the prompt names; odd calls write about the evidence only.
        let writer = ScriptedLanguageModel { call, request in
            let prompt = request.messages.last?.content ?? ""
            guard Self.askedLabel(request) == "beta", call % 2 == 0,
                  let range = prompt.range(of: #"It must be about "[A-Z]+""#, options: .regularExpression)
            else { return Self.goodReply(request) }
            let subject = prompt[range].dropFirst("It must be about \"".count).dropLast()
            return Self.goodReply(request, text: "How often should \(subject) run? \(Self.evidence(request))")
        }
        var options = GenerationOptions()
        options.sourcesPerSample = 3
        options.maxRounds = 0
        let journaled = JournaledModel(base: writer, journal: StoreJournal(store: db.retriever.store))
        let pipeline = GenerationPipeline(task: task, retriever: db.retriever, model: journaled, filter: nil, options: options)
        let (kept, rejected, _) = try await pipeline.run(databasePath: db.path)

        let beta = (kept + rejected).filter { $0.type == "beta" }
        #expect(!beta.isEmpty)
        for sample in beta {
            let passage = try #require(sample.context.first?.text)
            #expect(passage.contains("VACUUM") || passage.contains("ANALYZE"), "a beta passage without a subject")
        }
        #expect(kept.filter { $0.type == "beta" }.allSatisfy { ($0.text ?? "").contains("VACUUM") || ($0.text ?? "").contains("ANALYZE") })
        let off = try #require(rejected.first { $0.rejectionReason == "label_subject" }?.checks.first { !$0.passed })
        #expect(off.reason.contains("about none of its passage's beta subjects"), "\(off.reason)")
        // Alpha has no pattern: no check, and its passages are not narrowed.
        #expect(kept.filter { $0.type == "alpha" }.allSatisfy { $0.checks.allSatisfy { $0.name != "label_subject" } })
        #expect(kept.contains { $0.type == "alpha" })
    }

    /// A label whose subject only one passage has runs out of passages after that one; the run goes on with the
    /// other label instead of ending there, and says which label's passages were all tried.
    @Test func aLabelWhosePassagesRunOutDoesNotStopTheOthers() async throws {
        let dir = TemporaryDirectory()
        let db = try Self.database(dir)
        let task = try TaskDefinition.parse("""
            domain: "PostgreSQL 15 administration"
            kind: classification
            count: 10
            seed: 3
            classification:
              labels: [alpha, beta]
              subjects: {alpha: '\\b(pg_upgrade)\\b'}
            """)
        let writer = ScriptedLanguageModel { _, request in
            Self.askedLabel(request) == "alpha"
                ? Self.goodReply(request, text: "What does pg_upgrade do? \(Self.evidence(request))") : Self.goodReply(request)
        }
        var options = GenerationOptions()
        options.maxRounds = 0
        let journaled = JournaledModel(base: writer, journal: StoreJournal(store: db.retriever.store))
        let pipeline = GenerationPipeline(task: task, retriever: db.retriever, model: journaled, filter: nil, options: options)
        let (kept, rejected, report) = try await pipeline.run(databasePath: db.path)

        let alphaPassages = Set((kept + rejected).filter { $0.type == "alpha" }.compactMap { $0.context.first?.text })
        #expect(alphaPassages.count == 1 && alphaPassages.first?.contains("pg_upgrade") == true)
        #expect(kept.filter { $0.type == "alpha" }.count <= 1)
        #expect(kept.filter { $0.type == "beta" }.count == 5, "the run stopped when alpha ran out")
        #expect(report.shortfall?.contains("every passage that has what alpha needs") == true, "\(report.shortfall ?? "")")
    }

    @Test func aNearDuplicateOfAKeptTextIsRejected() async throws {
        let dir = TemporaryDirectory()
        let db = try Self.database(dir)
        // Texts that differ in their last word only: not the same text, but embeddings closer than 0.95.
        let long = (0..<45).map { "word\($0)" }.joined(separator: " ")
        let model = ScriptedLanguageModel { call, request in Self.goodReply(request, text: "\(long) \(call)") }
        var options = GenerationOptions()
        options.sourcesPerSample = 2
        let (pipeline, _) = try Self.pipeline(model, db, count: 3, options: options)
        let (kept, rejected, report) = try await pipeline.run(databasePath: db.path)
        #expect(kept.count == 1)
        let duplicate = try #require(rejected.first { $0.rejectionReason == "near_duplicate" })
        #expect(duplicate.checks.last?.reason.hasPrefix("cosine") == true, "\(duplicate.checks)")
        #expect((report.rejected["near_duplicate"] ?? 0) >= 1)
        #expect(report.shortfall != nil)
    }
}

/// Counts the scripted model's calls in the stop test (its closure is called from the run's tasks).
private final class CallCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    var count: Int {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}

import Dataset
import Foundation
import Grounding
import Retrieval

/// Ranks a chunk among hybrid (or lexical, without an embedder) search results.
public struct RetrieverPassageRanker: PassageRetriever {
    public let retriever: Retriever

    public init(retriever: Retriever) {
        self.retriever = retriever
    }

    public func rank(of chunkID: String, for question: String, depth: Int) async throws -> Int? {
        guard let id = Int64(chunkID) else { return nil }
        let mode: SearchMode = retriever.embedder == nil ? .lexical : .hybrid
        let results = try retriever.search(question, options: SearchOptions(k: depth, mode: mode))
        return results.firstIndex { $0.chunk.id == id }.map { $0 + 1 }
    }
}

/// The grounding checks (span, claim alignment, question fit, round trip, the verifier model) as a generation filter.
///
/// A qa sample passes when the checker judges its answer supported by the passages the model saw; the
/// round-trip rank of the source chunk is recorded as a difficulty label either way. A classification sample
/// passes when ``labelling`` (when set) gives it its label back, an extraction sample when ``extracting`` (when
/// set) gives it its field values back. Unanswerable questions keep the pipeline's own provenance checks only.
public struct GroundingSampleFilter: SampleFilter {
    public let checker: SupportChecker
    /// Counts what the verifier did, for the report and the card.
    public let tally = VerifierTally()
    /// The task's domain description: names and numbers in it may appear in answers.
    public var background: String?
    /// For answers that are quoted source sentences: the least share of the question's content terms the
    /// answer must contain (see ``QuestionCoverage``); nil to skip.
    public var minimumQuestionCoverage: Double?
    /// Which samples a coverage below the minimum rejects before the checker runs; the others only record it
    /// (as a passed check whose score is the share), and the checker's reader decides them.
    public var coverageGates = CoverageGate.all
    /// Round-trip label verification of classification samples; nil to skip it.
    public var labelling: LabelRoundTrip?
    /// The classification task whose form check `recheck` runs first, as the pipeline does.
    public var classificationTask: TaskDefinition?
    /// Round-trip re-extraction of extraction samples; nil to skip it.
    public var extracting: FieldRoundTrip?
    /// See ``coverageGates``.
    public enum CoverageGate: Sendable {
        /// Every quoted-sentence answer.
        case all
        /// Only answers whose phrase is longer than a fragment: for those the reader's agreement and P(Yes) are
        /// weak signals (README, "Generation with the verifier"), for short ones the reader's answer decides.
        case longAnswers
    }

    public init(checker: SupportChecker, background: String? = nil, minimumQuestionCoverage: Double? = nil,
                coverageGates: CoverageGate = .all) {
        self.checker = checker
        self.background = background
        self.minimumQuestionCoverage = minimumQuestionCoverage
        self.coverageGates = coverageGates
    }

    /// The filter `rag generate` runs for `task`: the domain as background, and question coverage at 0.65 for
    /// quoted-sentence answers.
    ///
    /// With the reader deciding, coverage gates long answers only: on a fresh-seed run it rejected 43 drafts
    /// before any model read them, most of the short ones right (README, "Generation with the verifier"), while
    /// long answers are where the model's signals are weak. Without a reader it gates every answer.
    /// - Parameter gateEveryAnswer: let coverage gate every quoted-sentence answer even with a reader.
    public init(checker: SupportChecker, task: TaskDefinition, gateEveryAnswer: Bool = false) {
        self.init(checker: checker, domain: task.domain, answerStyle: task.answerStyle, gateEveryAnswer: gateEveryAnswer)
        if task.kind == .classification {
            classificationTask = task
            if let labeller = checker.verifier as? any TextLabeller { labelling = LabelRoundTrip(labeller: labeller, task: task) }
        }
        if task.kind == .extraction, let extractor = checker.verifier as? any FieldExtractor {
            extracting = FieldRoundTrip(extractor: extractor, fields: task.fields, configuration: checker.configuration,
                                        verifier: checker.verifier)
        }
    }

    /// The same, from a task's domain and answer style (`rag filter` without the task file: no domain).
    public init(checker: SupportChecker, domain: String?, answerStyle: TaskDefinition.AnswerStyle,
                gateEveryAnswer: Bool = false) {
        let readerDecides = checker.verifier is any QuestionAnswerer && checker.configuration.answerRoundTrip
        self.init(checker: checker, background: domain,
                  minimumQuestionCoverage: answerStyle == .sentence ? 0.65 : nil,
                  coverageGates: gateEveryAnswer || !readerDecides ? .all : .longAnswers)
    }

    /// The checker configuration for a task's answer style: span answers must be extractive.
    public static func configuration(for answerStyle: TaskDefinition.AnswerStyle) -> SupportChecker.Configuration {
        var configuration = SupportChecker.Configuration()
        configuration.answerStyle = answerStyle == .span ? .extractive : .automatic
        return configuration
    }

    /// What `rag filter` runs on a sample read back from a dataset: the form check, the span-first checks the
    /// pipeline runs on a reply with an answer phrase (the phrase is in the record), then ``check(_:)``. With the same task, database
    /// and journal, it reaches the decision `rag generate` reached.
    public func recheck(_ sample: GeneratedSample) async throws -> [CheckOutcome] {
        // A classification or extraction sample: its round trip, when the filter has one; for extraction the
        // cheap description-echo gate first, as the pipeline runs it.
        guard let question = sample.question else {
            if let extracting, let values = sample.fields["fields"]?.objectValue,
               let echo = PromptLeakage.descriptionEcho(values: values, fields: extracting.fields) {
                return [echo]
            }
            if let task = classificationTask, let text = sample.text {
                if let problem = task.classificationFormProblem(text: text, label: sample.fields["label"]?.looseString ?? "") {
                    return [CheckOutcome(name: "format", passed: false, score: 0, reason: problem)]
                }
                if !task.textsAreQuestions, let mention = PromptLeakage.sourceMention(in: text) { return [mention] }
                if let form = task.labelFormCheck(text: text, label: sample.fields["label"]?.looseString ?? ""), !form.passed {
                    return [form]
                }
                if let focusChecks = task.questionFocusChecks(question: text, focus: sample.fields["focus"]?.stringValue,
                                                              passages: sample.context.map(\.text)),
                   focusChecks.contains(where: { !$0.passed }) {
                    return focusChecks
                }
            }
            return try await check(sample)
        }
        // In the pipeline's order: the form first, then the phrase, then the checking stage.
        let form = CheckOutcome(QuestionForm.check(question: question, answer: sample.answer ?? ""))
        if !form.passed { return [form] }
        if let phrase = sample.fields["answer_span"]?.stringValue {
            let spanFirst = QuestionForm.spanFirstChecks(question: question, span: phrase).map(CheckOutcome.init)
            if spanFirst.contains(where: { !$0.passed }) { return spanFirst }
        }
        return try await check(sample)
    }

    public func check(_ sample: GeneratedSample) async throws -> [CheckOutcome] {
        if let labelling, let text = sample.text, let target = sample.fields["label"]?.stringValue {
            return [try await labelling.check(text: text, target: target)]
        }
        if let extracting, let text = sample.text, let values = sample.fields["fields"]?.objectValue {
            return [try await extracting.check(text: text, values: values)]
        }
        guard let question = sample.question, let answer = sample.answer,
              sample.type != TaskDefinition.QuestionType.unanswerable.rawValue
        else { return [] }
        // The word-level coverage check is cheap: a sample it gates out costs no verifier call.
        let phrase = sample.fields["answer_span"]?.stringValue ?? answer
        let coverage = minimumQuestionCoverage.flatMap { minimum in
            sample.spans.contains(where: { $0.text == answer })
                ? QuestionCoverage.check(question: question, answer: answer, background: background, minimum: minimum,
                                         gates: coverageGates == .all || !checker.configuration.isFragmentAnswer(phrase))
                : nil
        }
        let coverageOutcome = coverage.map(CheckOutcome.init)
        if let coverageOutcome, !coverageOutcome.passed { return [coverageOutcome] }
        var outcomes: [CheckOutcome] = []
        let verdict = try await checker.verdict(for: GroundingSample(
            question: question, answer: answer, passages: sample.context.map(\.text),
            sourceChunkID: sample.sourceChunkIDs.first.map(String.init), background: background,
            shortAnswer: sample.fields["answer_span"]?.stringValue))
        if let check = verdict.check(named: "verifier") { tally.count(check) }
        if let check = verdict.check(named: "answer_round_trip") { tally.countRoundTrip(check) }
        let details = verdict.checks.map { String(format: "%@ %.2f", $0.name, $0.score) }.joined(separator: ", ")
        if verdict.isSupported {
            outcomes.append(CheckOutcome(
                name: "grounding", passed: true, score: verdict.score,
                reason: "supported (\(verdict.decidedBy.rawValue)): \(details)"))
        } else {
            outcomes.append(CheckOutcome(
                name: verdict.rejectionName ?? "unsupported_score", passed: false, score: verdict.score,
                reason: (verdict.rejectionReason ?? "below threshold") + " [\(details)]"))
        }
        if let coverageOutcome { outcomes.append(coverageOutcome) }
        if let roundTrip = verdict.check(named: "round_trip") {
            // A difficulty label, not a gate: a question that does not retrieve its source is hard, not wrong.
            outcomes.append(CheckOutcome(name: "round_trip_rank", passed: true, score: roundTrip.score,
                                         reason: roundTrip.reason))
        }
        return outcomes
    }
}

/// Thread-safe counts of the verifier checks a filter saw.
public final class VerifierTally: @unchecked Sendable {
    private let lock = NSLock()
    private var counts = (asked: 0, scored: 0, failed: 0, roundTrips: 0, roundTripRejected: 0, skipped: 0)

    func countRoundTrip(_ check: CheckResult) {
        lock.withLock {
            counts.roundTrips += 1
            if !check.passed { counts.roundTripRejected += 1 }
            if check.features["failed"] == 1 { counts.failed += 1 }
        }
    }

    func count(_ check: CheckResult) {
        lock.withLock {
            if check.features["asked"] == 1 { counts.asked += 1 }
            if check.features["skipped"] == 1 { counts.skipped += 1 }
            if check.features["scored"] == 1 { counts.scored += 1 }
            if check.features["failed"] == 1 { counts.failed += 1 }
        }
    }

    public var asked: Int { lock.withLock { counts.asked } }
    public var scored: Int { lock.withLock { counts.scored } }
    public var failed: Int { lock.withLock { counts.failed } }
    public var roundTrips: Int { lock.withLock { counts.roundTrips } }
    public var roundTripRejected: Int { lock.withLock { counts.roundTripRejected } }
    /// Samples kept on the reader's confident, agreeing answer without the P(Yes) call.
    public var skipped: Int { lock.withLock { counts.skipped } }
}

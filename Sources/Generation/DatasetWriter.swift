import Dataset
import Foundation

/// Writes a generated dataset: the kept samples as JSONL, the rejected ones (with their reasons) beside them,
/// and a Markdown dataset card. Each file is written to a temporary name and renamed, so an interrupted run
/// never leaves half a dataset.
public enum DatasetWriter {
    /// Paths of the files written for `output`.
    public static func companionPaths(for output: String) -> (rejected: String, card: String) {
        let base = output.hasSuffix(".jsonl") ? String(output.dropLast(6)) : output
        return (base + ".rejected.jsonl", base + ".card.md")
    }

    public static func write(
        kept: [GeneratedSample], rejected: [GeneratedSample], report: GenerationReport, task: TaskDefinition,
        to output: String
    ) throws {
        let (rejectedPath, cardPath) = companionPaths(for: output)
        try JSONLines.writeAtomically(jsonl(kept, includeContext: false), to: output)
        try JSONLines.writeAtomically(jsonl(rejected, includeContext: true), to: rejectedPath)
        try JSONLines.writeAtomically(card(report: report, task: task, kept: kept), to: cardPath)
    }

    static func jsonl(_ samples: [GeneratedSample], includeContext: Bool) -> String {
        JSONLines.text(of: samples.map { $0.record(includeContext: includeContext) })
    }

    private static func format(_ value: Double) -> String { String(format: "%.2f", value) }

    /// The dataset card: task, counts, rejections by reason, distributions, coverage and refinement rounds.
    public static func card(report: GenerationReport, task: TaskDefinition, kept: [GeneratedSample]) -> String {
        var md = "# Dataset card\n\n"
        md += "- Domain: \(task.domain)\n- Task: \(task.kind.rawValue), \(task.count) requested, language \(task.language), seed \(task.seed)\n"
        if task.kind == .classification {
            md += "- Labels (\(task.textForm)): " + task.labels.map { label in
                task.labelDefinitions[label].map { "`\(label)` (\($0))" } ?? "`\(label)`"
            }.joined(separator: "; ") + "\n"
            for label in task.labels {
                for example in task.seedExamples[label] ?? [] {
                    md += "- Seed example given by the task for `\(label)` (shown to the writer, not part of the dataset): \(example)\n"
                }
            }
        }
        md += "- Generator: \(report.generator) (model \(report.model))\n"
        md += "- Kept \(report.kept) of \(report.generated) generated"
        md += String(format: " in %.1f s; %d model calls, %d replayed from the journal; %d tokens\n",
                     report.seconds, report.modelCalls, report.replayedCalls, report.tokens)
        if report.modelCalls > 0 {
            md += String(format: "- Throughput: %.2f kept samples a minute; %.1f%% of the time waiting on the model, %.1f%% in rag's own work (sampling, retrieval, checks, journal)\n",
                         report.samplesPerMinute, (1 - report.overheadShare) * 100, report.overheadShare * 100)
        }
        if let answered = report.closedBookAnswered {
            md += "- Closed-book check: the model answered \(answered) of \(report.kept) kept questions without context (tagged `closed_book`: they do not test grounding)\n"
        }
        if let shortfall = report.shortfall { md += "- Shortfall: \(shortfall)\n" }
        if let perKept = report.callsPerKeptSample {
            md += String(format: "- Model calls per kept sample (writer and verifier): %.2f\n", perKept)
        }
        md += "\n## Verification\n\n"
        if let v = report.verification, task.kind == .classification {
            md += "Every text that passed the cheap gates (form, evidence located, prompt leakage, label named) was "
                + "labelled by `\(v.model)` without seeing its intended label: class by class, P(Yes) to \"is this "
                + "\(task.textForm) of that class?\" from log-probabilities, calibrated in log-odds against the same "
                + "question about an empty text. A text was kept only when its intended label led every other by at least "
                + "\(format(LabelRoundTrip.defaultMargin)); \(report.rejected["label_round_trip"] ?? 0) were rejected "
                + "this way (`label_round_trip`). Verifier calls made / replayed: \(v.calls) / \(v.replayedCalls).\n"
        } else if let v = report.verification, task.kind == .extraction {
            md += "Every text that passed the cheap gates was read by `\(v.model)`, which extracted the fields again "
                + "without seeing the writer's values; a sample was kept only when the two agree field by field "
                + "(`extraction_round_trip`), each copied value is what its field asks for (`extraction_field_fit`), and "
                + "a field whose question names another field's value was answered by the reader alike (`extraction_question`). "
                + "Verifier calls made / replayed: \(v.calls) / \(v.replayedCalls).\n"
        } else if let v = report.verification {
            md += "Every qa sample that passed the word-level checks (combined score ≥ \(format(v.gate)), the gate) was read by "
                + "`\(v.model)`" + (v.model == report.model ? " (the writer, in a fresh conversation that sees only the passage)"
                    : ", which did not write it") + ", and kept only when its P(Yes) to \"does the passage answer this "
                + "exact question, with the proposed answer?\" reached \(format(v.threshold)).\n\n"
            if let agreement = v.agreementThreshold {
                md += "Each sample it accepted then went through round-trip answering: the same model answered the question "
                    + "from the passage without seeing the sample's answer, and the sample was kept only when the two agree "
                    + "(token F1, or for a sentence answer the share of the reader's phrase found in it in order, at least "
                    + "\(format(agreement))" + (v.longAgreementThreshold.map { $0 > agreement
                        ? ", and at least \(format($0)) for an answer longer than a phrase" : "" } ?? "")
                    + "). \(v.roundTrips) questions were answered this way; \(v.roundTripRejected) "
                    + "were rejected for a disagreeing answer.\n\n"
                if let confidence = v.readerConfidence {
                    md += "The reader answered first: a disagreeing answer rejected the sample with one call, and "
                        + "\(v.keptOnReader) samples whose answer agreed, from a reader whose probability of answering "
                        + "at all (rather than \"unanswerable\", from log-probabilities) was at least \(format(confidence)), "
                        + "were kept without the P(Yes) call.\n\n"
                }
            }
            md += "| measure | value |\n|---|---:|\n"
            md += "| samples asked | \(v.asked) |\n| scored from log-probabilities | \(v.scored) |\n| verifier failures (rejected) | \(v.failed) |\n"
            md += "| calls made / replayed | \(v.calls) / \(v.replayedCalls) |\n| prompt tokens | \(v.promptTokens) |\n"
            md += String(format: "| seconds waiting on the verifier | %.1f |\n", v.seconds)
            if v.scored < v.asked - v.failed {
                md += "\nThe server returned no log-probabilities for \(v.asked - v.failed - v.scored) samples: the sampled Yes/No decided them, without a score.\n"
            }
        } else {
            md += "No verifier model ran: samples were kept on the word-level checks alone, which match words and do not read.\n"
        }
        md += "\n## Kept by type or label\n\n| type | target | kept |\n|---|---:|---:|\n"
        let targets: [String: Int]
        switch task.kind {
        case .qa: targets = Dictionary(uniqueKeysWithValues: task.questionTypeQuotas.map { ($0.key.rawValue, $0.value) })
        case .classification: targets = task.labelQuotas
        case .extraction: targets = ["extraction": task.count]
        }
        for key in Set(targets.keys).union(report.keptByType.keys).sorted() {
            md += "| \(key) | \(targets[key] ?? 0) | \(report.keptByType[key] ?? 0) |\n"
        }
        md += String(format: "\nLargest gap between kept and target mix: %.1f points.\n", report.mixDeviationPoints)
        if let d = report.diversity {
            md += "\n## Diversity\n\n| measure | value |\n|---|---:|\n"
            md += String(format: "| distinct-1 (unique words / words) | %.3f |\n| distinct-2 (unique word pairs / pairs) | %.3f |\n", d.distinct1, d.distinct2)
            md += String(format: "| mean pairwise cosine of questions | %.3f |\n", d.meanPairwiseCosine)
            md += String(format: "| near-duplicate questions before dedup (cosine ≥ %.2f) | %.1f%% |\n", d.threshold,
                         d.nearDuplicateRateBeforeDedup * 100)
            md += "| removed by dedup | \(d.removedAsDuplicates) |\n"
            md += String(format: "| near-duplicate questions kept | %.1f%% |\n", d.nearDuplicateRate * 100)
        }
        md += "\n## Rejections by reason\n\n"
        if report.rejected.isEmpty {
            md += "None.\n"
        } else {
            md += "| reason | samples |\n|---|---:|\n"
            for (reason, n) in report.rejected.sorted(by: { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }) {
                md += "| \(reason) | \(n) |\n"
            }
        }
        md += "\n## Refinement rounds\n\n| round | kept | rejected |\n|---:|---:|---:|\n"
        for r in report.rounds { md += "| \(r.round) | \(r.kept) | \(r.rejected) |\n" }
        let c = report.coverage
        md += "\n## Sources\n\n"
        md += "- Documents: \(c.documents) (\(c.usableDocuments) with usable chunks); kept samples come from \(report.documentsUsed)\n"
        md += "- Chunks: \(c.chunks), usable \(c.usableChunks); skipped \(c.skippedShort) too short, \(c.skippedBoilerplate) boilerplate\n"
        let lengths = kept.compactMap { ($0.question ?? $0.text)?.split(whereSeparator: \.isWhitespace).count }
        if !lengths.isEmpty {
            let sorted = lengths.sorted()
            md += "\n## Lengths\n\n- Question/text words: min \(sorted.first!), median \(sorted[sorted.count / 2]), max \(sorted.last!)\n"
            let answers = kept.compactMap { $0.answer?.split(whereSeparator: \.isWhitespace).count }.sorted()
            if !answers.isEmpty {
                md += "- Answer words: min \(answers.first!), median \(answers[answers.count / 2]), max \(answers.last!)\n"
            }
        }
        return md
    }
}

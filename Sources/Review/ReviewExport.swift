import Dataset
import Foundation
import Store

/// Writes the reviewed dataset: the samples people accepted, with their edits applied.
public enum ReviewExport {
    /// One JSONL line per sample whose majority verdict is accept (and, with `includeUnreviewed`, per
    /// automatically kept sample nobody reviewed). Edited fields replace the originals (the latest edit wins)
    /// and each line gains `"review": {"verdict", "reviewers", "edited"}`. Returns the lines, in dataset order.
    /// - Throws: ``ReviewError/malformedEdit(id:)`` for a stored edit that is not a JSON object (never skipped
    ///   silently: the reviewer's work would be lost).
    public static func lines(dataset: ReviewDataset, reviews: [SampleReview], includeUnreviewed: Bool = false) throws
        -> [String]
    {
        let bySample = Dictionary(grouping: reviews, by: \.sampleID)
        var lines: [String] = []
        for item in dataset.items {
            let sampleReviews = bySample[item.id] ?? []
            let verdict = ReviewAgreement.majority(sampleReviews)
            let unreviewedKept = sampleReviews.isEmpty && includeUnreviewed && item.automaticallyKept
            guard verdict == .accept || unreviewedKept else { continue }
            // The record text came through the dataset reader, so it is an object.
            guard var object = (try? JSONValue.parse(item.recordText))?.objectValue else {
                throw ReviewError.malformedLine(path: dataset.path, line: 0, reason: "sample \(item.id) is not a JSON object")
            }
            let latestEdit = sampleReviews.filter { $0.edited != nil }.max { $0.reviewedAt < $1.reviewedAt }
            if let edit = latestEdit?.edited {
                guard let changes = (try? JSONValue.parse(edit))?.objectValue else { throw ReviewError.malformedEdit(id: item.id) }
                for (key, value) in changes {
                    if key.hasPrefix("fields."), var nested = object["fields"]?.objectValue {
                        nested[String(key.dropFirst(7))] = value
                        object["fields"] = .object(nested)
                    } else {
                        object[key] = value
                    }
                }
            }
            object["review"] = [
                "verdict": .string(sampleReviews.isEmpty ? "unreviewed" : "accept"),
                "reviewers": .array(Array(Set(sampleReviews.map(\.reviewer))).sorted().map(JSONValue.string)),
                "edited": .bool(latestEdit != nil),
            ]
            lines.append(JSONValue.object(object).jsonText)
        }
        return lines
    }

    /// Writes ``lines(dataset:reviews:includeUnreviewed:)`` to `path` atomically; returns how many.
    @discardableResult
    public static func write(to path: String, dataset: ReviewDataset, reviews: [SampleReview],
                             includeUnreviewed: Bool = false) throws -> Int {
        let lines = try lines(dataset: dataset, reviews: reviews, includeUnreviewed: includeUnreviewed)
        do { try JSONLines.writeAtomically(lines.map { $0 + "\n" }.joined(), to: path) } catch let DatasetError.cannotWrite(_, reason) {
            throw ReviewError.cannotWrite(path: path, reason: reason)
        }
        return lines.count
    }
}

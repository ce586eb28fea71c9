import Foundation
import Store

/// Writes the reviewed dataset: the samples people accepted, with their edits applied.
public enum ReviewExport {
    /// One JSONL line per sample whose majority verdict is accept (and, with `includeUnreviewed`, per
    /// automatically kept sample nobody reviewed). Edited fields replace the originals (the latest edit wins)
    /// and each line gains `"review": {"verdict", "reviewers", "edited"}`. Returns the lines, in dataset order.
    public static func lines(dataset: ReviewDataset, reviews: [SampleReview], includeUnreviewed: Bool = false) -> [String] {
        let bySample = Dictionary(grouping: reviews, by: \.sampleID)
        var lines: [String] = []
        for item in dataset.items {
            let sampleReviews = bySample[item.id] ?? []
            let verdict = ReviewAgreement.majority(sampleReviews)
            let unreviewedKept = sampleReviews.isEmpty && includeUnreviewed && item.automaticallyKept
            guard verdict == .accept || unreviewedKept else { continue }
            guard var object = (try? JSONSerialization.jsonObject(with: Data(item.recordText.utf8))) as? [String: Any] else { continue }
            let latestEdit = sampleReviews.filter { $0.edited != nil }.max { $0.reviewedAt < $1.reviewedAt }
            if let edit = latestEdit?.edited,
               let changes = (try? JSONSerialization.jsonObject(with: Data(edit.utf8))) as? [String: Any] {
                for (key, value) in changes {
                    if key.hasPrefix("fields."), var nested = object["fields"] as? [String: Any] {
                        nested[String(key.dropFirst(7))] = value
                        object["fields"] = nested
                    } else {
                        object[key] = value
                    }
                }
            }
            object["review"] = [
                "verdict": sampleReviews.isEmpty ? "unreviewed" : "accept",
                "reviewers": Array(Set(sampleReviews.map(\.reviewer))).sorted(),
                "edited": latestEdit != nil,
            ] as [String: Any]
            if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) {
                lines.append(String(decoding: data, as: UTF8.self))
            }
        }
        return lines
    }

    /// Writes ``lines(dataset:reviews:includeUnreviewed:)`` to `path` atomically; returns how many.
    @discardableResult
    public static func write(to path: String, dataset: ReviewDataset, reviews: [SampleReview],
                             includeUnreviewed: Bool = false) throws -> Int {
        let lines = lines(dataset: dataset, reviews: reviews, includeUnreviewed: includeUnreviewed)
        let text = lines.map { $0 + "\n" }.joined()
        do { try text.write(toFile: path, atomically: true, encoding: .utf8) } catch {
            throw ReviewError.cannotRead(path: path, reason: "cannot write: \((error as NSError).localizedDescription)")
        }
        return lines.count
    }
}

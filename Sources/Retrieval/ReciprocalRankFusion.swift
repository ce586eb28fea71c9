/// Reciprocal rank fusion (Cormack, Clarke and Büttcher, 2009): an item's score is Σ 1 / (k + rank) over the
/// rankings that hold it (rank from 1). It needs no score calibration between rankings, which is why it
/// suits BM25 next to cosine similarity.
public enum ReciprocalRankFusion {
    /// The fused ranking of `rankings` (each best first, without duplicates), best first; ties keep the
    /// order of first appearance.
    public static func fuse<ID: Hashable>(_ rankings: [[ID]], k: Double = 60) -> [(id: ID, score: Double)] {
        var scores: [ID: Double] = [:]
        var order: [ID] = []
        for ranking in rankings {
            for (position, id) in ranking.enumerated() {
                if scores[id] == nil { order.append(id) }
                scores[id, default: 0] += 1 / (k + Double(position + 1))
            }
        }
        let firstSeen = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        return order.map { ($0, scores[$0]!) }.sorted {
            $0.score != $1.score ? $0.score > $1.score : firstSeen[$0.id]! < firstSeen[$1.id]!
        }
    }
}

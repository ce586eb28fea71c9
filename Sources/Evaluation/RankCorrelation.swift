/// Agreement between two rankings of the same systems (for example retrieval configurations scored on
/// generated questions and on real ones).
public enum RankCorrelation {
    /// Kendall's tau-b of paired scores: +1 when both order every pair alike, −1 when opposite; ties on
    /// either side are corrected for (tau-b), and a pair tied on both sides counts for nothing.
    /// - Returns: 0 when either side is constant or fewer than two pairs are given.
    /// - Complexity: O(n²), for the handful of configurations it is meant for.
    public static func kendallTau(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count, "kendallTau needs paired scores")
        var concordant = 0.0, discordant = 0.0, tiedX = 0.0, tiedY = 0.0
        for i in 0..<x.count {
            for j in (i + 1)..<x.count {
                let dx = x[i] - x[j], dy = y[i] - y[j]
                if dx == 0 && dy == 0 { continue }
                if dx == 0 { tiedX += 1; continue }
                if dy == 0 { tiedY += 1; continue }
                if (dx > 0) == (dy > 0) { concordant += 1 } else { discordant += 1 }
            }
        }
        let denominator = ((concordant + discordant + tiedX) * (concordant + discordant + tiedY)).squareRoot()
        return denominator == 0 ? 0 : (concordant - discordant) / denominator
    }
}

/// How much two word sequences (word keys, in practice) share: the one longest-common-run and the one token F1
/// behind the restatement check, round-trip agreement, span matching and the closed-book check.
public enum WordOverlap {
    /// The length of the longest run of consecutive elements that `a` and `b` share; 0 when either is empty.
    public static func longestCommonRun<Element: Equatable>(_ a: [Element], _ b: [Element]) -> Int {
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        var previous = [Int](repeating: 0, count: b.count + 1)
        var current = previous
        var best = 0
        for item in a {
            for j in 1...b.count {
                current[j] = item == b[j - 1] ? previous[j - 1] + 1 : 0
                best = max(best, current[j])
            }
            swap(&previous, &current)
        }
        return best
    }

    /// SQuAD-style token F1: the harmonic mean of precision and recall of the multiset overlap of
    /// `prediction` with `reference`; 0 when either is empty.
    public static func f1<Element: Hashable>(_ prediction: [Element], _ reference: [Element]) -> Double {
        guard !prediction.isEmpty, !reference.isEmpty else { return 0 }
        var remaining: [Element: Int] = [:]
        for item in reference { remaining[item, default: 0] += 1 }
        var common = 0
        for item in prediction where remaining[item, default: 0] > 0 {
            remaining[item]! -= 1
            common += 1
        }
        guard common > 0 else { return 0 }
        let precision = Double(common) / Double(prediction.count), recall = Double(common) / Double(reference.count)
        return 2 * precision * recall / (precision + recall)
    }
}

/// The longest run of consecutive items two sequences share (word keys, in practice): how much of an answer
/// is copied from a question or a passage, in one place.
public enum CommonRun {
    /// The length of the longest run of consecutive elements that `a` and `b` share; 0 when either is empty.
    public static func longest<Element: Equatable>(_ a: [Element], _ b: [Element]) -> Int {
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
}

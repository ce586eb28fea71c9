/// distinct-n (Li et al., 2016): the share of n-grams that are distinct, over a set of tokenised texts.
public enum DistinctNGrams {
    /// Distinct n-grams over all n-grams of all `texts` (0 when there are none).
    public static func ratio(_ texts: [[String]], n: Int) -> Double {
        var seen: Set<ArraySlice<String>> = []
        var total = 0
        for words in texts where words.count >= n {
            for start in 0...(words.count - n) {
                seen.insert(words[start..<(start + n)])
                total += 1
            }
        }
        return total == 0 ? 0 : Double(seen.count) / Double(total)
    }
}

/// A light English suffix stripper for matching content words across inflections ("sacks" ~ "sack",
/// "founded" ~ "found", "studies" ~ "study"). Deliberately conservative: it only has to map inflections of
/// one word to one key; it never needs to produce a real word.
public enum Stemmer {
    /// The stem of a matching key (numbers and short words are returned unchanged).
    public static func stem(_ key: String) -> String {
        guard key.count > 3, key.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic }) else { return key }
        var word = key
        if word.hasSuffix("ies"), word.count > 4 {
            word.removeLast(3)
            return word + "y"
        }
        if word.hasSuffix("sses") {
            word.removeLast(2)
            return word
        }
        if word.hasSuffix("es"), word.count > 4, let last = word.dropLast(2).last, "sxz".contains(last) {
            word.removeLast(2)
            return word
        }
        if word.hasSuffix("s"), !word.hasSuffix("ss"), !word.hasSuffix("us"), !word.hasSuffix("is") {
            word.removeLast()
        }
        if word.hasSuffix("ing"), word.count > 5 {
            word.removeLast(3)
            return undoubled(word)
        }
        if word.hasSuffix("ed"), word.count > 4 {
            word.removeLast(2)
            if word.hasSuffix("i") {
                word.removeLast()
                return word + "y"
            }
            return undoubled(word)
        }
        if word.hasSuffix("e"), word.count > 4 {
            word.removeLast()
        }
        return word
    }

    /// "stopp" → "stop", but "fall" and "pass" stay.
    private static func undoubled(_ word: String) -> String {
        let scalars = Array(word.unicodeScalars)
        guard scalars.count > 3, scalars[scalars.count - 1] == scalars[scalars.count - 2],
              !"lsz".unicodeScalars.contains(scalars[scalars.count - 1]) else {
            return word.hasSuffix("e") ? String(word.dropLast()) : word
        }
        return String(word.dropLast())
    }
}

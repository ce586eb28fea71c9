import Foundation

/// The distinct matches of a regular expression in `text`, in order: each match's first capture group when the
/// pattern has one and it took part, else the whole match. Empty when `pattern` is not a regular expression.
///
/// What a task's patterns find in a passage: a label's subjects ("American Sign Language (ASL)" → "ASL"), a
/// field's candidate values (`work_mem`, `VACUUM`).
public func distinctMatches(of pattern: String, in text: String) -> [String] {
    guard let expression = try? NSRegularExpression(pattern: pattern) else { return [] }
    var found: [String] = []
    for match in expression.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
        let group = match.numberOfRanges > 1 && match.range(at: 1).location != NSNotFound ? match.range(at: 1) : match.range
        guard let range = Range(group, in: text) else { continue }
        let value = String(text[range])
        if !value.isEmpty, !found.contains(value) { found.append(value) }
    }
    return found
}

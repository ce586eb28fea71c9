/// Offsets: the generators find sentences and phrases in Characters (what a reader sees), and spans are stored
/// in Unicode scalars (what the store and Grounding count, Python's `str` indexing). A character with a
/// combining mark, a flag or a ZWJ emoji is one Character and several scalars, so a range is converted once,
/// where a span is made.
extension String {
    /// `range` (Character offsets into this string) as Unicode scalar offsets.
    func scalarRange(ofCharacters range: Range<Int>) -> Range<Int> {
        var scalars = 0
        var lower = 0
        for (index, character) in enumerated() {
            if index == range.lowerBound { lower = scalars }
            if index == range.upperBound { return lower..<scalars }
            scalars += character.unicodeScalars.count
        }
        return (range.lowerBound >= count ? scalars : lower)..<scalars
    }

    /// `range` (Unicode scalar offsets into this string) as Character offsets; a bound inside a Character
    /// widens the range to the whole Character.
    func characterRange(ofScalars range: Range<Int>) -> Range<Int> {
        var scalars = 0
        var lower: Int?
        var index = 0
        for character in self {
            if lower == nil, scalars >= range.lowerBound { lower = index }
            if scalars >= range.upperBound { return (lower ?? index)..<index }
            scalars += character.unicodeScalars.count
            index += 1
        }
        return (lower ?? index)..<index
    }
}

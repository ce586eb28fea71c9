/// A checkable detail of an answer: a number, a date part, a unit or a name. Each must appear in the context
/// the answer is aligned to.
public struct Fact: Sendable, Hashable, CustomStringConvertible {
    /// What kind of detail.
    public enum Kind: String, Sendable, Hashable {
        /// A quantity ("308", "ten", "3.5 million", "19th").
        case number
        /// A year or a month name.
        case date
        /// A unit after a number ("km", "%", "years").
        case unit
        /// A capitalised name ("Kawann", "Broncos").
        case entity
    }

    /// The kind of detail.
    public let kind: Kind
    /// The matching value: a number's key, a unit's canonical name, a name's stem.
    public let value: String
    /// The value of a number with its scale word applied ("3.5 million" → 3,500,000), if it is one.
    public let magnitude: Double?
    /// The detail as written in the answer.
    public let text: String

    /// Creates a fact.
    public init(kind: Kind, value: String, magnitude: Double? = nil, text: String) {
        self.kind = kind
        self.value = value
        self.magnitude = magnitude
        self.text = text
    }

    public var description: String { "\(kind.rawValue) \"\(text)\"" }
}

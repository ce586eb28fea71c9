import Foundation

/// The BERT uncased WordPiece tokenizer, giving exactly the token ids of the reference (Hugging Face fast)
/// tokenizer of sentence-transformers models such as all-MiniLM-L6-v2.
///
/// See ``BertNormalizer`` for the clean-up and splitting steps. Each word is then split greedily into the
/// longest vocabulary pieces, continuation pieces carrying the `##` prefix; a word longer than
/// ``maxInputCharsPerWord`` scalars, or one the vocabulary cannot cover (emoji, most symbols), becomes a single
/// `[UNK]`.
///
/// **Special tokens in raw text.** Like the reference tokenizer, the literal, case-sensitive strings
/// `[PAD]`, `[UNK]`, `[CLS]`, `[SEP]` and `[MASK]` in the input map to their special ids (the reference
/// embeddings were computed that way: `"... does [SEP] literal?"` contains id 102 mid-sentence). Matching the
/// reference keeps vectors identical to sentence-transformers; pass `matchesSpecialTokens: false` to treat them
/// as ordinary text (`[`, `sep`, `]`).
public struct WordPieceTokenizer: TokenCounter {
    /// The special tokens recognised in raw text, in the order the reference tokenizer lists them.
    public static let specialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

    /// Words longer than this many Unicode scalars become `[UNK]`.
    public let maxInputCharsPerWord = 100
    /// The longest encoded sequence, `[CLS]` and `[SEP]` included (256 for all-MiniLM-L6-v2).
    public let maxSequenceLength: Int
    /// Whether literal special-token strings in raw text map to special ids (see the type's discussion).
    public let matchesSpecialTokens: Bool
    /// Id of `[CLS]`, which starts every sequence.
    public let clsID: Int32
    /// Id of `[SEP]`, which ends every sequence.
    public let sepID: Int32
    /// Id of `[UNK]`.
    public let unknownID: Int32
    /// Id of `[PAD]`.
    public let padID: Int32
    /// Number of entries in the vocabulary.
    public var vocabularySize: Int { tokens.count }

    private let tokens: [String]
    private let wordStarts: [String: Int32]
    /// Continuation pieces keyed without their `##` prefix, so that lookups need no string concatenation.
    private let continuations: [String: Int32]
    private let specialIDs: [String: Int32]

    /// Reads a `vocab.txt` (one token per line, line number = id).
    ///
    /// - Throws: ``EmbeddingError/missingFile(path:)`` if the file cannot be read,
    ///   ``EmbeddingError/damagedFile(path:reason:)`` if it lacks a special token.
    public init(vocabularyFile path: String, maxSequenceLength: Int = 256, matchesSpecialTokens: Bool = true)
        throws
    {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EmbeddingError.missingFile(path: path)
        }
        var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        if lines.last == "" { lines.removeLast() }
        try self.init(tokens: lines, maxSequenceLength: maxSequenceLength,
                      matchesSpecialTokens: matchesSpecialTokens, source: path)
    }

    /// Builds a tokenizer from an in-memory vocabulary (index = id).
    ///
    /// - Throws: ``EmbeddingError/damagedFile(path:reason:)`` if a special token is missing.
    public init(tokens: [String], maxSequenceLength: Int = 256, matchesSpecialTokens: Bool = true,
                source: String = "<memory>") throws
    {
        precondition(maxSequenceLength >= 2, "a sequence needs room for [CLS] and [SEP]")
        var starts: [String: Int32] = [:]
        var continuations: [String: Int32] = [:]
        starts.reserveCapacity(tokens.count)
        for (index, token) in tokens.enumerated() {
            if token.hasPrefix("##") && token.count > 2 {
                continuations[String(token.dropFirst(2))] = continuations[String(token.dropFirst(2))] ?? Int32(index)
            } else {
                starts[token] = starts[token] ?? Int32(index)
            }
        }
        var specials: [String: Int32] = [:]
        for special in Self.specialTokens {
            guard let id = starts[special] else {
                throw EmbeddingError.damagedFile(path: source, reason: "vocabulary lacks \(special)")
            }
            specials[special] = id
        }
        self.tokens = tokens
        self.wordStarts = starts
        self.continuations = continuations
        self.specialIDs = specials
        self.clsID = specials["[CLS]"]!
        self.sepID = specials["[SEP]"]!
        self.unknownID = specials["[UNK]"]!
        self.padID = specials["[PAD]"]!
        self.maxSequenceLength = maxSequenceLength
        self.matchesSpecialTokens = matchesSpecialTokens
    }

    /// The model input for `text`: `[CLS]`, at most `maxSequenceLength - 2` pieces, `[SEP]`.
    public func encode(_ text: String) -> [Int32] {
        var ids: [Int32] = [clsID]
        ids.reserveCapacity(min(maxSequenceLength, text.utf8.count / 3 + 8))
        appendPieceIDs(of: text, to: &ids, limit: maxSequenceLength - 2)
        ids.append(sepID)
        return ids
    }

    /// The piece ids of `text`, without `[CLS]`/`[SEP]` and without truncation.
    public func pieceIDs(_ text: String) -> [Int32] {
        var ids: [Int32] = []
        appendPieceIDs(of: text, to: &ids, limit: .max)
        return ids
    }

    /// The pieces of `text` as strings (continuations with their `##`), for inspection.
    public func pieces(_ text: String) -> [String] {
        pieceIDs(text).map { tokens[Int($0)] }
    }

    /// The vocabulary entry for `id`.
    public func token(for id: Int32) -> String { tokens[Int(id)] }

    /// Number of pieces `text` becomes, without `[CLS]`/`[SEP]` and without truncation.
    public func tokenCount(_ text: String) -> Int {
        pieceIDs(text).count
    }

    // MARK: - Steps

    /// Appends pieces until `ids` holds `limit` pieces beyond what it held on entry.
    private func appendPieceIDs(of text: String, to ids: inout [Int32], limit: Int) {
        let end = ids.count &+ limit < ids.count ? Int.max : ids.count + limit
        for segment in segments(of: text) {
            if ids.count >= end { return }
            switch segment {
            case .special(let id):
                ids.append(id)
            case .text(let raw):
                for word in BertNormalizer.preTokenize(BertNormalizer.normalize(raw)) {
                    appendWordPieces(of: word, to: &ids)
                    if ids.count >= end { ids.removeLast(ids.count - end); return }
                }
            }
        }
    }

    private enum Segment {
        case text(String)
        case special(Int32)
    }

    /// Splits raw text around literal special tokens (matched scalar by scalar before normalisation,
    /// case-sensitively, as the reference does).
    private func segments(of text: String) -> [Segment] {
        guard matchesSpecialTokens, text.utf8.contains(UInt8(ascii: "[")) else { return [.text(text)] }
        let scalars = text.unicodeScalars
        var result: [Segment] = []
        var segmentStart = scalars.startIndex
        var cursor = scalars.startIndex
        while let open = scalars[cursor...].firstIndex(of: "[") {
            let tail = scalars[open...]
            if let special = Self.specialTokens.first(where: { tail.starts(with: $0.unicodeScalars) }) {
                if open > segmentStart { result.append(.text(String(scalars[segmentStart..<open]))) }
                result.append(.special(specialIDs[special]!))
                cursor = scalars.index(open, offsetBy: special.unicodeScalars.count)
                segmentStart = cursor
            } else {
                cursor = scalars.index(after: open)
            }
        }
        if segmentStart < scalars.endIndex { result.append(.text(String(scalars[segmentStart...]))) }
        return result
    }

    /// Greedy longest-match-first WordPiece for one word.
    private func appendWordPieces(of word: [Unicode.Scalar], to ids: inout [Int32]) {
        if word.count > maxInputCharsPerWord {
            ids.append(unknownID)
            return
        }
        if let id = wordStarts[Self.string(word[...])] {
            ids.append(id)
            return
        }
        let mark = ids.count
        var start = 0
        while start < word.count {
            var end = word.count
            var found: Int32?
            while start < end {
                let piece = Self.string(word[start..<end])
                if let id = start == 0 ? wordStarts[piece] : continuations[piece] {
                    found = id
                    break
                }
                end -= 1
            }
            guard let id = found else {
                ids.removeLast(ids.count - mark)
                ids.append(unknownID)
                return
            }
            ids.append(id)
            start = end
        }
    }

    @inline(__always)
    private static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }
}

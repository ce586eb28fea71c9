import Embeddings
import Store

/// One chunk of a document: a contiguous span of its extracted text.
public struct TextChunk: Sendable, Equatable {
    /// Position in the document, from 0.
    public var ordinal: Int
    /// Exactly the document's text over `range`.
    public var text: String
    /// Span in the document's extracted text, in Unicode scalars.
    public var range: Range<Int>
    /// Tokens by the embedder's tokenizer, without special tokens.
    public var tokenCount: Int
    /// The headings the chunk's content sits under.
    public var headingPath: [String]
    /// 1-based page (PDF).
    public var page: Int?
}

/// Structure-aware chunking to a token budget.
///
/// - Headings start a new chunk (a chunk holding only headings so far keeps filling, so a heading is never
///   left alone when content follows); so do page changes.
/// - Blocks (paragraphs, list items, rows, code) are packed whole while they fit. A block larger than the
///   budget is split into sentences (code: lines), and a sentence larger than the budget into runs of whole
///   words. Nothing is ever cut inside a word.
/// - Every piece's tokens are counted once, and a chunk's count is the sum of its pieces' counts: pieces are
///   separated by whitespace only, where WordPiece and word tokenizers split anyway, so the sum is exact and
///   no growing string is ever re-tokenised.
/// - With `overlapTokens > 0`, a chunk that continues the previous one's section starts with the previous
///   chunk's last pieces, up to that many tokens.
public struct Chunker: Sendable {
    public let tokenizer: any TokenCounter
    /// Most tokens in a chunk, without special tokens.
    public let tokenBudget: Int
    public let overlapTokens: Int

    /// - Parameters:
    ///   - tokenizer: the embedder's tokenizer.
    ///   - tokenBudget: most tokens a chunk holds (for a BERT model, `maxTokens - 2` leaves room for `[CLS]`
    ///     and `[SEP]`).
    ///   - overlapTokens: tokens repeated from the previous chunk of the same section (0: none).
    /// - Throws: ``IngestError/invalidOption(_:)`` for a budget below 8 or an overlap not below half of it.
    public init(tokenizer: any TokenCounter, tokenBudget: Int, overlapTokens: Int = 0) throws {
        guard tokenBudget >= 8 else { throw IngestError.invalidOption("chunk budget must be at least 8 tokens, got \(tokenBudget)") }
        guard overlapTokens >= 0, overlapTokens * 2 <= tokenBudget else {
            throw IngestError.invalidOption("overlap must be between 0 and half the chunk budget, got \(overlapTokens)")
        }
        self.tokenizer = tokenizer
        self.tokenBudget = tokenBudget
        self.overlapTokens = overlapTokens
    }

    /// A span with its token count and structure.
    struct Piece {
        var range: Range<Int>
        var tokens: Int
        var isHeading: Bool
        var headingPath: [String]
        var page: Int?
    }

    /// The chunks of `document`, in order.
    public func chunks(of document: ExtractedDocument) -> [TextChunk] {
        let scalars = Array(document.text.unicodeScalars)
        var chunks: [TextChunk] = []
        var current: [Piece] = []
        var currentTokens = 0

        func emit() {
            guard let first = current.first, let last = current.last else { return }
            let range = first.range.lowerBound..<last.range.upperBound
            let content = current.first(where: { !$0.isHeading }) ?? last
            chunks.append(TextChunk(
                ordinal: chunks.count, text: Self.string(scalars, range), range: range, tokenCount: currentTokens,
                headingPath: content.headingPath, page: first.page))
        }

        for piece in pieces(of: document, scalars: scalars) {
            if !current.isEmpty {
                let onlyHeadings = current.allSatisfy(\.isHeading)
                let newSection = (piece.isHeading && !onlyHeadings) || piece.page != current.last?.page
                if newSection || currentTokens + piece.tokens > tokenBudget {
                    emit()
                    var tail: [Piece] = []
                    var tailTokens = 0
                    if !newSection && overlapTokens > 0 {
                        for previous in current.reversed() {
                            guard tailTokens + previous.tokens <= overlapTokens,
                                  tailTokens + previous.tokens + piece.tokens <= tokenBudget else { break }
                            tail.insert(previous, at: 0)
                            tailTokens += previous.tokens
                        }
                    }
                    current = tail
                    currentTokens = tailTokens
                }
            }
            current.append(piece)
            currentTokens += piece.tokens
        }
        emit()
        return chunks
    }

    /// The document's blocks as pieces that each fit the budget.
    func pieces(of document: ExtractedDocument, scalars: [Unicode.Scalar]) -> [Piece] {
        var pieces: [Piece] = []
        for block in document.blocks {
            func piece(_ range: Range<Int>, _ tokens: Int) -> Piece {
                Piece(range: range, tokens: tokens, isHeading: block.isHeading, headingPath: block.headingPath,
                      page: block.page)
            }
            let tokens = tokenizer.tokenCount(Self.string(scalars, block.range))
            if tokens <= tokenBudget {
                pieces.append(piece(block.range, tokens))
                continue
            }
            let parts = block.kind == .code ? Segmentation.lines(scalars, in: block.range)
                : Segmentation.sentences(scalars, in: block.range)
            for part in parts {
                let partTokens = parts.count == 1 ? tokens : tokenizer.tokenCount(Self.string(scalars, part))
                if partTokens <= tokenBudget {
                    pieces.append(piece(part, partTokens))
                } else {
                    for run in wordRuns(scalars, in: part) { pieces.append(piece(run.range, run.tokens)) }
                }
            }
        }
        return pieces
    }

    /// Runs of whole words of at most the budget (a single word over it stands alone).
    func wordRuns(_ scalars: [Unicode.Scalar], in range: Range<Int>) -> [(range: Range<Int>, tokens: Int)] {
        var runs: [(range: Range<Int>, tokens: Int)] = []
        var start: Int?
        var end = 0
        var tokens = 0
        for word in Segmentation.words(scalars, in: range) {
            let count = tokenizer.tokenCount(Self.string(scalars, word))
            if let s = start, tokens + count > tokenBudget {
                runs.append((s..<end, tokens))
                start = nil
                tokens = 0
            }
            if start == nil { start = word.lowerBound }
            end = word.upperBound
            tokens += count
        }
        if let s = start { runs.append((s..<end, tokens)) }
        return runs
    }

    static func string(_ scalars: [Unicode.Scalar], _ range: Range<Int>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[range])
        return String(view)
    }
}

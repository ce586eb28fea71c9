import Dataset
import Foundation

/// Remembers every model call and its result, keyed by a hash of (prompt, model, parameters, seed), so that a
/// rerun replays what was already paid for and `--resume` after a crash makes no call twice.
public protocol CallJournal: Sendable {
    /// The recorded completion for `key`, if any.
    func completion(forKey key: String) throws -> Completion?
    /// Records a completion (the request text is kept for audit).
    func record(key: String, request: String, completion: Completion) throws
}

/// A `LanguageModel` that consults a journal first and records what it had to ask.
public final class JournaledModel: LanguageModel, @unchecked Sendable {
    public let base: any LanguageModel
    public let journal: any CallJournal
    public var name: String { base.name }
    private let lock = NSLock()
    private var _replayed = 0
    private var _called = 0
    private var inFlight = 0
    private var busySince: Date?
    private var _busySeconds = 0.0
    private var _promptTokens = 0

    public init(base: any LanguageModel, journal: any CallJournal) {
        self.base = base
        self.journal = journal
    }

    /// Calls answered from the journal.
    public var replayed: Int { lock.withLock { _replayed } }
    /// Calls sent to the model.
    public var called: Int { lock.withLock { _called } }
    /// Prompt tokens of the calls sent to the model, as the server counted them.
    public var promptTokens: Int { lock.withLock { _promptTokens } }
    /// Wall-clock seconds during which at least one call was waiting on the model (overlapping calls count
    /// once), so that `1 - busySeconds / run seconds` is the share of time rag spent on its own work.
    public var busySeconds: Double {
        lock.withLock { _busySeconds + (busySince.map { Date().timeIntervalSince($0) } ?? 0) }
    }

    public func complete(_ request: CompletionRequest) async throws -> Completion {
        let key = Self.key(for: request, model: base.name)
        // A scored request is replayed only when the journal gave its log-probabilities back (calls recorded
        // before the journal kept them are made again), so that a resumed run scores as the first one did.
        if let cached = try journal.completion(forKey: key),
           request.topLogprobs == nil || cached.tokenAlternatives != nil {
            lock.withLock { _replayed += 1 }
            return cached
        }
        lock.withLock {
            if inFlight == 0 { busySince = Date() }
            inFlight += 1
        }
        defer {
            lock.withLock {
                inFlight -= 1
                if inFlight == 0, let since = busySince {
                    _busySeconds += Date().timeIntervalSince(since)
                    busySince = nil
                }
            }
        }
        let completion = try await base.complete(request)
        try journal.record(key: key, request: Self.canonical(request, model: base.name), completion: completion)
        lock.withLock {
            _called += 1
            _promptTokens += completion.promptTokens
        }
        return completion
    }

    /// The canonical text of a request: sorted-key JSON of everything that changes the answer.
    static func canonical(_ request: CompletionRequest, model: String) -> String {
        var value: [String: JSONValue] = [
            "model": .string(model),
            "messages": .array(request.messages.map { ["role": .string($0.role.rawValue), "content": .string($0.content)] }),
            "temperature": .number(request.temperature),
            "max_tokens": .number(Double(request.maxTokens)),
            "seed": .string(String(request.seed)),
            "schema": request.jsonSchema ?? .null,
        ]
        if let top = request.topLogprobs { value["top_logprobs"] = .number(Double(top)) }
        return JSONValue.object(value).jsonText
    }

    /// A 128-bit hex key of the canonical request (two independently seeded 64-bit hashes).
    public static func key(for request: CompletionRequest, model: String) -> String {
        let bytes = Array(canonical(request, model: model).utf8)
        return hex(hash64(bytes, seed: 0x243F_6A88_85A3_08D3)) + hex(hash64(bytes, seed: 0x1319_8A2E_0370_7344))
    }

    private static func hex(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }

    static func hash64(_ bytes: [UInt8], seed: UInt64) -> UInt64 {
        var h = seed ^ (UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15)
        for b in bytes {
            h = (h ^ UInt64(b)) &* 0x100_0000_01B3
            h ^= h >> 31
        }
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        return h ^ (h >> 33)
    }
}

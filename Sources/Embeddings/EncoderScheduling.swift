import Foundation

/// How a batch is cut into groups for the encoder: sorted by length (longest first) and packed greedily
/// into groups of at most `tokenBudget` tokens, so that projections run as large matrix multiplies while
/// attention stays per sequence and nothing is padded. Longest-first also balances the threads: the big
/// groups start early and the small ones fill the gaps at the end.
enum EncoderScheduling {
    /// Groups of indices into `lengths`, each group's lengths summing to at most `max(tokenBudget, longest)`.
    static func groups(lengths: [Int], tokenBudget: Int) -> [[Int]] {
        let order = lengths.indices.sorted { lengths[$0] != lengths[$1] ? lengths[$0] > lengths[$1] : $0 < $1 }
        var groups: [[Int]] = []
        var current: [Int] = []
        var tokens = 0
        for index in order {
            if !current.isEmpty && tokens + lengths[index] > tokenBudget {
                groups.append(current)
                current = []
                tokens = 0
            }
            current.append(index)
            tokens += lengths[index]
        }
        if !current.isEmpty { groups.append(current) }
        return groups
    }
}

/// A lock-protected stack of encoder scratch buffers, so that each worker reuses memory across groups and
/// calls instead of allocating megabytes per call.
///
/// - Important: the lock guards `free`; a scratch taken out belongs to the taker until it is returned.
final class ScratchPool: @unchecked Sendable {
    private let lock = NSLock()
    private var free: [EncoderScratch] = []
    private let make: @Sendable () -> EncoderScratch

    init(make: @escaping @Sendable () -> EncoderScratch) {
        self.make = make
    }

    /// Runs `body` with a scratch buffer that no other thread uses meanwhile.
    func withScratch<Result>(_ body: (EncoderScratch) throws -> Result) rethrows -> Result {
        lock.lock()
        let scratch = free.popLast()
        lock.unlock()
        let owned = scratch ?? make()
        defer {
            lock.lock()
            free.append(owned)
            lock.unlock()
        }
        return try body(owned)
    }
}

/// A shared "next job" counter for workers pulling jobs in order.
///
/// - Important: the lock guards `next`.
final class JobCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private let count: Int

    init(count: Int) {
        self.count = count
    }

    /// The next job index, or nil when all were handed out.
    func take() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < count else { return nil }
        next += 1
        return next - 1
    }
}

/// Rows of floats that several threads fill at disjoint rows.
///
/// - Important: callers must write disjoint rows; reading is safe once all writers are done
///   (`concurrentPerform` returns after every iteration finished).
final class SharedRows: @unchecked Sendable {
    let columns: Int
    let rows: Int
    private let storage: UnsafeMutablePointer<Float>

    init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
        storage = .allocate(capacity: max(1, rows * columns))
        storage.initialize(repeating: 0, count: max(1, rows * columns))
    }

    deinit {
        storage.deallocate()
    }

    /// Start of row `index`.
    func row(_ index: Int) -> UnsafeMutablePointer<Float> {
        storage + index * columns
    }

    /// The rows as arrays.
    func arrays() -> [[Float]] {
        (0..<rows).map { Array(UnsafeBufferPointer(start: row($0), count: columns)) }
    }
}

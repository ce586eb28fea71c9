/// A (distance, slot) pair ordered by distance.
@usableFromInline
struct Candidate: Sendable {
    @usableFromInline var distance: Float
    @usableFromInline var slot: Int32

    @inlinable init(distance: Float, slot: Int32) {
        self.distance = distance
        self.slot = slot
    }
}

/// A binary heap of candidates whose top is the nearest (`isMaxHeap == false`) or the farthest one.
///
/// Hand-written rather than swift-collections' `Heap` so that its storage is kept between queries
/// (`removeAll(keepingCapacity:)`) and the comparison is a plain Float compare.
struct CandidateHeap {
    private(set) var items: [Candidate] = []
    let isMaxHeap: Bool

    init(isMaxHeap: Bool, capacity: Int = 64) {
        self.isMaxHeap = isMaxHeap
        items.reserveCapacity(capacity)
    }

    var count: Int { items.count }
    var isEmpty: Bool { items.isEmpty }
    /// The nearest candidate of a min-heap, the farthest of a max-heap.
    var top: Candidate { items[0] }

    mutating func removeAll() { items.removeAll(keepingCapacity: true) }

    @inline(__always)
    private func ordered(_ a: Candidate, before b: Candidate) -> Bool {
        isMaxHeap ? a.distance > b.distance : a.distance < b.distance
    }

    mutating func push(_ c: Candidate) {
        items.append(c)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) >> 1
            guard ordered(items[child], before: items[parent]) else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    @discardableResult
    mutating func pop() -> Candidate {
        let result = items[0]
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var parent = 0
            let n = items.count
            while true {
                let left = 2 * parent + 1
                guard left < n else { break }
                var best = left
                let right = left + 1
                if right < n, ordered(items[right], before: items[left]) { best = right }
                guard ordered(items[best], before: items[parent]) else { break }
                items.swapAt(best, parent)
                parent = best
            }
        }
        return result
    }
}

/// Keeps the `k` nearest of a stream of candidates; the farthest kept one is on top, so a new candidate costs
/// one comparison when it is no better.
struct TopK {
    private var heap: CandidateHeap
    let k: Int

    init(k: Int) {
        self.k = k
        heap = CandidateHeap(isMaxHeap: true, capacity: k + 1)
    }

    /// Distance a candidate must beat to enter (infinity until `k` are kept).
    var threshold: Float { heap.count < k ? .infinity : heap.top.distance }

    @inline(__always)
    mutating func offer(distance: Float, slot: Int32) {
        if heap.count < k {
            heap.push(Candidate(distance: distance, slot: slot))
        } else if distance < heap.top.distance {
            heap.pop()
            heap.push(Candidate(distance: distance, slot: slot))
        }
    }

    /// The kept candidates, nearest first (ties by slot, so that results are deterministic).
    func sorted() -> [Candidate] {
        heap.items.sorted { $0.distance < $1.distance || ($0.distance == $1.distance && $0.slot < $1.slot) }
    }
}

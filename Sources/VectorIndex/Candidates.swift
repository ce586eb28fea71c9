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

/// The order of a `CandidateHeap`: which candidate sits on top.
protocol HeapOrder {
    static func isBefore(_ a: Candidate, _ b: Candidate) -> Bool
}

/// Nearest on top.
enum NearestFirst: HeapOrder {
    @inline(__always) static func isBefore(_ a: Candidate, _ b: Candidate) -> Bool { a.distance < b.distance }
}

/// Farthest on top.
enum FarthestFirst: HeapOrder {
    @inline(__always) static func isBefore(_ a: Candidate, _ b: Candidate) -> Bool { a.distance > b.distance }
}

/// A binary heap of candidates on a growable unsafe buffer, kept between queries so that a search allocates
/// nothing; the order is a type parameter, so each comparison compiles to one float compare.
///
/// Hand-written rather than swift-collections' `Heap`: that one's storage is a Swift array, whose bounds and
/// uniqueness checks cost about a tenth of a search here (measured with perf).
struct CandidateHeap<Order: HeapOrder> {
    private var storage: UnsafeMutablePointer<Candidate>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int = 64) {
        self.capacity = max(capacity, 4)
        storage = .allocate(capacity: self.capacity)
    }

    /// Frees the buffer; the heap must not be used afterwards.
    func deallocate() { storage.deallocate() }

    var isEmpty: Bool { count == 0 }
    /// The candidate the order puts first.
    var top: Candidate { storage[0] }
    /// The candidates in heap order.
    var items: UnsafeBufferPointer<Candidate> { UnsafeBufferPointer(start: storage, count: count) }

    mutating func removeAll() { count = 0 }

    @inline(__always)
    mutating func push(_ c: Candidate) {
        if count == capacity { grow() }
        var child = count
        count &+= 1
        while child > 0 {
            let parent = (child &- 1) >> 1
            let p = storage[parent]
            guard Order.isBefore(c, p) else { break }
            storage[child] = p
            child = parent
        }
        storage[child] = c
    }

    @inline(__always)
    @discardableResult
    mutating func pop() -> Candidate {
        let result = storage[0]
        count &-= 1
        guard count > 0 else { return result }
        let last = storage[count]
        var parent = 0
        while true {
            let left = 2 &* parent &+ 1
            guard left < count else { break }
            var best = left
            let right = left &+ 1
            if right < count, Order.isBefore(storage[right], storage[left]) { best = right }
            guard Order.isBefore(storage[best], last) else { break }
            storage[parent] = storage[best]
            parent = best
        }
        storage[parent] = last
        return result
    }

    private mutating func grow() {
        let bigger = UnsafeMutablePointer<Candidate>.allocate(capacity: capacity * 2)
        bigger.update(from: storage, count: count)
        storage.deallocate()
        storage = bigger
        capacity *= 2
    }
}

/// Keeps the `k` nearest of a stream of candidates; the farthest kept one is on top, so a new candidate costs
/// one comparison when it is no better.
struct TopK {
    private var heap: [Candidate] = []
    let k: Int

    init(k: Int) {
        self.k = k
        heap.reserveCapacity(k + 1)
    }

    /// Distance a candidate must beat to enter (infinity until `k` are kept).
    var threshold: Float { heap.count < k ? .infinity : heap[0].distance }

    @inline(__always)
    mutating func offer(distance: Float, slot: Int32) {
        let c = Candidate(distance: distance, slot: slot)
        if heap.count < k {
            heap.append(c)
            siftUp(heap.count - 1)
        } else if distance < heap[0].distance {
            heap[0] = c
            siftDown(0)
        }
    }

    private mutating func siftUp(_ index: Int) {
        var child = index
        while child > 0 {
            let parent = (child - 1) >> 1
            guard heap[child].distance > heap[parent].distance else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ index: Int) {
        var parent = index
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { break }
            var best = left
            if left + 1 < heap.count, heap[left + 1].distance > heap[left].distance { best = left + 1 }
            guard heap[best].distance > heap[parent].distance else { break }
            heap.swapAt(best, parent)
            parent = best
        }
    }

    /// The kept candidates, nearest first (ties by slot, so that results are deterministic).
    func sorted() -> [Candidate] {
        heap.sorted { $0.distance < $1.distance || ($0.distance == $1.distance && $0.slot < $1.slot) }
    }
}

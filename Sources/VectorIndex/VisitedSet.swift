/// Marks which slots one search has visited, cleared in O(1) between searches by moving to a new epoch tag
/// (a full clear happens once every 65,535 searches).
final class VisitedSet {
    private var tags: UnsafeMutablePointer<UInt16>
    private(set) var capacity: Int
    private var epoch: UInt16 = 1

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        tags = .allocate(capacity: self.capacity)
        tags.initialize(repeating: 0, count: self.capacity)
    }

    deinit { tags.deallocate() }

    /// Starts a new search over `count` slots (grows when the index has grown).
    func reset(count: Int) {
        if count > capacity {
            tags.deallocate()
            capacity = max(count, capacity * 2)
            tags = .allocate(capacity: capacity)
            tags.initialize(repeating: 0, count: capacity)
            epoch = 1
            return
        }
        epoch &+= 1
        if epoch == 0 {
            tags.update(repeating: 0, count: capacity)
            epoch = 1
        }
    }

    /// Marks `slot` visited; returns whether it already was.
    @inline(__always)
    func testAndSet(_ slot: Int32) -> Bool {
        let i = Int(slot)
        if tags[i] == epoch { return true }
        tags[i] = epoch
        return false
    }
}

import Foundation

/// A first-in first-out queue between pipeline threads with a capacity: `push` blocks while it is full (back
/// pressure), `pop` blocks while it is empty. Closing wakes everyone: pushes fail, pops drain what is left
/// and then return nil.
///
/// - Important: `Sendable`; `condition` guards `items` and `isClosed`.
final class BoundedQueue<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Element] = []
    private var head = 0
    private var isClosed = false
    private let capacity: Int

    init(capacity: Int) {
        precondition(capacity > 0, "capacity must be positive")
        self.capacity = capacity
    }

    /// Appends `element`, waiting for room. Returns false (dropping it) when the queue is closed.
    @discardableResult
    func push(_ element: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count - head >= capacity && !isClosed { condition.wait() }
        guard !isClosed else { return false }
        items.append(element)
        condition.broadcast()
        return true
    }

    /// The oldest element, waiting for one; nil once the queue is closed and empty.
    func pop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while items.count == head && !isClosed { condition.wait() }
        return takeLocked()
    }

    /// The oldest element if one is waiting, without blocking.
    func tryPop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        return takeLocked()
    }

    /// Ends the stream: no more pushes; pops return what is left, then nil.
    func close() {
        condition.lock()
        isClosed = true
        condition.broadcast()
        condition.unlock()
    }

    private func takeLocked() -> Element? {
        guard head < items.count else { return nil }
        let element = items[head]
        head += 1
        if head > 1_024 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return element
    }
}

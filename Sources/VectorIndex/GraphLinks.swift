import CSupport

/// The HNSW graph's adjacency lists, by slot and level.
///
/// Level 0 lives in one contiguous block: for each slot, a count followed by `maxNeighbors0` (M0 = 2M) slot ids,
/// so the hottest level is read sequentially. A slot on level `l > 0` owns one small block of `l` lists of `M` ids
/// each (with a count before each list), allocated when the slot is inserted.
///
/// - Important: not synchronised. The index guards each list with its striped lock during parallel
///   construction, and grows the arrays only while nothing else runs.
final class GraphLinks {
    /// M: the most neighbours a node keeps on levels above 0.
    let maxNeighbors: Int
    /// M0 = 2M: the most neighbours a node keeps on level 0.
    let maxNeighbors0: Int
    private(set) var capacity: Int = 0

    private var level0: UnsafeMutablePointer<Int32>
    private var upper: UnsafeMutablePointer<UnsafeMutablePointer<Int32>?>
    private var levels: UnsafeMutablePointer<Int32>

    init(maxNeighbors: Int) {
        self.maxNeighbors = maxNeighbors
        maxNeighbors0 = 2 * maxNeighbors
        level0 = .allocate(capacity: 1)
        upper = .allocate(capacity: 1)
        levels = .allocate(capacity: 1)
    }

    deinit {
        for i in 0..<capacity { upper[i]?.deallocate() }
        level0.deallocate()
        upper.deallocate()
        levels.deallocate()
    }

    private var level0Stride: Int { maxNeighbors0 + 1 }
    private var upperStride: Int { maxNeighbors + 1 }

    /// Grows to `newCapacity` slots, keeping the first `count`.
    func reserve(_ newCapacity: Int, preserving count: Int) {
        guard newCapacity > capacity else { return }
        let newLevel0 = UnsafeMutablePointer<Int32>.allocate(capacity: newCapacity * level0Stride)
        newLevel0.initialize(repeating: 0, count: newCapacity * level0Stride)
        newLevel0.update(from: level0, count: count * level0Stride)
        level0.deallocate()
        level0 = newLevel0

        let newUpper = UnsafeMutablePointer<UnsafeMutablePointer<Int32>?>.allocate(capacity: newCapacity)
        newUpper.initialize(repeating: nil, count: newCapacity)
        newUpper.update(from: upper, count: min(capacity, newCapacity))
        upper.deallocate()
        upper = newUpper

        let newLevels = UnsafeMutablePointer<Int32>.allocate(capacity: newCapacity)
        newLevels.initialize(repeating: 0, count: newCapacity)
        newLevels.update(from: levels, count: count)
        levels.deallocate()
        levels = newLevels
        capacity = newCapacity
    }

    /// The top level of `slot`.
    @inline(__always)
    func level(of slot: Int32) -> Int { Int(levels[Int(slot)]) }

    /// Gives `slot` empty lists on levels 0 through `level`.
    func initialize(_ slot: Int32, level: Int) {
        let s = Int(slot)
        levels[s] = Int32(level)
        level0[s * level0Stride] = 0
        upper[s]?.deallocate()
        if level > 0 {
            let block = UnsafeMutablePointer<Int32>.allocate(capacity: level * upperStride)
            block.initialize(repeating: 0, count: level * upperStride)
            upper[s] = block
        } else {
            upper[s] = nil
        }
    }

    /// Base of the list of `slot` on `level`: element 0 is the count, the ids follow.
    @inline(__always)
    func list(of slot: Int32, onLevel level: Int) -> UnsafeMutablePointer<Int32> {
        if level == 0 { return level0 + Int(slot) &* level0Stride }
        return upper[Int(slot)]! + (level &- 1) &* upperStride
    }

    /// Starts loading the list of `slot` on `level` into the cache: every 64-byte line it touches (a level-0
    /// list of M0 = 32 ids and its count spans 132 bytes, so up to three lines).
    @inline(__always)
    func prefetchList(of slot: Int32, onLevel level: Int) {
        let start = UnsafeRawPointer(list(of: slot, onLevel: level))
        let bytes = ((level == 0 ? maxNeighbors0 : maxNeighbors) + 1) &* 4
        let firstLine = Int(bitPattern: start) & ~63
        for line in stride(from: firstLine, to: Int(bitPattern: start) &+ bytes, by: 64) {
            rag_prefetch(UnsafeRawPointer(bitPattern: line))
        }
    }

    /// The neighbours of `slot` on `level`, as a buffer into the graph (valid until the list changes).
    @inline(__always)
    func neighbors(of slot: Int32, onLevel level: Int) -> UnsafeMutableBufferPointer<Int32> {
        let p = list(of: slot, onLevel: level)
        return UnsafeMutableBufferPointer(start: p + 1, count: Int(p[0]))
    }

    /// Replaces the neighbours of `slot` on `level` (at most M, or M0 on level 0).
    func setNeighbors(of slot: Int32, onLevel level: Int, to ids: some Collection<Int32>) {
        let p = list(of: slot, onLevel: level)
        precondition(ids.count <= (level == 0 ? maxNeighbors0 : maxNeighbors), "too many neighbours")
        var i = 1
        for id in ids {
            p[i] = id
            i += 1
        }
        p[0] = Int32(ids.count)
    }

    /// The most neighbours a list on `level` holds.
    @inline(__always)
    func maxNeighbors(onLevel level: Int) -> Int { level == 0 ? maxNeighbors0 : maxNeighbors }

    /// Bytes held for `count` slots.
    func memoryBytes(count: Int) -> Int {
        var bytes = count * (level0Stride * 4 + 4 + 8)
        for s in 0..<count where levels[s] > 0 { bytes += Int(levels[s]) * upperStride * 4 }
        return bytes
    }

    // MARK: Persistence

    /// The levels, level-0 block and upper lists of the first `count` slots, as raw sections in file order:
    /// levels, level 0, then the upper blocks of every slot with a level above 0, in slot order.
    func rawSections(count: Int) -> [UnsafeRawBufferPointer] {
        var sections = [
            UnsafeRawBufferPointer(start: levels, count: count * 4),
            UnsafeRawBufferPointer(start: level0, count: count * level0Stride * 4),
        ]
        for s in 0..<count where levels[s] > 0 {
            sections.append(UnsafeRawBufferPointer(start: upper[s]!, count: Int(levels[s]) * upperStride * 4))
        }
        return sections
    }

    /// Restores levels and lists from the bytes `rawSections` produced. Throws a message on inconsistent data.
    func load(count: Int, from reader: inout ByteReader) throws {
        reserve(count, preserving: 0)
        let levelBytes = try reader.takePadded(count * 4)
        UnsafeMutableRawPointer(levels).copyMemory(from: levelBytes.baseAddress!, byteCount: count * 4)
        let block = try reader.takePadded(count * level0Stride * 4)
        UnsafeMutableRawPointer(level0).copyMemory(from: block.baseAddress!, byteCount: block.count)
        for s in 0..<count {
            let l = Int(levels[s])
            guard l >= 0, l < 64 else { throw ByteReader.Failure.invalid("slot \(s) has level \(l)") }
            guard l > 0 else { continue }
            let upperBlock = UnsafeMutablePointer<Int32>.allocate(capacity: l * upperStride)
            upper[s] = upperBlock
            let bytes = try reader.takePadded(l * upperStride * 4)
            UnsafeMutableRawPointer(upperBlock).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        }
    }
}

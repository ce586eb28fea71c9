import CSupport

/// Contiguous, 64-byte aligned storage of the vectors an index traverses, one row a slot, in Float32, Float16 or
/// Int8 codes; for the compact kinds an optional Float32 copy re-ranks the final candidates.
///
/// Rows are padded with zeros to a multiple of 64 bytes, so every kernel runs over whole SIMD blocks and no row
/// straddles a cache line it does not need to.
///
/// - Important: not synchronised. The owning index grows it only while no search or insert runs, and writes a
///   row only for a slot no other thread can see yet.
final class VectorStorage {
    let kind: StorageKind
    let metric: Metric
    let dimension: Int
    /// Components a row holds, padding included.
    let stride: Int
    /// Whether a Float32 copy of every vector is kept to re-rank candidates found through compact codes.
    let keepsFullPrecision: Bool
    private(set) var capacity: Int = 0
    /// Float32 rows on a CPU with AVX-512: distances go through the 16-float kernels (rows are padded to 16).
    private let wide: Bool
    /// Int8 rows on a CPU with AVX-512 VNNI: distances go through the VNNI kernel (rows are padded to 64).
    private let wideInt8: Bool

    private var codes: UnsafeMutableRawPointer
    /// Int8 only: the scale of each row (value = code × scale).
    private var scales: UnsafeMutablePointer<Float>
    /// Squared norm of each original vector (for L2 on Int8 codes).
    private var squaredNorms: UnsafeMutablePointer<Float>
    /// Int8 only: the sum of each row's codes, which the VNNI kernel needs. Derived from the codes, not saved.
    private var codeSums: UnsafeMutablePointer<Int32>
    private var fullPrecision: UnsafeMutablePointer<Float>?

    init(kind: StorageKind, metric: Metric, dimension: Int, keepsFullPrecision: Bool = true) {
        self.kind = kind
        self.metric = metric
        self.dimension = dimension
        let perLine: Int
        switch kind {
        case .float32: perLine = 16
        case .float16: perLine = 32
        case .int8: perLine = 64
        }
        stride = (dimension + perLine - 1) / perLine * perLine
        switch kind {
        case .float32: rowBytes = stride * 4
        case .float16: rowBytes = stride * 2
        case .int8: rowBytes = stride
        }
        self.keepsFullPrecision = kind != .float32 && keepsFullPrecision
        wide = kind == .float32 && Distance.wideKernelsAvailable
        wideInt8 = kind == .int8 && Distance.wideInt8KernelAvailable
        codes = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 64)
        scales = .allocate(capacity: 1)
        squaredNorms = .allocate(capacity: 1)
        codeSums = .allocate(capacity: 1)
        fullPrecision = nil
    }

    deinit {
        codes.deallocate()
        scales.deallocate()
        squaredNorms.deallocate()
        codeSums.deallocate()
        fullPrecision?.deallocate()
    }

    /// Bytes of one row of codes.
    let rowBytes: Int

    /// Bytes held for `count` rows (codes, per-row parameters and the re-ranking copy).
    func memoryBytes(count: Int) -> Int {
        count * (rowBytes + 8 + (kind == .int8 ? 4 : 0) + (keepsFullPrecision ? dimension * 4 : 0))
    }

    /// Grows to hold at least `newCapacity` rows, keeping the first `preserving` rows.
    func reserve(_ newCapacity: Int, preserving count: Int) {
        guard newCapacity > capacity else { return }
        let newCodes = UnsafeMutableRawPointer.allocate(byteCount: max(64, newCapacity * rowBytes), alignment: 64)
        newCodes.initializeMemory(as: UInt8.self, repeating: 0, count: max(64, newCapacity * rowBytes))
        newCodes.copyMemory(from: codes, byteCount: count * rowBytes)
        codes.deallocate()
        codes = newCodes

        let newScales = UnsafeMutablePointer<Float>.allocate(capacity: newCapacity)
        newScales.initialize(repeating: 0, count: newCapacity)
        newScales.update(from: scales, count: count)
        scales.deallocate()
        scales = newScales
        let newNorms = UnsafeMutablePointer<Float>.allocate(capacity: newCapacity)
        newNorms.initialize(repeating: 0, count: newCapacity)
        newNorms.update(from: squaredNorms, count: count)
        squaredNorms.deallocate()
        squaredNorms = newNorms
        let newSums = UnsafeMutablePointer<Int32>.allocate(capacity: newCapacity)
        newSums.initialize(repeating: 0, count: newCapacity)
        newSums.update(from: codeSums, count: count)
        codeSums.deallocate()
        codeSums = newSums

        if keepsFullPrecision {
            let newFull = UnsafeMutablePointer<Float>.allocate(capacity: newCapacity * dimension)
            if let old = fullPrecision {
                newFull.update(from: old, count: count * dimension)
                old.deallocate()
            }
            fullPrecision = newFull
        }
        capacity = newCapacity
    }

    // MARK: Writing rows

    /// Stores `vector` (already normalised for cosine) as row `slot`.
    func setRow(_ slot: Int, from vector: UnsafePointer<Float>) {
        precondition(slot < capacity, "slot beyond reserved capacity")
        var norm: Float = 0
        for i in 0..<dimension { norm += vector[i] * vector[i] }
        squaredNorms[slot] = norm
        let row = codes + slot * rowBytes
        switch kind {
        case .float32:
            let p = row.assumingMemoryBound(to: Float.self)
            p.update(from: vector, count: dimension)
        case .float16:
            let p = row.assumingMemoryBound(to: Float16.self)
            for i in 0..<dimension { p[i] = Float16(vector[i]) }
        case .int8:
            let p = row.assumingMemoryBound(to: Int8.self)
            scales[slot] = Self.quantize(vector, count: dimension, into: p)
            codeSums[slot] = Self.sum(of: p, count: stride)
        }
        if let full = fullPrecision {
            (full + slot * dimension).update(from: vector, count: dimension)
        }
    }

    /// The sum of `count` codes.
    static func sum(of codes: UnsafePointer<Int8>, count: Int) -> Int32 {
        var total: Int32 = 0
        for i in 0..<count { total &+= Int32(codes[i]) }
        return total
    }

    /// Symmetric scalar quantisation of one vector to Int8; returns the scale.
    static func quantize(_ vector: UnsafePointer<Float>, count: Int, into codes: UnsafeMutablePointer<Int8>) -> Float {
        var maxAbs: Float = 0
        for i in 0..<count { maxAbs = max(maxAbs, abs(vector[i])) }
        guard maxAbs > 0 else {
            codes.update(repeating: 0, count: count)
            return 0
        }
        let scale = maxAbs / 127
        let inv = 1 / scale
        for i in 0..<count {
            codes[i] = Int8(clamping: Int((vector[i] * inv).rounded()))
        }
        return scale
    }

    // MARK: Reading rows

    /// The Float32 vector of `slot`: exact for `.float32` or when a full-precision copy is kept, decoded otherwise.
    func vector(at slot: Int) -> [Float] {
        if let full = fullPrecision {
            return Array(UnsafeBufferPointer(start: full + slot * dimension, count: dimension))
        }
        let row = codes + slot * rowBytes
        switch kind {
        case .float32:
            return Array(UnsafeBufferPointer(start: row.assumingMemoryBound(to: Float.self), count: dimension))
        case .float16:
            let p = row.assumingMemoryBound(to: Float16.self)
            return (0..<dimension).map { Float(p[$0]) }
        case .int8:
            let p = row.assumingMemoryBound(to: Int8.self)
            let s = scales[slot]
            return (0..<dimension).map { Float(p[$0]) * s }
        }
    }

    // MARK: Distances

    /// Fills `query` (capacity `stride` floats, zero-padded) and its Int8 codes for distance calls.
    func prepare(_ vector: UnsafePointer<Float>, into query: QueryBuffer) {
        query.floats.update(repeating: 0, count: stride)
        query.floats.update(from: vector, count: dimension)
        var norm: Float = 0
        for i in 0..<dimension { norm += vector[i] * vector[i] }
        query.squaredNorm = norm
        if kind == .int8 {
            query.int8.update(repeating: 0, count: stride)
            query.scale = Self.quantize(vector, count: dimension, into: query.int8)
        }
    }

    /// Starts loading row `slot` into the cache (its first two lines).
    @inline(__always)
    func prefetch(_ slot: Int) {
        let row = codes + slot &* rowBytes
        rag_prefetch(row)
        if rowBytes > 64 { rag_prefetch(row + 64) }
    }

    /// Distance from a prepared query to row `slot` through the stored codes.
    @inline(__always)
    func distance(_ query: QueryBuffer, _ slot: Int) -> Float {
        let row = codes + slot &* rowBytes
        switch kind {
        case .float32:
            let p = row.assumingMemoryBound(to: Float.self)
            if wide {
                return metric == .l2
                    ? Distance.wideSquaredL2(query.floats, p, count: stride)
                    : 1 - Distance.wideDot(query.floats, p, count: stride)
            }
            return metric == .l2
                ? Distance.squaredL2(query.floats, p, count: stride)
                : 1 - Distance.dot(query.floats, p, count: stride)
        case .float16:
            let p = row.assumingMemoryBound(to: Float16.self)
            return metric == .l2
                ? Distance.squaredL2(query.floats, p, count: stride)
                : 1 - Distance.dot(query.floats, p, count: stride)
        case .int8:
            let p = row.assumingMemoryBound(to: Int8.self)
            let codeDot = wideInt8 ? Distance.wideDot(query.int8, p, count: stride, sumOfB: codeSums[slot])
                : Distance.dot(query.int8, p, count: stride)
            let dot = Float(codeDot) * query.scale * scales[slot]
            return metric == .l2 ? max(0, query.squaredNorm + squaredNorms[slot] - 2 * dot) : 1 - dot
        }
    }

    /// Distance between two stored rows through their codes.
    @inline(__always)
    func distance(_ a: Int, _ b: Int) -> Float {
        let ra = codes + a &* rowBytes, rb = codes + b &* rowBytes
        switch kind {
        case .float32:
            let pa = ra.assumingMemoryBound(to: Float.self), pb = rb.assumingMemoryBound(to: Float.self)
            if wide {
                return metric == .l2
                    ? Distance.wideSquaredL2(pa, pb, count: stride)
                    : 1 - Distance.wideDot(pa, pb, count: stride)
            }
            return metric == .l2
                ? Distance.squaredL2(pa, pb, count: stride)
                : 1 - Distance.dot(pa, pb, count: stride)
        case .float16:
            let pa = ra.assumingMemoryBound(to: Float16.self), pb = rb.assumingMemoryBound(to: Float16.self)
            return metric == .l2
                ? Distance.squaredL2(pa, pb, count: stride)
                : 1 - Distance.dot(pa, pb, count: stride)
        case .int8:
            let pa = ra.assumingMemoryBound(to: Int8.self), pb = rb.assumingMemoryBound(to: Int8.self)
            let codeDot = wideInt8 ? Distance.wideDot(pa, pb, count: stride, sumOfB: codeSums[b])
                : Distance.dot(pa, pb, count: stride)
            let dot = Float(codeDot) * scales[a] * scales[b]
            return metric == .l2 ? max(0, squaredNorms[a] + squaredNorms[b] - 2 * dot) : 1 - dot
        }
    }

    /// Whether `exactDistance` differs from `distance` (compact codes with a Float32 copy to re-rank with).
    var reranks: Bool { fullPrecision != nil }

    /// Exact Float32 distance from a prepared query to row `slot` (through the full-precision copy when kept).
    @inline(__always)
    func exactDistance(_ query: QueryBuffer, _ slot: Int) -> Float {
        guard let full = fullPrecision else { return distance(query, slot) }
        let p = UnsafePointer(full + slot &* dimension)
        return metric == .l2
            ? Distance.squaredL2(query.floats, p, count: dimension)
            : 1 - Distance.dot(query.floats, p, count: dimension)
    }

    // MARK: Raw access for persistence

    /// Calls `body` with the raw bytes of the first `count` rows of each array, in file order.
    func withRawSections<R>(count: Int, _ body: ([UnsafeRawBufferPointer]) throws -> R) rethrows -> R {
        var sections = [
            UnsafeRawBufferPointer(start: codes, count: count * rowBytes),
            UnsafeRawBufferPointer(start: scales, count: count * 4),
            UnsafeRawBufferPointer(start: squaredNorms, count: count * 4),
        ]
        if let full = fullPrecision {
            sections.append(UnsafeRawBufferPointer(start: full, count: count * dimension * 4))
        }
        return try body(sections)
    }

    /// Byte sizes of the sections `withRawSections` yields for `count` rows.
    func sectionSizes(count: Int) -> [Int] {
        var sizes = [count * rowBytes, count * 4, count * 4]
        if keepsFullPrecision { sizes.append(count * dimension * 4) }
        return sizes
    }

    /// Copies the sections back (the inverse of `withRawSections`); capacity must already be reserved.
    func loadRawSections(_ sections: [UnsafeRawBufferPointer]) {
        codes.copyMemory(from: sections[0].baseAddress!, byteCount: sections[0].count)
        UnsafeMutableRawPointer(scales).copyMemory(from: sections[1].baseAddress!, byteCount: sections[1].count)
        UnsafeMutableRawPointer(squaredNorms).copyMemory(from: sections[2].baseAddress!, byteCount: sections[2].count)
        if let full = fullPrecision, sections.count > 3 {
            UnsafeMutableRawPointer(full).copyMemory(from: sections[3].baseAddress!, byteCount: sections[3].count)
        }
        if kind == .int8 {
            for slot in 0..<(sections[0].count / rowBytes) {
                codeSums[slot] = Self.sum(of: (codes + slot * rowBytes).assumingMemoryBound(to: Int8.self), count: stride)
            }
        }
    }
}

/// A query prepared for one storage kind: Float32 components padded to the row stride, plus Int8 codes.
final class QueryBuffer {
    let floats: UnsafeMutablePointer<Float>
    let int8: UnsafeMutablePointer<Int8>
    var scale: Float = 0
    var squaredNorm: Float = 0

    init(stride: Int) {
        floats = .allocate(capacity: stride)
        floats.initialize(repeating: 0, count: stride)
        int8 = .allocate(capacity: stride)
        int8.initialize(repeating: 0, count: stride)
    }

    deinit {
        floats.deallocate()
        int8.deallocate()
    }
}

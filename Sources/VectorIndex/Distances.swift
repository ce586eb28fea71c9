import CSupport
import Foundation
import RealModule

/// Distance kernels. The pointer versions are the hot loops used by the indexes; the array versions are the safe
/// API for everyone else.
///
/// Float32 kernels use `SIMD8<Float>` with four accumulators (a plain Swift loop over Floats is never vectorised,
/// because Swift keeps floating-point order strict); with `-march=x86-64-v3` each `addProduct` is one FMA.
/// The Float16 kernel uses `Relaxed` arithmetic so that the compiler may reorder and vectorise it (F16C
/// conversions); the Int8 kernel accumulates in Int32, which the compiler vectorises on its own.
public enum Distance {
    // MARK: Float32

    /// Inner product of two Float32 vectors of `count` components.
    @inline(__always)
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>(), acc2 = SIMD8<Float>(), acc3 = SIMD8<Float>()
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        var i = 0
        while i &+ 32 <= count {
            let o = i &* 4
            acc0.addProduct(ra.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self),
                            rb.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self))
            acc1.addProduct(ra.loadUnaligned(fromByteOffset: o &+ 32, as: SIMD8<Float>.self),
                            rb.loadUnaligned(fromByteOffset: o &+ 32, as: SIMD8<Float>.self))
            acc2.addProduct(ra.loadUnaligned(fromByteOffset: o &+ 64, as: SIMD8<Float>.self),
                            rb.loadUnaligned(fromByteOffset: o &+ 64, as: SIMD8<Float>.self))
            acc3.addProduct(ra.loadUnaligned(fromByteOffset: o &+ 96, as: SIMD8<Float>.self),
                            rb.loadUnaligned(fromByteOffset: o &+ 96, as: SIMD8<Float>.self))
            i &+= 32
        }
        while i &+ 8 <= count {
            let o = i &* 4
            acc0.addProduct(ra.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self),
                            rb.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self))
            i &+= 8
        }
        var sum = ((acc0 + acc1) + (acc2 + acc3)).sum()
        while i < count {
            sum = sum + a[i] * b[i]
            i &+= 1
        }
        return sum
    }

    /// Squared Euclidean distance of two Float32 vectors of `count` components.
    @inline(__always)
    public static func squaredL2(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>(), acc2 = SIMD8<Float>(), acc3 = SIMD8<Float>()
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        var i = 0
        while i &+ 32 <= count {
            let o = i &* 4
            let d0 = ra.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                - rb.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            let d1 = ra.loadUnaligned(fromByteOffset: o &+ 32, as: SIMD8<Float>.self)
                - rb.loadUnaligned(fromByteOffset: o &+ 32, as: SIMD8<Float>.self)
            let d2 = ra.loadUnaligned(fromByteOffset: o &+ 64, as: SIMD8<Float>.self)
                - rb.loadUnaligned(fromByteOffset: o &+ 64, as: SIMD8<Float>.self)
            let d3 = ra.loadUnaligned(fromByteOffset: o &+ 96, as: SIMD8<Float>.self)
                - rb.loadUnaligned(fromByteOffset: o &+ 96, as: SIMD8<Float>.self)
            acc0.addProduct(d0, d0)
            acc1.addProduct(d1, d1)
            acc2.addProduct(d2, d2)
            acc3.addProduct(d3, d3)
            i &+= 32
        }
        while i &+ 8 <= count {
            let o = i &* 4
            let d = ra.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                - rb.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            acc0.addProduct(d, d)
            i &+= 8
        }
        var sum = ((acc0 + acc1) + (acc2 + acc3)).sum()
        while i < count {
            let d = a[i] - b[i]
            sum = sum + d * d
            i &+= 1
        }
        return sum
    }

    // MARK: AVX-512 (chosen at run time)

    /// Whether the AVX-512 Float32 kernels run on this CPU. The package is compiled for x86-64-v3 (AVX2), so
    /// 16-float kernels are reached only through CSupport's run-time check; `RAG_NO_AVX512=1` turns them off
    /// (to compare the two in one benchmark run).
    public static let wideKernelsAvailable: Bool = {
        #if arch(x86_64)
        ProcessInfo.processInfo.environment["RAG_NO_AVX512"] != "1" && rag_cpu_has_avx512() != 0
        #else
        false
        #endif
    }()

    /// Whether the AVX-512 VNNI Int8 kernel runs on this CPU (off with `RAG_NO_AVX512=1` too).
    public static let wideInt8KernelAvailable: Bool = {
        #if arch(x86_64)
        ProcessInfo.processInfo.environment["RAG_NO_AVX512"] != "1" && rag_cpu_has_avx512_vnni() != 0
        #else
        false
        #endif
    }()

    /// Integer inner product of two Int8 code vectors with VNNI, given the sum of `b`'s codes; `count` a
    /// multiple of 64 and ``wideInt8KernelAvailable``.
    @inline(__always)
    public static func wideDot(_ a: UnsafePointer<Int8>, _ b: UnsafePointer<Int8>, count: Int, sumOfB: Int32) -> Int32 {
        rag_dot_int8_vnni(a, b, count, sumOfB)
    }

    /// Squared Euclidean distance with 16-float steps; `count` a multiple of 16 and ``wideKernelsAvailable``.
    @inline(__always)
    public static func wideSquaredL2(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        rag_squared_l2_avx512(a, b, count)
    }

    /// Inner product with 16-float steps; `count` a multiple of 16 and ``wideKernelsAvailable``.
    @inline(__always)
    public static func wideDot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        rag_dot_avx512(a, b, count)
    }

    // MARK: Float16 storage

    /// Inner product of a Float32 query with a Float16 stored vector.
    @inline(__always)
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float16>, count: Int) -> Float {
        var sum: Float = 0
        for i in 0..<count {
            sum = Relaxed.multiplyAdd(a[i], Float(b[i]), sum)
        }
        return sum
    }

    /// Inner product of two Float16 stored vectors.
    @inline(__always)
    public static func dot(_ a: UnsafePointer<Float16>, _ b: UnsafePointer<Float16>, count: Int) -> Float {
        var sum: Float = 0
        for i in 0..<count {
            sum = Relaxed.multiplyAdd(Float(a[i]), Float(b[i]), sum)
        }
        return sum
    }

    /// Squared Euclidean distance of a Float32 query and a Float16 stored vector.
    @inline(__always)
    public static func squaredL2(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float16>, count: Int) -> Float {
        var sum: Float = 0
        for i in 0..<count {
            let d = a[i] - Float(b[i])
            sum = Relaxed.multiplyAdd(d, d, sum)
        }
        return sum
    }

    /// Squared Euclidean distance of two Float16 stored vectors.
    @inline(__always)
    public static func squaredL2(_ a: UnsafePointer<Float16>, _ b: UnsafePointer<Float16>, count: Int) -> Float {
        var sum: Float = 0
        for i in 0..<count {
            let d = Float(a[i]) - Float(b[i])
            sum = Relaxed.multiplyAdd(d, d, sum)
        }
        return sum
    }

    // MARK: Int8 storage

    /// Integer inner product of two Int8 code vectors (exact in Int32 for up to 133,000 components).
    @inline(__always)
    public static func dot(_ a: UnsafePointer<Int8>, _ b: UnsafePointer<Int8>, count: Int) -> Int32 {
        var sum: Int32 = 0
        for i in 0..<count {
            sum &+= Int32(truncatingIfNeeded: a[i]) &* Int32(truncatingIfNeeded: b[i])
        }
        return sum
    }

    // MARK: Safe API

    /// Inner product of two equally long vectors.
    public static func dot(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count, "vectors differ in length")
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in dot(pa.baseAddress!, pb.baseAddress!, count: a.count) }
        }
    }

    /// Squared Euclidean distance of two equally long vectors.
    public static func squaredL2(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count, "vectors differ in length")
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in squaredL2(pa.baseAddress!, pb.baseAddress!, count: a.count) }
        }
    }

    /// Cosine similarity of two vectors (0 when either is zero).
    public static func cosine(_ a: [Float], _ b: [Float]) -> Float {
        let na = dot(a, a), nb = dot(b, b)
        guard na > 0, nb > 0 else { return 0 }
        return dot(a, b) / (na.squareRoot() * nb.squareRoot())
    }

    /// The distance `metric` assigns to two vectors (smaller is closer); cosine normalises both first.
    public static func distance(_ a: [Float], _ b: [Float], metric: Metric) -> Float {
        switch metric {
        case .innerProduct: 1 - dot(a, b)
        case .cosine: 1 - cosine(a, b)
        case .l2: squaredL2(a, b)
        }
    }

    /// `v` scaled to unit L2 norm (unchanged when it is zero).
    public static func normalized(_ v: [Float]) -> [Float] {
        var v = v
        normalize(&v)
        return v
    }

    /// Scales `v` to unit L2 norm in place (unchanged when it is zero).
    public static func normalize(_ v: inout [Float]) {
        let n = dot(v, v)
        guard n > 0 else { return }
        let inv = 1 / n.squareRoot()
        for i in v.indices { v[i] *= inv }
    }
}

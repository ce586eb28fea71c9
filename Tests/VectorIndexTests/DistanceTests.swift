import Testing
import VectorIndex

@Suite struct DistanceTests {
    @Test(arguments: [1, 7, 8, 31, 33, 128, 384, 385])
    func float32KernelsMatchNaiveLoops(dimension: Int) {
        var rng = SplitMix64(seed: UInt64(dimension))
        let a = (0..<dimension).map { _ in rng.nextGaussian() }
        let b = (0..<dimension).map { _ in rng.nextGaussian() }
        let dot = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let l2 = zip(a, b).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
        #expect(abs(Double(Distance.dot(a, b)) - dot) <= 1e-4 * max(1, abs(dot)))
        #expect(abs(Double(Distance.squaredL2(a, b)) - l2) <= 1e-4 * max(1, l2))
        let cos = TestData.naiveDistance(a, b, metric: .cosine)
        #expect(abs(Double(Distance.distance(a, b, metric: .cosine)) - cos) < 1e-4)
    }

    /// The AVX-512 kernels (CSupport, chosen at run time) against Double loops, over the padded lengths rows
    /// have: Fashion-MNIST's 784, MiniLM's 384, and lengths that end in each step size.
    @Test(.enabled(if: Distance.wideKernelsAvailable, "this CPU has no AVX-512"),
          arguments: [16, 48, 64, 80, 384, 784, 1536])
    func wideKernelsMatchNaiveLoops(dimension: Int) {
        var rng = SplitMix64(seed: UInt64(dimension) &+ 7)
        let a = (0..<dimension).map { _ in rng.nextGaussian() }
        let b = (0..<dimension).map { _ in rng.nextGaussian() * 3 }
        let dot = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let l2 = zip(a, b).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                let wideDot = Distance.wideDot(pa.baseAddress!, pb.baseAddress!, count: dimension)
                let wideL2 = Distance.wideSquaredL2(pa.baseAddress!, pb.baseAddress!, count: dimension)
                #expect(abs(Double(wideDot) - dot) <= 1e-4 * max(1, abs(dot)))
                #expect(abs(Double(wideL2) - l2) <= 1e-4 * max(1, l2))
            }
        }
    }

    /// The VNNI Int8 kernel is exact: it equals the scalar Int32 loop on codes that reach both ends of the range.
    @Test(.enabled(if: Distance.wideInt8KernelAvailable, "this CPU has no AVX-512 VNNI"),
          arguments: [64, 128, 320, 384, 832, 1536])
    func wideInt8KernelEqualsTheScalarLoop(dimension: Int) {
        var rng = SplitMix64(seed: UInt64(dimension) &+ 3)
        let a = (0..<dimension).map { i in i % 97 == 0 ? Int8.min + 1 : Int8(clamping: Int(rng.nextGaussian() * 60)) }
        let b = (0..<dimension).map { i in i % 89 == 0 ? Int8.max : Int8(clamping: Int(rng.nextGaussian() * 60)) }
        let sumOfB = b.reduce(Int32(0)) { $0 + Int32($1) }
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                let scalar = Distance.dot(pa.baseAddress!, pb.baseAddress!, count: dimension)
                #expect(Distance.wideDot(pa.baseAddress!, pb.baseAddress!, count: dimension, sumOfB: sumOfB) == scalar)
            }
        }
    }

    @Test func compactKernelsApproximateFloat32() {
        var rng = SplitMix64(seed: 99)
        let d = 384
        let a = Distance.normalized((0..<d).map { _ in rng.nextGaussian() })
        let b = Distance.normalized((0..<d).map { _ in rng.nextGaussian() + 0.5 })
        let exact = Distance.dot(a, b)
        let halfB = b.map { Float16($0) }
        let half = a.withUnsafeBufferPointer { pa in
            halfB.withUnsafeBufferPointer { pb in Distance.dot(pa.baseAddress!, pb.baseAddress!, count: d) }
        }
        #expect(abs(half - exact) < 1e-3)
        let qa = a.map { Int8(($0 * 127 / a.map(abs).max()!).rounded()) }
        let qb = b.map { Int8(($0 * 127 / b.map(abs).max()!).rounded()) }
        let scale = a.map(abs).max()! / 127 * b.map(abs).max()! / 127
        let approx = qa.withUnsafeBufferPointer { pa in
            qb.withUnsafeBufferPointer { pb in Float(Distance.dot(pa.baseAddress!, pb.baseAddress!, count: d)) * scale }
        }
        #expect(abs(approx - exact) < 0.02)
    }

    @Test func normalizeGivesUnitLengthAndKeepsZero() {
        let v = Distance.normalized([3, 4])
        #expect(abs(v[0] - 0.6) < 1e-6 && abs(v[1] - 0.8) < 1e-6)
        #expect(Distance.normalized([0, 0]) == [0, 0])
    }
}

/// Vectorised element-wise kernels of the encoder: exp, erf, GELU, softmax, LayerNorm, bias and residual
/// adds, mean pooling.
///
/// Swift keeps floating-point evaluation order strict, so plain `for` loops over `Float` are never
/// vectorised; these kernels work on `SIMD8<Float>` (one AVX2 register with `-march=x86-64-v3`) with several
/// independent accumulators for the reductions, and finish row tails scalar by scalar. All pointer work of the
/// encoder outside BLAS lives here.
enum Kernels {
    typealias Vector = SIMD8<Float>
    static let width = Vector.scalarCount

    // MARK: - Loads and stores

    @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>) -> Vector {
        UnsafeRawPointer(pointer).loadUnaligned(as: Vector.self)
    }

    @inline(__always)
    static func load(_ pointer: UnsafeMutablePointer<Float>) -> Vector {
        UnsafeRawPointer(pointer).loadUnaligned(as: Vector.self)
    }

    @inline(__always)
    static func store(_ vector: Vector, to pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: vector, as: Vector.self)
    }

    // MARK: - Lane-wise min and max

    // The standard library's `pointwiseMin`/`pointwiseMax`/`clamped` and `.max()` are generic and were not
    // inlined (about 10% of encoder time in a profile); a compare and a blend are single instructions.

    @inline(__always)
    static func maximum(_ a: Vector, _ b: Vector) -> Vector {
        a.replacing(with: b, where: a .< b)
    }

    @inline(__always)
    static func minimum(_ a: Vector, _ b: Vector) -> Vector {
        a.replacing(with: b, where: b .< a)
    }

    @inline(__always)
    static func horizontalMaximum(_ a: Vector) -> Float {
        var result = a[0]
        for lane in 1..<width where a[lane] > result { result = a[lane] }
        return result
    }

    // MARK: - exp and erf

    /// e^x for every lane, relative error below 2e-7 over the float range (inputs are clamped to
    /// [-87.3, 88.3] so that 2^n stays a normal float).
    ///
    /// Cody-Waite range reduction x = n·ln2 + r with |r| ≤ ln2/2, a degree-7 Taylor polynomial for e^r
    /// (truncation error r⁸/8! < 6e-9), and 2^n built directly in the exponent bits. The rounding of n uses
    /// the 1.5·2²³ trick so that no float↔int vector conversion (a slow generic call in the standard
    /// library) is needed.
    @inline(__always)
    static func exp(_ x: Vector) -> Vector {
        let clamped = minimum(maximum(x, Vector(repeating: -87.3)), Vector(repeating: 88.3))
        let shifter = Vector(repeating: 12_582_912)  // 1.5 · 2^23: adding it rounds to an integer
        let shifted = clamped * 1.442_695_04 + shifter
        let n = shifted - shifter
        // ln2 split into a part exact in float and a small correction.
        var r = clamped - n * 0.693_145_751_953_125
        r = r - n * 1.428_606_765_330_187e-6
        var p = Vector(repeating: 1.0 / 5040.0 / 8.0)
        p = p * r + 1.0 / 5040.0
        p = p * r + 1.0 / 720.0
        p = p * r + 1.0 / 120.0
        p = p * r + 1.0 / 24.0
        p = p * r + 1.0 / 6.0
        p = p * r + 0.5
        p = p * r + 1.0
        p = p * r + 1.0
        // The low mantissa bits of `shifted` hold n (two's complement); move n + 127 into the exponent field.
        let bits = unsafeBitCast(shifted, to: SIMD8<UInt32>.self)
        let scaleBits = (bits &- 0x4B40_0000 &+ 127) &<< 23
        return p * unsafeBitCast(scaleBits, to: Vector.self)
    }

    /// erf(x) for every lane with absolute error below 2e-7 (Abramowitz & Stegun 7.1.26, whose own bound is
    /// 1.5e-7, plus float rounding): erf(a) = 1 - t·P(t)·e^(-a²) with t = 1/(1 + p·a), a = |x|, sign restored.
    @inline(__always)
    static func erf(_ x: Vector) -> Vector {
        let magnitude = unsafeBitCast(unsafeBitCast(x, to: SIMD8<UInt32>.self) & 0x7FFF_FFFF, to: Vector.self)
        let a = minimum(magnitude, Vector(repeating: 6))
        let t = 1 / (1 + 0.327_591_1 * a)
        var p = Vector(repeating: 1.061_405_429)
        p = p * t - 1.453_152_027
        p = p * t + 1.421_413_741
        p = p * t - 0.284_496_736
        p = p * t + 0.254_829_592
        let tail: Vector = p * t * Kernels.exp(-(a * a))
        let y: Vector = 1 - tail
        return y.replacing(with: -y, where: x .< Vector(repeating: 0))
    }

    /// Scalar erf through the same formula, for row tails.
    @inline(__always)
    static func erf(_ x: Float) -> Float {
        erf(Vector(repeating: x))[0]
    }

    // MARK: - Row kernels

    /// `values[r, c] = gelu(values[r, c] + bias[c])` for `rows` rows of `columns` floats (contiguous), with
    /// the exact erf form gelu(x) = x/2 · (1 + erf(x/√2)).
    static func addBiasGELU(_ values: UnsafeMutablePointer<Float>, rows: Int, columns: Int,
                            bias: UnsafePointer<Float>) {
        let invSqrt2: Float = 0.707_106_781_186_547_5
        for row in 0..<rows {
            let line = values + row * columns
            var c = 0
            while c + width <= columns {
                let x = load(line + c) + load(bias + c)
                store(0.5 * x * (1 + erf(x * invSqrt2)), to: line + c)
                c += width
            }
            while c < columns {
                let x = line[c] + bias[c]
                line[c] = 0.5 * x * (1 + erf(x * invSqrt2))
                c += 1
            }
        }
    }

    /// `values[r, c] += bias[c]` for `rows` rows of `columns` floats (contiguous).
    static func addBias(_ values: UnsafeMutablePointer<Float>, rows: Int, columns: Int,
                        bias: UnsafePointer<Float>) {
        for row in 0..<rows {
            let line = values + row * columns
            var c = 0
            while c + width <= columns {
                store(load(line + c) + load(bias + c), to: line + c)
                c += width
            }
            while c < columns {
                line[c] += bias[c]
                c += 1
            }
        }
    }

    /// Post-norm residual block after a GEMM accumulated into `hidden` (beta = 1):
    /// `hidden[r] = LayerNorm(hidden[r] + bias)`, per row of `columns`.
    static func addBiasLayerNorm(_ hidden: UnsafeMutablePointer<Float>, rows: Int, columns: Int,
                                 bias: UnsafePointer<Float>, gamma: UnsafePointer<Float>,
                                 beta: UnsafePointer<Float>, epsilon: Float) {
        addBias(hidden, rows: rows, columns: columns, bias: bias)
        layerNorm(hidden, rows: rows, columns: columns, gamma: gamma, beta: beta, epsilon: epsilon)
    }

    /// `values[r] = bias` for every row: a GEMM with beta = 1 then adds the product, which saves OpenBLAS's
    /// zeroing pass and a separate bias pass.
    static func fillRows(_ values: UnsafeMutablePointer<Float>, rows: Int, columns: Int, with bias: UnsafePointer<Float>) {
        for row in 0..<rows {
            (values + row * columns).update(from: bias, count: columns)
        }
    }

    /// In-place LayerNorm of each row: (x - mean) / sqrt(var + ε) · γ + β, population variance, two passes.
    static func layerNorm(_ values: UnsafeMutablePointer<Float>, rows: Int, columns: Int,
                          gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, epsilon: Float) {
        let count = Float(columns)
        for row in 0..<rows {
            let line = values + row * columns
            let mean = sum(line, count: columns) / count
            let meanVector = Vector(repeating: mean)
            var s0 = Vector(), s1 = Vector()
            var c = 0
            while c + 2 * width <= columns {
                let d0 = load(line + c) - meanVector
                let d1 = load(line + c + width) - meanVector
                s0.addProduct(d0, d0)
                s1.addProduct(d1, d1)
                c += 2 * width
            }
            var squares = (s0 + s1).sum()
            while c < columns {
                let d = line[c] - mean
                squares += d * d
                c += 1
            }
            let scale = 1 / (squares / count + epsilon).squareRoot()
            let scaleVector = Vector(repeating: scale)
            c = 0
            while c + width <= columns {
                let normalized = (load(line + c) - meanVector) * scaleVector
                store(normalized * load(gamma + c) + load(beta + c), to: line + c)
                c += width
            }
            while c < columns {
                line[c] = (line[c] - mean) * scale * gamma[c] + beta[c]
                c += 1
            }
        }
    }

    /// In-place softmax of each of `rows` rows of `columns` floats, rows `stride` floats apart.
    static func softmax(_ values: UnsafeMutablePointer<Float>, rows: Int, columns: Int, stride: Int) {
        for row in 0..<rows {
            let line = values + row * stride
            var m0 = Vector(repeating: -.infinity), m1 = m0
            var c = 0
            while c + 2 * width <= columns {
                m0 = maximum(m0, load(line + c))
                m1 = maximum(m1, load(line + c + width))
                c += 2 * width
            }
            var rowMaximum = horizontalMaximum(maximum(m0, m1))
            while c < columns {
                rowMaximum = Swift.max(rowMaximum, line[c])
                c += 1
            }
            let maxVector = Vector(repeating: rowMaximum)
            var s0 = Vector(), s1 = Vector()
            c = 0
            while c + 2 * width <= columns {
                let e0 = exp(load(line + c) - maxVector)
                let e1 = exp(load(line + c + width) - maxVector)
                store(e0, to: line + c)
                store(e1, to: line + c + width)
                s0 += e0
                s1 += e1
                c += 2 * width
            }
            if c + width <= columns {
                let e0 = exp(load(line + c) - maxVector)
                store(e0, to: line + c)
                s0 += e0
                c += width
            }
            var total = (s0 + s1).sum()
            if c < columns {
                var tail = Vector(repeating: -.infinity)
                for i in 0..<(columns - c) { tail[i] = line[c + i] - rowMaximum }
                let e = exp(tail)
                for i in 0..<(columns - c) {
                    line[c + i] = e[i]
                    total += e[i]
                }
            }
            scale(line, count: columns, by: 1 / total)
        }
    }

    /// Sum of `count` floats with four accumulators.
    static func sum(_ values: UnsafePointer<Float>, count: Int) -> Float {
        var s0 = Vector(), s1 = Vector(), s2 = Vector(), s3 = Vector()
        var c = 0
        while c + 4 * width <= count {
            s0 += load(values + c)
            s1 += load(values + c + width)
            s2 += load(values + c + 2 * width)
            s3 += load(values + c + 3 * width)
            c += 4 * width
        }
        while c + width <= count {
            s0 += load(values + c)
            c += width
        }
        var total = ((s0 + s1) + (s2 + s3)).sum()
        while c < count {
            total += values[c]
            c += 1
        }
        return total
    }

    static func sum(_ values: UnsafeMutablePointer<Float>, count: Int) -> Float {
        sum(UnsafePointer(values), count: count)
    }

    /// `values[i] *= factor`.
    static func scale(_ values: UnsafeMutablePointer<Float>, count: Int, by factor: Float) {
        let f = Vector(repeating: factor)
        var c = 0
        while c + width <= count {
            store(load(values + c) * f, to: values + c)
            c += width
        }
        while c < count {
            values[c] *= factor
            c += 1
        }
    }

    /// `target[i] += source[i]`.
    static func accumulate(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, count: Int) {
        var c = 0
        while c + width <= count {
            store(load(target + c) + load(source + c), to: target + c)
            c += width
        }
        while c < count {
            target[c] += source[c]
            c += 1
        }
    }

    /// Sum of squares of `count` floats.
    static func squaredNorm(_ values: UnsafePointer<Float>, count: Int) -> Float {
        var s0 = Vector(), s1 = Vector()
        var c = 0
        while c + 2 * width <= count {
            let a = load(values + c), b = load(values + c + width)
            s0.addProduct(a, a)
            s1.addProduct(b, b)
            c += 2 * width
        }
        var total = (s0 + s1).sum()
        while c < count {
            total += values[c] * values[c]
            c += 1
        }
        return total
    }
}

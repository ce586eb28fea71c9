import Embeddings
import Foundation
import Testing

/// The AVX-512 encoder kernels (CSupport's rag_encoder.c) against plain double-precision loops, on the encoder's
/// shapes: rows × 384 times 384×1152 (Q, K, V stacked), 384×384, 384×1536 and 1536×384, and attention over
/// sequence lengths around the kernel's 12-row and 32-column blocks.
@Suite(.enabled(if: PackedKernels.available, "the CPU has no AVX-512F or RAG_NO_AVX512=1"))
struct PackedKernelTests {
    /// SplitMix64: reproducible test data without a system call per value.
    struct Numbers {
        var state: UInt64
        mutating func next() -> Float {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return Float(z >> 40) / Float(1 << 24) * 2 - 1
        }
        mutating func array(_ count: Int, scale: Float = 1) -> [Float] {
            (0..<count).map { _ in next() * scale }
        }
    }

    /// A float rounded to the nearest bfloat16 (ties to even), as the BF16 kernel rounds its inputs.
    static func bfloat16(_ value: Float) -> Float {
        var bits = value.bitPattern
        bits &+= 0x7FFF &+ ((bits >> 16) & 1)
        return Float(bitPattern: bits & 0xFFFF_0000)
    }

    static func gelu(_ x: Double) -> Double { 0.5 * x * (1 + erf(x / 2.0.squareRoot())) }

    /// `epilogue(x·Wᵀ + b)` in double precision, `W` given as parts stacked along the outputs.
    static func reference(_ x: [Float], rows: Int, inputs: Int, parts: [(weight: [Float], bias: [Float])],
                          initial: [Float], epilogue: PackedKernels.Epilogue, round: (Float) -> Float) -> [Double] {
        let weight = parts.flatMap(\.weight), bias = parts.flatMap(\.bias)
        let outputs = bias.count
        var result = [Double](repeating: 0, count: rows * outputs)
        for r in 0..<rows {
            for o in 0..<outputs {
                var sum = Double(bias[o])
                for k in 0..<inputs {
                    sum += Double(round(x[r * inputs + k])) * Double(round(weight[o * inputs + k]))
                }
                switch epilogue {
                case .store: result[r * outputs + o] = sum
                case .accumulate: result[r * outputs + o] = sum + Double(initial[r * outputs + o])
                case .gelu: result[r * outputs + o] = gelu(sum)
                }
            }
        }
        return result
    }

    /// Runs one packed linear layer and returns the largest absolute difference from `reference`.
    static func maxDifference(rows: Int, inputs: Int, partOutputs: [Int], epilogue: PackedKernels.Epilogue,
                              precision: PackedKernels.Precision, seed: UInt64) -> (difference: Double, scale: Double) {
        var numbers = Numbers(state: seed)
        let x = numbers.array(rows * inputs)
        let parts = partOutputs.map { outputs in
            (weight: numbers.array(outputs * inputs, scale: 0.1), bias: numbers.array(outputs, scale: 0.5))
        }
        let outputs = partOutputs.reduce(0, +)
        let initial = numbers.array(rows * outputs)
        // The parts' weights and biases in memory that outlives packing (PackedLinear copies them).
        let weightMemory = UnsafeMutablePointer<Float>.allocate(capacity: outputs * inputs)
        let biasMemory = UnsafeMutablePointer<Float>.allocate(capacity: outputs)
        defer {
            weightMemory.deallocate()
            biasMemory.deallocate()
        }
        var offset = 0
        var layers: [BERTWeights.Linear] = []
        for part in parts {
            (weightMemory + offset * inputs).initialize(from: part.weight, count: part.weight.count)
            (biasMemory + offset).initialize(from: part.bias, count: part.bias.count)
            layers.append(BERTWeights.Linear(weight: weightMemory + offset * inputs, bias: biasMemory + offset,
                                             inputs: inputs, outputs: part.bias.count))
            offset += part.bias.count
        }
        let linear = PackedLinear(stacking: layers, precision: precision)
        var output = initial
        var workspace = [Float](repeating: 0, count: PackedKernels.gemmWorkspace(rows: rows, inputs: inputs))
        x.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                workspace.withUnsafeMutableBufferPointer { work in
                    PackedKernels.linear(input.baseAddress!, rows: rows, inputStride: inputs, through: linear,
                                         into: out.baseAddress!, outputStride: outputs, epilogue: epilogue,
                                         workspace: work.baseAddress!)
                }
            }
        }
        let expected = reference(x, rows: rows, inputs: inputs, parts: parts, initial: initial, epilogue: epilogue) {
            precision == .bfloat16 ? bfloat16($0) : $0
        }
        let difference = zip(output, expected).map { abs(Double($0) - $1) }.max() ?? 0
        let scale = expected.map(abs).max() ?? 0
        return (difference, scale)
    }

    static let shapes: [(inputs: Int, parts: [Int], epilogue: PackedKernels.Epilogue)] = [
        (384, [384, 384, 384], .store),  // Q, K, V stacked
        (384, [384], .accumulate),       // attention output + residual
        (384, [1536], .gelu),            // intermediate
        (1536, [384], .accumulate),      // output + residual
        (40, [20], .store),              // neither outputs nor rows a whole block
    ]

    @Test(arguments: [1, 13, 100])
    func float32MatchesLoop(rows: Int) {
        for (index, shape) in Self.shapes.enumerated() {
            let (difference, scale) = Self.maxDifference(rows: rows, inputs: shape.inputs, partOutputs: shape.parts,
                                                         epilogue: shape.epilogue, precision: .float32,
                                                         seed: UInt64(rows * 10 + index))
            #expect(difference <= 1e-5 * max(scale, 1), "shape \(index), \(rows) rows: off by \(difference)")
        }
    }

    /// With inputs already bfloat16, products are exact in float32: only the float32 sums differ from the loop.
    @Test(.enabled(if: PackedKernels.bfloat16Available, "no AVX-512 BF16 or RAG_NO_BF16=1"),
          arguments: [1, 13, 100])
    func bfloat16MatchesLoopOnRoundedInputs(rows: Int) {
        for (index, shape) in Self.shapes.enumerated() {
            let (difference, scale) = Self.maxDifference(rows: rows, inputs: shape.inputs, partOutputs: shape.parts,
                                                         epilogue: shape.epilogue, precision: .bfloat16,
                                                         seed: UInt64(rows * 10 + index))
            #expect(difference <= 1e-5 * max(scale, 1), "shape \(index), \(rows) rows: off by \(difference)")
        }
    }

    @Test(arguments: [1, 5, 12, 13, 31, 33, 78, 256])
    func attentionMatchesLoop(length: Int) {
        let heads = 12, headSize = 32, hidden = heads * headSize, stride = 3 * hidden
        var numbers = Numbers(state: UInt64(length))
        let qkv = numbers.array(length * stride, scale: 2)
        var context = [Float](repeating: 0, count: length * hidden)
        var workspace = [Float](repeating: 0, count: PackedKernels.attentionWorkspace(length: length,
                                                                                       headSize: headSize))
        qkv.withUnsafeBufferPointer { q in
            context.withUnsafeMutableBufferPointer { c in
                workspace.withUnsafeMutableBufferPointer { w in
                    let base = q.baseAddress!
                    PackedKernels.attend(query: base, key: base + hidden, value: base + 2 * hidden, stride: stride,
                                         length: length, heads: heads, headSize: headSize,
                                         context: c.baseAddress!, contextStride: hidden, workspace: w.baseAddress!)
                }
            }
        }
        let scale = 1 / Double(headSize).squareRoot()
        var worst = 0.0
        for head in 0..<heads {
            let column = head * headSize
            for i in 0..<length {
                var scores = (0..<length).map { j in
                    (0..<headSize).reduce(0.0) { sum, d in
                        sum + Double(qkv[i * stride + column + d]) * Double(qkv[j * stride + hidden + column + d])
                    } * scale
                }
                let top = scores.max()!
                scores = scores.map { Foundation.exp($0 - top) }
                let total = scores.reduce(0, +)
                for d in 0..<headSize {
                    let expected = (0..<length).reduce(0.0) { sum, j in
                        sum + scores[j] / total * Double(qkv[j * stride + 2 * hidden + column + d])
                    }
                    worst = max(worst, abs(expected - Double(context[i * hidden + column + d])))
                }
            }
        }
        #expect(worst < 1e-5, "length \(length): off by \(worst)")
    }
}

import CSupport
import Foundation

/// The encoder's AVX-512 path (CSupport's rag_encoder.c): a packed-weight SGEMM with the bias, residual add or
/// GELU fused into its store, and whole-sequence multi-head attention, instead of `cblas_sgemm` calls plus
/// separate element-wise passes.
///
/// Chosen once at run time: the CPU must have AVX-512F and `RAG_NO_AVX512=1` must not be set; otherwise the
/// encoder keeps its OpenBLAS path. Where the CPU also has AVX-512 BF16, the projections round weights and
/// activations to bfloat16 and sum the products in float32 (twice the float32 speed; all-MiniLM-L6-v2 stays
/// above 0.9999 cosine to the reference), unless `RAG_NO_BF16=1`.
package enum PackedKernels {
    /// Whether the AVX-512 encoder kernels run on this CPU and are not turned off by `RAG_NO_AVX512=1`.
    package static let available: Bool =
        ProcessInfo.processInfo.environment["RAG_NO_AVX512"] != "1" && rag_cpu_has_avx512() != 0

    /// Whether projections use the BF16 kernel: ``available``, AVX-512 BF16 on the CPU, and `RAG_NO_BF16`
    /// not set to 1.
    package static let bfloat16Available: Bool =
        available && ProcessInfo.processInfo.environment["RAG_NO_BF16"] != "1" && rag_cpu_has_avx512_bf16() != 0

    /// How a ``PackedLinear`` stores its weights.
    package enum Precision: Sendable {
        /// float32 panels for `rag_sgemm_packed_avx512`.
        case float32
        /// bfloat16 panels for `rag_sgemm_packed_bf16_avx512`.
        case bfloat16
    }

    /// What the GEMM does with `x·Wᵀ + b` before storing it.
    package enum Epilogue {
        /// `y = x·Wᵀ + b`.
        case store
        /// `y += x·Wᵀ + b` (a residual connection).
        case accumulate
        /// `y = gelu(x·Wᵀ + b)`, exact erf form.
        case gelu

        var mode: Int32 {
            switch self {
            case .store: Int32(RAG_GEMM_STORE)
            case .accumulate: Int32(RAG_GEMM_ACCUMULATE)
            case .gelu: Int32(RAG_GEMM_GELU)
            }
        }
    }

    /// Floats of workspace ``linear(_:rows:inputStride:through:into:outputStride:epilogue:workspace:)`` needs.
    package static func gemmWorkspace(rows: Int, inputs: Int) -> Int {
        max(rag_sgemm_workspace_floats(rows, inputs), rag_sgemm_bf16_workspace_floats(rows, inputs))
    }

    /// Floats of workspace ``attend(query:key:value:stride:length:heads:headSize:context:contextStride:workspace:)``
    /// needs for one sequence.
    package static func attentionWorkspace(length: Int, headSize: Int) -> Int {
        rag_attention_workspace_floats(length, headSize)
    }

    /// `output[r] = epilogue(input[r]·Wᵀ + b)` for `rows` rows, with W packed in `linear`.
    ///
    /// - Precondition: ``available``; `workspace` holds ``gemmWorkspace(rows:inputs:)`` floats.
    package static func linear(_ input: UnsafePointer<Float>, rows: Int, inputStride: Int, through linear: PackedLinear,
                       into output: UnsafeMutablePointer<Float>, outputStride: Int, epilogue: Epilogue,
                       workspace: UnsafeMutablePointer<Float>) {
        switch linear.precision {
        case .float32:
            rag_sgemm_packed_avx512(input, inputStride, rows, linear.inputs,
                                    linear.weights.assumingMemoryBound(to: Float.self), linear.outputs,
                                    linear.bias, output, outputStride, epilogue.mode, workspace)
        case .bfloat16:
            rag_sgemm_packed_bf16_avx512(input, inputStride, rows, linear.inputs,
                                         linear.weights.assumingMemoryBound(to: UInt16.self), linear.outputs,
                                         linear.bias, output, outputStride, epilogue.mode, workspace)
        }
    }

    /// softmax(scale · Q_h·K_hᵀ)·V_h for every head of one unmasked sequence of `length` rows.
    ///
    /// - Precondition: ``available``; `workspace` holds ``attentionWorkspace(length:headSize:)`` floats.
    package static func attend(query: UnsafePointer<Float>, key: UnsafePointer<Float>, value: UnsafePointer<Float>,
                       stride: Int, length: Int, heads: Int, headSize: Int,
                       context: UnsafeMutablePointer<Float>, contextStride: Int,
                       workspace: UnsafeMutablePointer<Float>) {
        rag_attention_avx512(query, key, value, stride, length, heads, headSize,
                             1 / Float(headSize).squareRoot(), context, contextStride, workspace)
    }
}

/// A linear layer's weights packed for ``PackedKernels`` (panels of 32 outputs), with its bias; possibly
/// several layers of the same input stacked along the outputs (Q, K and V as one 3·hidden projection).
///
/// Owns its memory; immutable after `init`, so sharing between threads is safe.
package final class PackedLinear: @unchecked Sendable {
    let inputs: Int
    let outputs: Int
    let precision: PackedKernels.Precision
    /// Packed panels: `Float` for `.float32`, bfloat16 bit patterns (`UInt16`) for `.bfloat16`.
    let weights: UnsafeMutableRawPointer
    let bias: UnsafeMutablePointer<Float>

    /// Packs `parts` (each `[outputs][inputs]` row-major with its bias) stacked in order along the outputs.
    ///
    /// - Precondition: all parts have the same `inputs`; every part but the last has a multiple of 32 outputs.
    package init(stacking parts: [BERTWeights.Linear], precision: PackedKernels.Precision) {
        precondition(!parts.isEmpty)
        inputs = parts[0].inputs
        outputs = parts.reduce(0) { $0 + $1.outputs }
        self.precision = precision
        let byteCount = switch precision {
        case .float32: rag_sgemm_packed_floats(outputs, inputs) * MemoryLayout<Float>.stride
        case .bfloat16: rag_sgemm_packed_bf16_count(outputs, inputs) * MemoryLayout<UInt16>.stride
        }
        weights = .allocate(byteCount: byteCount, alignment: 64)
        bias = .allocate(capacity: outputs)
        var offset = 0
        for part in parts {
            precondition(part.inputs == inputs, "stacked layers need the same input width")
            precondition(offset % 32 == 0, "only the last stacked layer may have outputs not a multiple of 32")
            switch precision {
            case .float32:
                let panels = weights.bindMemory(to: Float.self, capacity: byteCount / 4)
                rag_sgemm_pack_weights(part.weight, part.outputs, inputs, inputs,
                                       panels + rag_sgemm_packed_floats(offset, inputs))
            case .bfloat16:
                let panels = weights.bindMemory(to: UInt16.self, capacity: byteCount / 2)
                rag_sgemm_pack_weights_bf16(part.weight, part.outputs, inputs, inputs,
                                            panels + rag_sgemm_packed_bf16_count(offset, inputs))
            }
            (bias + offset).initialize(from: part.bias, count: part.outputs)
            offset += part.outputs
        }
    }

    deinit {
        weights.deallocate()
        bias.deallocate()
    }
}

/// Every linear layer of a BERT encoder packed for ``PackedKernels``: about 42 MB for all-MiniLM-L6-v2 in
/// float32, 21 MB in bfloat16.
final class PackedEncoderWeights: Sendable {
    /// One transformer layer's projections.
    struct Layer: Sendable {
        /// Q, K and V stacked: one GEMM writes rows of `[q | k | v]`.
        let queryKeyValue: PackedLinear
        let attentionOutput: PackedLinear
        let intermediate: PackedLinear
        let output: PackedLinear
    }

    let layers: [Layer]

    /// Packs `weights` in `precision` (default: bfloat16 where ``PackedKernels/bfloat16Available``), or returns
    /// nil when the AVX-512 path does not apply (CPU, `RAG_NO_AVX512=1`, or a hidden size that is not a multiple
    /// of 32).
    init?(weights: BERTWeights, configuration: BERTConfiguration, precision: PackedKernels.Precision? = nil) {
        guard PackedKernels.available, configuration.hiddenSize % 32 == 0 else { return nil }
        let precision = precision ?? (PackedKernels.bfloat16Available ? .bfloat16 : .float32)
        if precision == .bfloat16 && rag_cpu_has_avx512_bf16() == 0 { return nil }
        layers = weights.layers.map { layer in
            Layer(queryKeyValue: PackedLinear(stacking: [layer.query, layer.key, layer.value], precision: precision),
                  attentionOutput: PackedLinear(stacking: [layer.attentionOutput], precision: precision),
                  intermediate: PackedLinear(stacking: [layer.intermediate], precision: precision),
                  output: PackedLinear(stacking: [layer.output], precision: precision))
        }
    }
}

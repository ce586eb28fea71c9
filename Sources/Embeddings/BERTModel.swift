import COpenBLAS

/// The BERT encoder forward pass, for groups of unpadded sequences: on the AVX-512 kernels of ``PackedKernels``
/// where the CPU has them (packed weights, fused epilogues, BF16 where available), else on `cblas_sgemm`.
///
/// Position-wise layers (the Q/K/V, attention-output and feed-forward projections, LayerNorm, GELU) see a
/// group's sequences packed row after row, so each projection is one matrix multiply over all their tokens;
/// attention runs per sequence and per head on that sequence's rows only. No padding is ever computed and
/// no attention mask is needed.
struct BERTModel: Sendable {
    let configuration: BERTConfiguration
    let weights: BERTWeights
    /// The linear layers packed for the AVX-512 kernels, or nil: then every product runs on `cblas_sgemm`.
    let packed: PackedEncoderWeights?

    /// Packs the weights for the AVX-512 path when it applies (see ``PackedKernels/available``), unless
    /// `packing` is false.
    init(configuration: BERTConfiguration, weights: BERTWeights, packing: Bool = true) {
        self.configuration = configuration
        self.weights = weights
        packed = packing ? PackedEncoderWeights(weights: weights, configuration: configuration) : nil
    }

    /// Runs `group` (token id sequences, each with its `[CLS]`/`[SEP]`) through the encoder and writes one
    /// pooled, not yet normalised, vector per sequence to `output(i)`.
    ///
    /// - Precondition: the group's total length fits `scratch.rowCapacity`, each sequence is at most
    ///   `scratch.sequenceCapacity` long and every id is below `vocabularySize`.
    func encode(_ group: [[Int32]], scratch: EncoderScratch, output: (Int) -> UnsafeMutablePointer<Float>) {
        let c = configuration
        let h = c.hiddenSize
        let rows = group.reduce(0) { $0 + $1.count }
        precondition(rows <= scratch.rowCapacity, "group of \(rows) tokens exceeds the scratch capacity")
        let hidden = scratch.hidden

        // Embeddings: word + position + token type 0, then LayerNorm.
        var row = 0
        for ids in group {
            precondition(ids.count <= scratch.sequenceCapacity, "sequence longer than the scratch capacity")
            for (position, id) in ids.enumerated() {
                precondition(id >= 0 && Int(id) < c.vocabularySize, "token id \(id) outside the vocabulary")
                let target = hidden + (row + position) * h
                target.update(from: weights.wordEmbeddings + Int(id) * h, count: h)
                Kernels.accumulate(weights.positionEmbeddings + position * h, into: target, count: h)
                Kernels.accumulate(weights.tokenTypeEmbeddings, into: target, count: h)
            }
            row += ids.count
        }
        Kernels.layerNorm(hidden, rows: rows, columns: h, gamma: weights.embeddingNorm.gamma,
                          beta: weights.embeddingNorm.beta, epsilon: c.layerNormEpsilon)

        if let packed {
            encodeLayers(packed, group: group, rows: rows, scratch: scratch)
        } else {
            encodeLayersBLAS(group: group, rows: rows, scratch: scratch)
        }
        pool(group, scratch: scratch, output: output)
    }

    /// The transformer layers on the AVX-512 kernels: one GEMM for Q, K and V together (rows of `[q | k | v]`),
    /// attention per sequence with all heads in one call, and bias, residual and GELU fused into the GEMMs.
    private func encodeLayers(_ packed: PackedEncoderWeights, group: [[Int32]], rows: Int, scratch: EncoderScratch) {
        let c = configuration
        let h = c.hiddenSize
        let hidden = scratch.hidden
        let qkv = scratch.queryKeyValue
        let work = scratch.workspace
        for (layer, norms) in zip(packed.layers, weights.layers) {
            PackedKernels.linear(hidden, rows: rows, inputStride: h, through: layer.queryKeyValue, into: qkv,
                                 outputStride: 3 * h, epilogue: .store, workspace: work)
            var offset = 0
            for ids in group {
                let q = qkv + offset * 3 * h
                PackedKernels.attend(query: q, key: q + h, value: q + 2 * h, stride: 3 * h, length: ids.count,
                                     heads: c.headCount, headSize: c.headSize,
                                     context: scratch.context + offset * h, contextStride: h, workspace: work)
                offset += ids.count
            }
            PackedKernels.linear(scratch.context, rows: rows, inputStride: h, through: layer.attentionOutput,
                                 into: hidden, outputStride: h, epilogue: .accumulate, workspace: work)
            Kernels.layerNorm(hidden, rows: rows, columns: h, gamma: norms.attentionNorm.gamma,
                              beta: norms.attentionNorm.beta, epsilon: c.layerNormEpsilon)
            PackedKernels.linear(hidden, rows: rows, inputStride: h, through: layer.intermediate,
                                 into: scratch.intermediate, outputStride: c.intermediateSize, epilogue: .gelu,
                                 workspace: work)
            PackedKernels.linear(scratch.intermediate, rows: rows, inputStride: c.intermediateSize,
                                 through: layer.output, into: hidden, outputStride: h, epilogue: .accumulate,
                                 workspace: work)
            Kernels.layerNorm(hidden, rows: rows, columns: h, gamma: norms.outputNorm.gamma,
                              beta: norms.outputNorm.beta, epsilon: c.layerNormEpsilon)
        }
    }

    /// The transformer layers on `cblas_sgemm` and the Swift element-wise kernels.
    private func encodeLayersBLAS(group: [[Int32]], rows: Int, scratch: EncoderScratch) {
        let c = configuration
        let h = c.hiddenSize
        let hidden = scratch.hidden
        for layer in weights.layers {
            // Q, K, V: rows start as the bias, the GEMM adds x·Wᵀ (beta = 1).
            for (linear, target) in [(layer.query, scratch.query), (layer.key, scratch.key),
                                     (layer.value, scratch.value)] {
                Kernels.fillRows(target, rows: rows, columns: h, with: linear.bias)
                project(hidden, rows: rows, through: linear, into: target, accumulate: true)
            }
            var offset = 0
            for ids in group {
                attend(rowsFrom: offset, length: ids.count, scratch: scratch)
                offset += ids.count
            }
            // Residual: the GEMM accumulates straight into the hidden state, then bias + LayerNorm.
            project(scratch.context, rows: rows, through: layer.attentionOutput, into: hidden, accumulate: true)
            Kernels.addBiasLayerNorm(hidden, rows: rows, columns: h, bias: layer.attentionOutput.bias,
                                     gamma: layer.attentionNorm.gamma, beta: layer.attentionNorm.beta,
                                     epsilon: c.layerNormEpsilon)
            project(hidden, rows: rows, through: layer.intermediate, into: scratch.intermediate, accumulate: false)
            Kernels.addBiasGELU(scratch.intermediate, rows: rows, columns: c.intermediateSize,
                                bias: layer.intermediate.bias)
            project(scratch.intermediate, rows: rows, through: layer.output, into: hidden, accumulate: true)
            Kernels.addBiasLayerNorm(hidden, rows: rows, columns: h, bias: layer.output.bias,
                                     gamma: layer.outputNorm.gamma, beta: layer.outputNorm.beta,
                                     epsilon: c.layerNormEpsilon)
        }
    }

    /// Mean (or CLS) pooling of each sequence's final hidden rows into `output(i)`.
    private func pool(_ group: [[Int32]], scratch: EncoderScratch, output: (Int) -> UnsafeMutablePointer<Float>) {
        let h = configuration.hiddenSize
        let hidden = scratch.hidden
        var row = 0
        for (index, ids) in group.enumerated() {
            let target = output(index)
            switch configuration.pooling {
            case .cls:
                target.update(from: hidden + row * h, count: h)
            case .mean:
                target.update(from: hidden + row * h, count: h)
                for position in 1..<ids.count {
                    Kernels.accumulate(hidden + (row + position) * h, into: target, count: h)
                }
                Kernels.scale(target, count: h, by: 1 / Float(ids.count))
            }
            row += ids.count
        }
    }

    /// Masked-free multi-head self-attention of one sequence (rows `start ..< start + length` of the packed
    /// Q, K, V), writing its context rows: softmax(Q_h·K_hᵀ / √d)·V_h for every head h.
    private func attend(rowsFrom start: Int, length: Int, scratch: EncoderScratch) {
        let h = configuration.hiddenSize
        let d = configuration.headSize
        let scale = 1 / Float(d).squareRoot()
        let n = Int32(length)
        for head in 0..<configuration.headCount {
            let offset = start * h + head * d
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, n, Int32(d), scale,
                        scratch.query + offset, Int32(h), scratch.key + offset, Int32(h),
                        0, scratch.scores, n)
            Kernels.softmax(scratch.scores, rows: length, columns: length, stride: length)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, Int32(d), n, 1,
                        scratch.scores, n, scratch.value + offset, Int32(h),
                        0, scratch.context + offset, Int32(h))
        }
    }

    /// `output = input·Wᵀ`, or `output += input·Wᵀ` when `accumulate` (biases are added by the callers'
    /// fused kernels or pre-filled rows).
    private func project(_ input: UnsafeMutablePointer<Float>, rows: Int, through linear: BERTWeights.Linear,
                         into output: UnsafeMutablePointer<Float>, accumulate: Bool) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(linear.outputs),
                    Int32(linear.inputs), 1, input, Int32(linear.inputs), linear.weight, Int32(linear.inputs),
                    accumulate ? 1 : 0, output, Int32(linear.outputs))
    }
}

/// Working memory of one encoder thread: the packed activations of a group and one attention score matrix.
///
/// One allocation, reused across groups and calls (see ``ScratchPool``).
///
/// - Important: used by one thread at a time; ownership passes between threads only through
///   ``ScratchPool``, whose lock orders the hand-over.
final class EncoderScratch: @unchecked Sendable {
    /// Most tokens a group may hold.
    let rowCapacity: Int
    /// Longest single sequence.
    let sequenceCapacity: Int
    let hidden: UnsafeMutablePointer<Float>
    let query: UnsafeMutablePointer<Float>
    let key: UnsafeMutablePointer<Float>
    let value: UnsafeMutablePointer<Float>
    let context: UnsafeMutablePointer<Float>
    let intermediate: UnsafeMutablePointer<Float>
    let scores: UnsafeMutablePointer<Float>
    /// The AVX-512 path's `[q | k | v]` rows (3 · hidden floats a row): the same memory as query, key, value.
    var queryKeyValue: UnsafeMutablePointer<Float> { query }
    /// Packing and attention workspace of the AVX-512 kernels.
    let workspace: UnsafeMutablePointer<Float>
    private let storage: UnsafeMutableRawPointer

    init(configuration: BERTConfiguration, rowCapacity: Int) {
        self.rowCapacity = rowCapacity
        sequenceCapacity = configuration.maxSequenceLength
        // Round every buffer to 64 bytes (16 floats) so that each starts on a cache line.
        func rounded(_ count: Int) -> Int { (count + 15) / 16 * 16 }
        let block = rounded(rowCapacity * configuration.hiddenSize)
        let intermediateCount = rounded(rowCapacity * configuration.intermediateSize)
        let scoresCount = rounded(sequenceCapacity * sequenceCapacity)
        let workspaceCount = rounded(max(
            PackedKernels.gemmWorkspace(rows: rowCapacity,
                                        inputs: max(configuration.hiddenSize, configuration.intermediateSize)),
            PackedKernels.attentionWorkspace(length: sequenceCapacity, headSize: configuration.headSize)))
        let total = 5 * block + intermediateCount + scoresCount + workspaceCount
        storage = UnsafeMutableRawPointer.allocate(byteCount: total * MemoryLayout<Float>.stride, alignment: 64)
        let floats = storage.bindMemory(to: Float.self, capacity: total)
        floats.initialize(repeating: 0, count: total)
        hidden = floats
        query = floats + block
        key = floats + 2 * block
        value = floats + 3 * block
        context = floats + 4 * block
        intermediate = floats + 5 * block
        scores = intermediate + intermediateCount
        workspace = scores + scoresCount
    }

    deinit {
        storage.deallocate()
    }
}

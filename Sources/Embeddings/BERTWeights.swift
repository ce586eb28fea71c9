/// Pointers to every tensor of a BERT encoder, read in place from a memory-mapped safetensors file.
///
/// Linear weights keep PyTorch's `[out, in]` layout; the OpenBLAS path multiplies by their transpose
/// (y = x·Wᵀ + b) through `cblas_sgemm`'s `CblasTrans` in place. The AVX-512 path packs a copy once at load
/// (see ``PackedEncoderWeights``).
///
/// - Important: holds the ``SafeTensorsFile`` that owns the mapping, so the pointers stay valid as long as
///   this value exists; the memory is read-only, so sharing between threads is safe.
package struct BERTWeights: @unchecked Sendable {
    /// One linear layer: `weight` is `[outputs, inputs]` row-major, `bias` has `outputs` floats.
    package struct Linear {
        package var weight: UnsafePointer<Float>
        package var bias: UnsafePointer<Float>
        package var inputs: Int
        package var outputs: Int

        package init(weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, inputs: Int, outputs: Int) {
            self.weight = weight
            self.bias = bias
            self.inputs = inputs
            self.outputs = outputs
        }
    }

    /// LayerNorm scale (γ) and shift (β), `hiddenSize` floats each.
    struct Norm {
        var gamma: UnsafePointer<Float>
        var beta: UnsafePointer<Float>
    }

    /// One transformer layer (post-norm BERT).
    struct Layer {
        var query: Linear
        var key: Linear
        var value: Linear
        var attentionOutput: Linear
        var attentionNorm: Norm
        var intermediate: Linear
        var output: Linear
        var outputNorm: Norm
    }

    let file: SafeTensorsFile
    let wordEmbeddings: UnsafePointer<Float>
    let positionEmbeddings: UnsafePointer<Float>
    let tokenTypeEmbeddings: UnsafePointer<Float>
    let embeddingNorm: Norm
    let layers: [Layer]

    /// Looks up and checks every tensor `configuration` implies (names, `F32`, shapes).
    ///
    /// Accepts both the bare `BertModel` names (`embeddings.word_embeddings.weight`) and the `bert.`-prefixed
    /// names of checkpoints saved from a task model. Extra tensors (`position_ids`, the pooler) are ignored.
    ///
    /// - Throws: ``EmbeddingError/missingTensor(path:name:)``,
    ///   ``EmbeddingError/wrongShape(path:name:expected:actual:)`` or ``EmbeddingError/damagedFile(path:reason:)``.
    init(file: SafeTensorsFile, configuration c: BERTConfiguration) throws {
        self.file = file
        let prefix = file.tensors["embeddings.word_embeddings.weight"] == nil
            && file.tensors["bert.embeddings.word_embeddings.weight"] != nil ? "bert." : ""
        func tensor(_ name: String, _ shape: [Int]) throws -> UnsafePointer<Float> {
            try file.floats(prefix + name, shape: shape).baseAddress!
        }
        func linear(_ name: String, inputs: Int, outputs: Int) throws -> Linear {
            Linear(weight: try tensor(name + ".weight", [outputs, inputs]),
                   bias: try tensor(name + ".bias", [outputs]), inputs: inputs, outputs: outputs)
        }
        func norm(_ name: String) throws -> Norm {
            Norm(gamma: try tensor(name + ".weight", [c.hiddenSize]), beta: try tensor(name + ".bias", [c.hiddenSize]))
        }
        let h = c.hiddenSize
        wordEmbeddings = try tensor("embeddings.word_embeddings.weight", [c.vocabularySize, h])
        positionEmbeddings = try tensor("embeddings.position_embeddings.weight", [c.maxPositions, h])
        tokenTypeEmbeddings = try tensor("embeddings.token_type_embeddings.weight", [c.typeVocabularySize, h])
        embeddingNorm = try norm("embeddings.LayerNorm")
        layers = try (0..<c.layerCount).map { index in
            let p = "encoder.layer.\(index)."
            return Layer(
                query: try linear(p + "attention.self.query", inputs: h, outputs: h),
                key: try linear(p + "attention.self.key", inputs: h, outputs: h),
                value: try linear(p + "attention.self.value", inputs: h, outputs: h),
                attentionOutput: try linear(p + "attention.output.dense", inputs: h, outputs: h),
                attentionNorm: try norm(p + "attention.output.LayerNorm"),
                intermediate: try linear(p + "intermediate.dense", inputs: h, outputs: c.intermediateSize),
                output: try linear(p + "output.dense", inputs: c.intermediateSize, outputs: h),
                outputNorm: try norm(p + "output.LayerNorm"))
        }
    }
}

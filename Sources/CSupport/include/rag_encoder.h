#ifndef RAG_ENCODER_H
#define RAG_ENCODER_H

// AVX-512 kernels of the BERT encoder (rag_encoder.c): a packed-weight SGEMM with fused bias, residual and GELU,
// and whole multi-head self-attention of one sequence. Callers must check rag_cpu_has_avx512() first.

/// Epilogue of rag_sgemm_packed_avx512: C = A·Wᵀ + b.
#define RAG_GEMM_STORE 0
/// Epilogue of rag_sgemm_packed_avx512: C += A·Wᵀ + b (residual connection).
#define RAG_GEMM_ACCUMULATE 1
/// Epilogue of rag_sgemm_packed_avx512: C = gelu(A·Wᵀ + b), exact erf form.
#define RAG_GEMM_GELU 2

/// Floats needed to pack a weight matrix of `outputs` rows and `inputs` columns (outputs rounded up to 32).
long rag_sgemm_packed_floats(long outputs, long inputs);

/// Packs W (row-major `[outputs][inputs]`, rows `ldw` floats apart) into panels of 32 outputs:
/// `packed[p][k][j] = W[32p + j][k]`, zero beyond `outputs`. `packed` holds rag_sgemm_packed_floats() floats.
void rag_sgemm_pack_weights(const float *w, long outputs, long inputs, long ldw, float *packed);

/// Floats of workspace rag_sgemm_packed_avx512 needs for `rows` rows of `inputs` columns.
long rag_sgemm_workspace_floats(long rows, long inputs);

/// C = epilogue(A·Wᵀ + bias) for `rows` rows: A is `[rows][inputs]` (rows `lda` apart), W was packed by
/// rag_sgemm_pack_weights, C is `[rows][outputs]` (rows `ldc` apart), `bias` has `outputs` floats or is NULL,
/// `mode` one of RAG_GEMM_*. `work` holds rag_sgemm_workspace_floats(rows, inputs) floats.
void rag_sgemm_packed_avx512(const float *a, long lda, long rows, long inputs, const float *packed, long outputs,
                             const float *bias, float *c, long ldc, int mode, float *work);

/// Floats of workspace rag_attention_avx512 needs for a sequence of `length` tokens and heads of `head_size`.
long rag_attention_workspace_floats(long length, long head_size);

/// Multi-head self-attention of one sequence without mask: for every head h,
/// context_h = softmax(scale · Q_h·K_hᵀ)·V_h, where X_h is columns [h·head_size, (h+1)·head_size) of the
/// `length` rows of X (q, k and v rows `ld` floats apart, context rows `ldc` apart).
/// `work` holds rag_attention_workspace_floats(length, head_size) floats.
void rag_attention_avx512(const float *q, const float *k, const float *v, long ld, long length, long heads,
                          long head_size, float scale, float *context, long ldc, float *work);

/// Whether this CPU runs AVX-512 BF16 (with AVX-512F, BW and VL), for rag_sgemm_packed_bf16_avx512.
int rag_cpu_has_avx512_bf16(void);

/// 16-bit elements needed to pack a weight matrix for the BF16 kernel (outputs rounded up to 32, inputs to 2).
long rag_sgemm_packed_bf16_count(long outputs, long inputs);

/// Packs W (row-major `[outputs][inputs]`, rows `ldw` floats apart) as bfloat16 (round to nearest even) in
/// panels of 32 outputs and pairs of inputs: `packed[p][k / 2][j][k % 2] = W[32p + j][k]`, zero-padded.
void rag_sgemm_pack_weights_bf16(const float *w, long outputs, long inputs, long ldw, unsigned short *packed);

/// Floats of workspace rag_sgemm_packed_bf16_avx512 needs for `rows` rows of `inputs` columns.
long rag_sgemm_bf16_workspace_floats(long rows, long inputs);

/// rag_sgemm_packed_avx512 with W packed by rag_sgemm_pack_weights_bf16 and A rounded to bfloat16 on the fly;
/// products are summed in float32 (vdpbf16ps), the epilogue runs in float32.
void rag_sgemm_packed_bf16_avx512(const float *a, long lda, long rows, long inputs, const unsigned short *packed,
                                  long outputs, const float *bias, float *c, long ldc, int mode, float *work);

#endif

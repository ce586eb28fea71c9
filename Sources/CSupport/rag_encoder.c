// AVX-512 kernels of the BERT encoder; see include/rag_encoder.h for the contracts.
//
// SGEMM: C[M][N] = A[M][K]·B[K][N] where B is a weight matrix W[N][K] used transposed (y = x·Wᵀ + b).
// W is packed once into panels of 32 outputs (k-major, 32 floats per k), A is packed per call into panels of
// RAG_MR rows (k-major, RAG_MR floats per k). The micro-kernel keeps an RAG_MR x 32 tile of C in 2·RAG_MR zmm
// accumulators; per k it loads two vectors of B and broadcasts RAG_MR values of A (2·RAG_MR FMAs). K is cut
// into blocks of RAG_KC so that one B micro-panel (RAG_KC x 32 floats, 16 KB) stays in L1 while every row panel
// of A streams past it from L2. Bias, residual and GELU are applied to the tile before its only store.
#include "rag_encoder.h"
#include "rag_support.h"

// Block sizes; -D overrides them for tuning experiments.
#ifndef RAG_MR
#define RAG_MR 12
#endif
#define RAG_NR 32
#ifndef RAG_KC
#define RAG_KC 128
#endif

static long round_up(long n, long m) { return (n + m - 1) / m * m; }

long rag_sgemm_packed_floats(long outputs, long inputs) {
    return round_up(outputs, RAG_NR) * inputs;
}

void rag_sgemm_pack_weights(const float *w, long outputs, long inputs, long ldw, float *packed) {
    long panels = round_up(outputs, RAG_NR) / RAG_NR;
    for (long p = 0; p < panels; p++) {
        float *panel = packed + p * RAG_NR * inputs;
        for (long j = 0; j < RAG_NR; j++) {
            long o = p * RAG_NR + j;
            if (o < outputs) {
                const float *row = w + o * ldw;
#pragma clang loop vectorize(disable)
                for (long k = 0; k < inputs; k++) panel[k * RAG_NR + j] = row[k];
            } else {
#pragma clang loop vectorize(disable)
                for (long k = 0; k < inputs; k++) panel[k * RAG_NR + j] = 0;
            }
        }
    }
}

long rag_sgemm_workspace_floats(long rows, long inputs) {
    long kc = inputs < RAG_KC ? inputs : RAG_KC;
    return round_up(rows, RAG_MR) * kc;
}


// ---- BF16 variant: W and A rounded to bfloat16 (round to nearest even), products summed in float32 by
// vdpbf16ps, which multiplies pairs along K: per k-pair a panel holds 32 outputs x 2 k (two zmm of bf16) and a
// row of A contributes one 32-bit pair, broadcast. Twice the FMA work per instruction of the float32 kernel.

// 192 beat 256 and 384 on the encoder's four shapes taken together (B micro-panel 12 KB).
#ifndef RAG_KC_BF16
#define RAG_KC_BF16 192
#endif

static unsigned short bf16_round(float f) {
    unsigned int u;
    __builtin_memcpy(&u, &f, sizeof u);
    if ((u & 0x7FFFFFFFu) > 0x7F800000u) return (unsigned short)((u >> 16) | 0x40);  // quiet NaN
    u += 0x7FFFu + ((u >> 16) & 1u);
    return (unsigned short)(u >> 16);
}

long rag_sgemm_packed_bf16_count(long outputs, long inputs) {
    return round_up(outputs, RAG_NR) * round_up(inputs, 2);
}

void rag_sgemm_pack_weights_bf16(const float *w, long outputs, long inputs, long ldw, unsigned short *packed) {
    long panels = round_up(outputs, RAG_NR) / RAG_NR;
    long depth = round_up(inputs, 2);
    for (long p = 0; p < panels; p++) {
        unsigned short *panel = packed + p * RAG_NR * depth;
        for (long j = 0; j < RAG_NR; j++) {
            long o = p * RAG_NR + j;
            for (long k = 0; k < depth; k++) {
                float value = o < outputs && k < inputs ? w[o * ldw + k] : 0.0f;
                panel[(k / 2) * 2 * RAG_NR + j * 2 + (k & 1)] = bf16_round(value);
            }
        }
    }
}

long rag_sgemm_bf16_workspace_floats(long rows, long inputs) {
    long kc = inputs < RAG_KC_BF16 ? inputs : RAG_KC_BF16;
    return round_up(rows, RAG_MR) * round_up(kc, 2) / 2;
}

// Width of Sᵀ's rows in rag_attention_avx512: the micro-kernel reads whole RAG_MR-query panels.
static long attention_width(long length) { return round_up(round_up(length, RAG_MR), 16); }

long rag_attention_workspace_floats(long length, long head_size) {
    return (length + 2 * head_size) * attention_width(length);
}

#if defined(__x86_64__)
#include <immintrin.h>
#include <math.h>

#define AVX512 __attribute__((target("avx512f")))
#define AVX512_INLINE static inline __attribute__((always_inline, target("avx512f")))

// e^x, relative error about 2e-7: x = n·ln2 + r with |r| <= ln2/2, a degree-7 Taylor polynomial for e^r, and
// 2^n applied by vscalefps (exact, no exponent-bit arithmetic).
AVX512_INLINE __m512 exp512(__m512 x) {
    x = _mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(-87.3f)), _mm512_set1_ps(88.3f));
    __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504f)),
                                    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693145751953125f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(1.428606765330187e-6f), r);
    __m512 p = _mm512_set1_ps(1.0f / 40320.0f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 5040.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 720.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 120.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 24.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 6.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.5f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    return _mm512_scalef_ps(p, n);
}

// gelu(x) = x/2 · (1 + erf(x/√2)); erf by Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7):
// erf(a) = 1 - t·P(t)·e^(-a²), t = 1/(1 + 0.3275911·a), a = |x|, sign restored.
AVX512_INLINE __m512 gelu512(__m512 x) {
    __m512 z = _mm512_mul_ps(x, _mm512_set1_ps(0.70710678118654752f));
    __m512 a = _mm512_min_ps(_mm512_abs_ps(z), _mm512_set1_ps(6.0f));
    __m512 t = _mm512_div_ps(_mm512_set1_ps(1.0f), _mm512_fmadd_ps(a, _mm512_set1_ps(0.3275911f), _mm512_set1_ps(1.0f)));
    __m512 p = _mm512_set1_ps(1.061405429f);
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(-1.453152027f));
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(1.421413741f));
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(-0.284496736f));
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(0.254829592f));
    __m512 tail = _mm512_mul_ps(_mm512_mul_ps(p, t), exp512(_mm512_mul_ps(_mm512_sub_ps(_mm512_setzero_ps(), a), a)));
    __m512 e = _mm512_sub_ps(_mm512_set1_ps(1.0f), tail);
    // Copy the sign of z onto erf(|z|).
    __m512i sign = _mm512_and_si512(_mm512_castps_si512(z), _mm512_set1_epi32((int)0x80000000u));
    e = _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(e), sign));
    return _mm512_mul_ps(_mm512_mul_ps(x, _mm512_set1_ps(0.5f)), _mm512_add_ps(e, _mm512_set1_ps(1.0f)));
}

// Packs rows [0, rows) x columns [0, kc) of A into panels of RAG_MR rows, k-major; rows past `rows` are zero.
// Scalar on purpose: the compiler's vectorised form uses scatter stores, which are slow on AMD.
AVX512_INLINE void pack_a(const float *a, long lda, long rows, long kc, float *pa) {
    for (long i = 0; i < rows; i += RAG_MR) {
        float *panel = pa + i * kc;
        long mr = rows - i < RAG_MR ? rows - i : RAG_MR;
        if (mr == RAG_MR) {
            const float *src = a + i * lda;
#pragma clang loop vectorize(disable)
            for (long k = 0; k < kc; k++) {
#pragma clang loop unroll(full)
                for (int r = 0; r < RAG_MR; r++) panel[k * RAG_MR + r] = src[r * lda + k];
            }
        } else {
#pragma clang loop vectorize(disable)
            for (long k = 0; k < kc; k++) {
                for (long r = 0; r < RAG_MR; r++) panel[k * RAG_MR + r] = r < mr ? a[(i + r) * lda + k] : 0;
            }
        }
    }
}

struct epilogue {
    const float *bias;  // NULL: none
    float alpha;        // multiplies A·B
    int add_c;          // add what C holds (a residual or an earlier K block's partial sum)
    int gelu;
};

// Lane masks of a 32-column tile of which the first `width` columns exist (16 lanes per mask).
AVX512_INLINE void column_masks(long width, __mmask16 *m0, __mmask16 *m1) {
    *m0 = width >= 16 ? 0xFFFF : (__mmask16)((1u << width) - 1);
    *m1 = width >= 32 ? 0xFFFF : width > 16 ? (__mmask16)((1u << (width - 16)) - 1) : 0;
}

// The epilogue of one K block of a GEMM in `mode` for the columns from j: the bias goes in with the first block,
// later blocks add to the partial sum in C, and GELU runs after the last.
static inline struct epilogue block_epilogue(const float *bias, long j, int first, int last, int mode) {
    struct epilogue e = {
        .bias = first && bias ? bias + j : 0,
        .alpha = 1.0f,
        .add_c = !first || mode == RAG_GEMM_ACCUMULATE,
        .gelu = last && mode == RAG_GEMM_GELU,
    };
    return e;
}

// Applies the epilogue to an RAG_MR x 32 tile of accumulators and stores its first mr rows (masked by m0/m1).
AVX512_INLINE void store_tile(__m512 *acc0, __m512 *acc1, float *c, long ldc, long mr, __mmask16 m0, __mmask16 m1,
                              struct epilogue e) {
    __m512 bias0 = _mm512_setzero_ps(), bias1 = _mm512_setzero_ps();
    if (e.bias) {
        bias0 = _mm512_maskz_loadu_ps(m0, e.bias);
        bias1 = _mm512_maskz_loadu_ps(m1, e.bias + 16);
    }
    __m512 alpha = _mm512_set1_ps(e.alpha);
#pragma clang loop unroll(full)
    for (int r = 0; r < RAG_MR; r++) {
        if (r >= mr) break;
        float *cr = c + r * ldc;
        __m512 v0 = _mm512_fmadd_ps(acc0[r], alpha, bias0);
        __m512 v1 = _mm512_fmadd_ps(acc1[r], alpha, bias1);
        if (e.add_c) {
            v0 = _mm512_add_ps(v0, _mm512_maskz_loadu_ps(m0, cr));
            v1 = _mm512_add_ps(v1, _mm512_maskz_loadu_ps(m1, cr + 16));
        }
        if (e.gelu) {
            v0 = gelu512(v0);
            v1 = gelu512(v1);
        }
        _mm512_mask_storeu_ps(cr, m0, v0);
        _mm512_mask_storeu_ps(cr + 16, m1, v1);
    }
}

// One RAG_MR x 32 tile: C[0..mr)[0..32) (masked by m0/m1) from a packed A panel and B rows `ldb` floats apart.
// A's element (r, k) is pa[r·a_row + k·a_k]: a packed panel (a_row = 1, a_k = RAG_MR) or attention's Sᵀ
// (a_row = 1, a_k = its row width). All RAG_MR rows are read; only the first mr are stored.
AVX512_INLINE void tile(const float *pa, long a_row, long a_k, const float *b, long ldb, long kc, float *c, long ldc,
                        long mr, __mmask16 m0, __mmask16 m1, struct epilogue e) {
    __m512 acc0[RAG_MR], acc1[RAG_MR];
#pragma clang loop unroll(full)
    for (int r = 0; r < RAG_MR; r++) {
        acc0[r] = _mm512_setzero_ps();
        acc1[r] = _mm512_setzero_ps();
    }
#pragma clang loop unroll_count(2)
    for (long k = 0; k < kc; k++) {
        __m512 b0 = _mm512_maskz_loadu_ps(m0, b + k * ldb);
        __m512 b1 = _mm512_maskz_loadu_ps(m1, b + k * ldb + 16);
        const float *ak = pa + k * a_k;
#pragma clang loop unroll(full)
        for (int r = 0; r < RAG_MR; r++) {
            __m512 x = _mm512_set1_ps(ak[r * a_row]);
            acc0[r] = _mm512_fmadd_ps(x, b0, acc0[r]);
            acc1[r] = _mm512_fmadd_ps(x, b1, acc1[r]);
        }
    }
    store_tile(acc0, acc1, c, ldc, mr, m0, m1, e);
}

// C[M][N] = epilogue(A·B + bias), B[k][n] at b[(n / 32)·panel_stride + k·ldb + n % 32].
AVX512_INLINE void gemm(const float *a, long lda, long m, long k, const float *b, long ldb, long panel_stride,
                        long n, const float *bias, float *c, long ldc, int mode, float *work) {
    for (long k0 = 0; k0 < k; k0 += RAG_KC) {
        long kc = k - k0 < RAG_KC ? k - k0 : RAG_KC;
        int first = k0 == 0, last = k0 + kc >= k;
        pack_a(a + k0, lda, m, kc, work);
        for (long j = 0; j < n; j += RAG_NR) {
            __mmask16 m0, m1;
            column_masks(n - j, &m0, &m1);
            struct epilogue e = block_epilogue(bias, j, first, last, mode);
            const float *bj = b + (j / RAG_NR) * panel_stride + k0 * ldb;
            for (long i = 0; i < m; i += RAG_MR) {
                long mr = m - i < RAG_MR ? m - i : RAG_MR;
                tile(work + i * kc, 1, RAG_MR, bj, ldb, kc, c + i * ldc + j, ldc, mr, m0, m1, e);
            }
        }
    }
}

AVX512 void rag_sgemm_packed_avx512(const float *a, long lda, long rows, long inputs, const float *packed, long outputs,
                                    const float *bias, float *c, long ldc, int mode, float *work) {
    gemm(a, lda, rows, inputs, packed, RAG_NR, RAG_NR * inputs, outputs, bias, c, ldc, mode, work);
}

// Attention of one head works on Sᵀ (keys x queries, rows `ld` floats apart): a query's scores form a column,
// so the softmax runs down columns with 16 queries per vector (no horizontal reductions), and for P·V the
// probabilities of RAG_MR consecutive queries at one key are already contiguous, which is the packed-A layout
// the micro-kernel reads. `length` rows and columns; columns past `length` up to the row width are not read.
AVX512_INLINE void softmax_columns(float *st, long ld, long length) {
    for (long i = 0; i < length; i += 16) {
        __mmask16 m = length - i >= 16 ? 0xFFFF : (__mmask16)((1u << (length - i)) - 1);
        __m512 top = _mm512_set1_ps(-INFINITY);
        for (long j = 0; j < length; j++) top = _mm512_max_ps(top, _mm512_maskz_loadu_ps(m, st + j * ld + i));
        __m512 sum = _mm512_setzero_ps();
        for (long j = 0; j < length; j++) {
            __m512 e = exp512(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, st + j * ld + i), top));
            sum = _mm512_add_ps(sum, e);
            _mm512_mask_storeu_ps(st + j * ld + i, m, e);
        }
        __m512 inv = _mm512_div_ps(_mm512_set1_ps(1.0f), sum);
        for (long j = 0; j < length; j++) {
            _mm512_mask_storeu_ps(st + j * ld + i, m, _mm512_mul_ps(_mm512_maskz_loadu_ps(m, st + j * ld + i), inv));
        }
    }
}

// Transposes 16 rows of 16 floats in registers: four rounds of 2x2 block swaps (32-bit, 64-bit, 128-bit twice).
AVX512_INLINE void transpose16(__m512 *r) {
    __m512 t[16], u[16];
#pragma clang loop unroll(full)
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    // u[4g + m], 128-bit lane L: rows 4g..4g+3 of column 4L + m.
#pragma clang loop unroll(full)
    for (int g = 0; g < 16; g += 4) {
        __m512d a = _mm512_castps_pd(t[g]), b = _mm512_castps_pd(t[g + 1]);
        __m512d c = _mm512_castps_pd(t[g + 2]), d = _mm512_castps_pd(t[g + 3]);
        u[g] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, c));
        u[g + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, c));
        u[g + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(b, d));
        u[g + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(b, d));
    }
#pragma clang loop unroll(full)
    for (int m = 0; m < 4; m++) {
        __m512 v = _mm512_shuffle_f32x4(u[m], u[4 + m], 0x88), v1 = _mm512_shuffle_f32x4(u[m], u[4 + m], 0xDD);
        __m512 w = _mm512_shuffle_f32x4(u[8 + m], u[12 + m], 0x88), w1 = _mm512_shuffle_f32x4(u[8 + m], u[12 + m], 0xDD);
        r[m] = _mm512_shuffle_f32x4(v, w, 0x88);
        r[8 + m] = _mm512_shuffle_f32x4(v, w, 0xDD);
        r[4 + m] = _mm512_shuffle_f32x4(v1, w1, 0x88);
        r[12 + m] = _mm512_shuffle_f32x4(v1, w1, 0xDD);
    }
}

// dst[c][i] = src[i][c] for i < rows, c < columns (src rows `ld` apart, dst rows `ldd` apart). With columns a
// multiple of 16, whole 16-row blocks are written (rows past `rows` as zeros), so ldd >= round_up(rows, 16).
AVX512_INLINE void transpose(const float *src, long ld, long rows, long columns, float *dst, long ldd) {
    if (columns % 16 != 0) {
        for (long i = 0; i < rows; i++) {
            for (long c = 0; c < columns; c++) dst[c * ldd + i] = src[i * ld + c];
        }
        return;
    }
    for (long i = 0; i < rows; i += 16) {
        for (long c = 0; c < columns; c += 16) {
            __m512 r[16];
#pragma clang loop unroll(full)
            for (int q = 0; q < 16; q++) {
                r[q] = i + q < rows ? _mm512_loadu_ps(src + (i + q) * ld + c) : _mm512_setzero_ps();
            }
            transpose16(r);
#pragma clang loop unroll(full)
            for (int q = 0; q < 16; q++) _mm512_storeu_ps(dst + (c + q) * ldd + i, r[q]);
        }
    }
}

AVX512 void rag_attention_avx512(const float *q, const float *k, const float *v, long ld, long length, long heads,
                                 long head_size, float scale, float *context, long ldc, float *work) {
    long width = attention_width(length);
    float *st = work;                        // Sᵀ: length x width
    float *qt = st + length * width;         // Q_hᵀ: head_size x width, the B operand of Sᵀ = K_h·Q_hᵀ
    float *kt = qt + head_size * width;      // K_hᵀ: head_size x width, read as packed A (12 keys per k)
    struct epilogue scores = {.bias = 0, .alpha = scale, .add_c = 0, .gelu = 0};
    struct epilogue plain = {.bias = 0, .alpha = 1.0f, .add_c = 0, .gelu = 0};
    for (long h = 0; h < heads; h++) {
        long column = h * head_size;
        transpose(q + column, ld, length, head_size, qt, width);
        transpose(k + column, ld, length, head_size, kt, width);
        // Sᵀ[j][i] = scale · K_h[j]·Q_h[i]; columns past `length` are masked off in loads and stores.
        for (long i = 0; i < length; i += RAG_NR) {
            __mmask16 m0, m1;
            column_masks(length - i, &m0, &m1);
            for (long j = 0; j < length; j += RAG_MR) {
                long mr = length - j < RAG_MR ? length - j : RAG_MR;
                tile(kt + j, 1, width, qt + i, width, head_size, st + j * width + i, width, mr, m0, m1, scores);
            }
        }
        softmax_columns(st, width, length);
        // context_h[i] = Σ_j P[i][j]·V_h[j], P[i][j] = Sᵀ[j][i]; V_h read in place, 32 columns at a time.
        for (long d = 0; d < head_size; d += RAG_NR) {
            __mmask16 m0, m1;
            column_masks(head_size - d, &m0, &m1);
            for (long i = 0; i < length; i += RAG_MR) {
                long mr = length - i < RAG_MR ? length - i : RAG_MR;
                tile(st + i, 1, width, v + column + d, ld, length, context + i * ldc + column + d, ldc, mr,
                     m0, m1, plain);
            }
        }
    }
}

int rag_cpu_has_avx512_bf16(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bf16") ? 1 : 0;
}

#define BF16_INLINE static inline __attribute__((always_inline, target("avx512f,avx512bw,avx512vl,avx512bf16")))

// Packs rows [0, rows) x columns [0, kc) of A (kc even) as bf16 pairs into panels of RAG_MR rows: the 32-bit
// word pa[(i / RAG_MR)·RAG_MR·kc/2 + (k / 2)·RAG_MR + i % RAG_MR] holds A[i][k] (low half) and A[i][k + 1].
BF16_INLINE void pack_a_bf16(const float *a, long lda, long rows, long kc, unsigned int *pa) {
    long pairs = kc / 2;
    for (long i = 0; i < rows; i += RAG_MR) {
        unsigned int *panel = pa + i * pairs;
        long mr = rows - i < RAG_MR ? rows - i : RAG_MR;
        for (long r = 0; r < RAG_MR; r++) {
            if (r >= mr) {
                for (long q = 0; q < pairs; q++) panel[q * RAG_MR + r] = 0;
                continue;
            }
            const float *src = a + (i + r) * lda;
            for (long k = 0; k < kc; k += 16) {
                long n = kc - k < 16 ? kc - k : 16;
                __mmask16 m = n == 16 ? 0xFFFF : (__mmask16)((1u << n) - 1);
                __m256bh h = _mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(m, src + k));
                unsigned int words[8];
                _mm256_storeu_si256((__m256i *)words, (__m256i)h);
#pragma clang loop vectorize(disable)
                for (long q = 0; q < n / 2; q++) panel[(k / 2 + q) * RAG_MR + r] = words[q];
            }
        }
    }
}

BF16_INLINE void tile_bf16(const unsigned int *pa, const unsigned short *b, long pairs, float *c, long ldc, long mr,
                           __mmask16 m0, __mmask16 m1, struct epilogue e) {
    __m512 acc0[RAG_MR], acc1[RAG_MR];
#pragma clang loop unroll(full)
    for (int r = 0; r < RAG_MR; r++) {
        acc0[r] = _mm512_setzero_ps();
        acc1[r] = _mm512_setzero_ps();
    }
#pragma clang loop unroll_count(2)
    for (long q = 0; q < pairs; q++) {
        __m512bh b0 = (__m512bh)_mm512_loadu_si512(b + q * 2 * RAG_NR);
        __m512bh b1 = (__m512bh)_mm512_loadu_si512(b + q * 2 * RAG_NR + RAG_NR);
        const unsigned int *aq = pa + q * RAG_MR;
#pragma clang loop unroll(full)
        for (int r = 0; r < RAG_MR; r++) {
            __m512bh x = (__m512bh)_mm512_set1_epi32((int)aq[r]);
            acc0[r] = _mm512_dpbf16_ps(acc0[r], x, b0);
            acc1[r] = _mm512_dpbf16_ps(acc1[r], x, b1);
        }
    }
    store_tile(acc0, acc1, c, ldc, mr, m0, m1, e);
}

__attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16")))
void rag_sgemm_packed_bf16_avx512(const float *a, long lda, long rows, long inputs, const unsigned short *packed,
                                  long outputs, const float *bias, float *c, long ldc, int mode, float *work) {
    long depth = round_up(inputs, 2);
    unsigned int *pa = (unsigned int *)work;
    for (long k0 = 0; k0 < depth; k0 += RAG_KC_BF16) {
        long kc = depth - k0 < RAG_KC_BF16 ? depth - k0 : RAG_KC_BF16;
        int first = k0 == 0, last = k0 + kc >= depth;
        pack_a_bf16(a + k0, lda, rows, kc, pa);
        for (long j = 0; j < outputs; j += RAG_NR) {
            __mmask16 m0, m1;
            column_masks(outputs - j, &m0, &m1);
            struct epilogue e = block_epilogue(bias, j, first, last, mode);
            const unsigned short *bj = packed + (j / RAG_NR) * RAG_NR * depth + k0 * RAG_NR;
            for (long i = 0; i < rows; i += RAG_MR) {
                long mr = rows - i < RAG_MR ? rows - i : RAG_MR;
                tile_bf16(pa + i * (kc / 2), bj, kc / 2, c + i * ldc + j, ldc, mr, m0, m1, e);
            }
        }
    }
}

#else
int rag_cpu_has_avx512_bf16(void) { return 0; }

void rag_sgemm_packed_bf16_avx512(const float *a, long lda, long rows, long inputs, const unsigned short *packed,
                                  long outputs, const float *bias, float *c, long ldc, int mode, float *work) {
    (void)a; (void)lda; (void)rows; (void)inputs; (void)packed; (void)outputs; (void)bias; (void)c; (void)ldc;
    (void)mode; (void)work;
}

void rag_sgemm_packed_avx512(const float *a, long lda, long rows, long inputs, const float *packed, long outputs,
                             const float *bias, float *c, long ldc, int mode, float *work) {
    (void)a; (void)lda; (void)rows; (void)inputs; (void)packed; (void)outputs; (void)bias; (void)c; (void)ldc;
    (void)mode; (void)work;
}

void rag_attention_avx512(const float *q, const float *k, const float *v, long ld, long length, long heads,
                          long head_size, float scale, float *context, long ldc, float *work) {
    (void)q; (void)k; (void)v; (void)ld; (void)length; (void)heads; (void)head_size; (void)scale;
    (void)context; (void)ldc; (void)work;
}
#endif

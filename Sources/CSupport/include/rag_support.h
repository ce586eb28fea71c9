#ifndef RAG_SUPPORT_H
#define RAG_SUPPORT_H

/// Hints the CPU to fetch the cache line at `address` into all cache levels (Swift has no prefetch intrinsic).
static inline void rag_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

/// Whether this CPU runs AVX-512F (checked once by the caller; the kernels below must not run otherwise).
int rag_cpu_has_avx512(void);

/// Squared Euclidean distance of two Float32 vectors with AVX-512; `n` must be a multiple of 16.
float rag_squared_l2_avx512(const float *a, const float *b, long n);

/// Inner product of two Float32 vectors with AVX-512; `n` must be a multiple of 16.
float rag_dot_avx512(const float *a, const float *b, long n);

/// Whether this CPU runs AVX-512 VNNI (with AVX-512F and BW), for the Int8 kernel below.
int rag_cpu_has_avx512_vnni(void);

/// Inner product of two Int8 code vectors with AVX-512 VNNI, given `b_sum`, the sum of b's codes; `n` must be a
/// multiple of 64.
int rag_dot_int8_vnni(const signed char *a, const signed char *b, long n, int b_sum);

#include "rag_encoder.h"

#endif

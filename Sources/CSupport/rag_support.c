// Most functions of this target are static inline in include/rag_support.h. The AVX-512 distance kernels live
// here: they are compiled for AVX-512 by a target attribute while the rest of the package stays x86-64-v3, and
// callers pick them at run time with rag_cpu_has_avx512().
#include "rag_support.h"

#if defined(__x86_64__)
#include <immintrin.h>

int rag_cpu_has_avx512(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") ? 1 : 0;
}

// Four independent accumulators hide the FMA latency; n is a multiple of 16 (rows are padded to 64 bytes).
__attribute__((target("avx512f")))
float rag_squared_l2_avx512(const float *a, const float *b, long n) {
    __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
    __m512 acc2 = _mm512_setzero_ps(), acc3 = _mm512_setzero_ps();
    long i = 0;
    for (; i + 64 <= n; i += 64) {
        __m512 d0 = _mm512_sub_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i));
        __m512 d1 = _mm512_sub_ps(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16));
        __m512 d2 = _mm512_sub_ps(_mm512_loadu_ps(a + i + 32), _mm512_loadu_ps(b + i + 32));
        __m512 d3 = _mm512_sub_ps(_mm512_loadu_ps(a + i + 48), _mm512_loadu_ps(b + i + 48));
        acc0 = _mm512_fmadd_ps(d0, d0, acc0);
        acc1 = _mm512_fmadd_ps(d1, d1, acc1);
        acc2 = _mm512_fmadd_ps(d2, d2, acc2);
        acc3 = _mm512_fmadd_ps(d3, d3, acc3);
    }
    for (; i + 16 <= n; i += 16) {
        __m512 d = _mm512_sub_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i));
        acc0 = _mm512_fmadd_ps(d, d, acc0);
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(acc0, acc1), _mm512_add_ps(acc2, acc3)));
}

__attribute__((target("avx512f")))
float rag_dot_avx512(const float *a, const float *b, long n) {
    __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
    __m512 acc2 = _mm512_setzero_ps(), acc3 = _mm512_setzero_ps();
    long i = 0;
    for (; i + 64 <= n; i += 64) {
        acc0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), acc0);
        acc1 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16), acc1);
        acc2 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 32), _mm512_loadu_ps(b + i + 32), acc2);
        acc3 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 48), _mm512_loadu_ps(b + i + 48), acc3);
    }
    for (; i + 16 <= n; i += 16) {
        acc0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), acc0);
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(acc0, acc1), _mm512_add_ps(acc2, acc3)));
}

int rag_cpu_has_avx512_vnni(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512vnni") ? 1 : 0;
}

// vpdpbusd multiplies unsigned by signed bytes. a XOR 0x80 is a + 128 as an unsigned byte, so the sum it gives
// is dot(a, b) + 128 * sum(b), and the row sum the caller passes takes the excess back out. Four accumulators
// of 16 Int32 lanes; no lane can overflow (|sum| < 2^31 for n < 130,000).
__attribute__((target("avx512f,avx512bw,avx512vnni")))
int rag_dot_int8_vnni(const signed char *a, const signed char *b, long n, int b_sum) {
    const __m512i flip = _mm512_set1_epi8((char)0x80);
    __m512i acc0 = _mm512_setzero_si512(), acc1 = _mm512_setzero_si512();
    __m512i acc2 = _mm512_setzero_si512(), acc3 = _mm512_setzero_si512();
    long i = 0;
    for (; i + 256 <= n; i += 256) {
        acc0 = _mm512_dpbusd_epi32(acc0, _mm512_xor_si512(_mm512_loadu_si512(a + i), flip), _mm512_loadu_si512(b + i));
        acc1 = _mm512_dpbusd_epi32(acc1, _mm512_xor_si512(_mm512_loadu_si512(a + i + 64), flip),
                                   _mm512_loadu_si512(b + i + 64));
        acc2 = _mm512_dpbusd_epi32(acc2, _mm512_xor_si512(_mm512_loadu_si512(a + i + 128), flip),
                                   _mm512_loadu_si512(b + i + 128));
        acc3 = _mm512_dpbusd_epi32(acc3, _mm512_xor_si512(_mm512_loadu_si512(a + i + 192), flip),
                                   _mm512_loadu_si512(b + i + 192));
    }
    for (; i + 64 <= n; i += 64) {
        acc0 = _mm512_dpbusd_epi32(acc0, _mm512_xor_si512(_mm512_loadu_si512(a + i), flip), _mm512_loadu_si512(b + i));
    }
    __m512i acc = _mm512_add_epi32(_mm512_add_epi32(acc0, acc1), _mm512_add_epi32(acc2, acc3));
    return _mm512_reduce_add_epi32(acc) - 128 * b_sum;
}
#else
int rag_cpu_has_avx512(void) { return 0; }
int rag_cpu_has_avx512_vnni(void) { return 0; }
int rag_dot_int8_vnni(const signed char *a, const signed char *b, long n, int b_sum) {
    (void)a; (void)b; (void)n; (void)b_sum; return 0;
}
float rag_squared_l2_avx512(const float *a, const float *b, long n) { (void)a; (void)b; (void)n; return 0; }
float rag_dot_avx512(const float *a, const float *b, long n) { (void)a; (void)b; (void)n; return 0; }
#endif

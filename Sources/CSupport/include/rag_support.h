#ifndef RAG_SUPPORT_H
#define RAG_SUPPORT_H

/// Hints the CPU to fetch the cache line at `address` into all cache levels (Swift has no prefetch intrinsic).
static inline void rag_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif

#!/usr/bin/env python3
"""Run the ANN anchors (hnswlib and FAISS HNSW, from pip) on the same vector files and parameters as
`rag bench ann`, and print the same table and JSON shape.

    python3 Benchmarks/ann_anchors.py --base DIR/base.fvecs --queries DIR/queries.fvecs \
        --m 16 --ef-construction 200 --ef 16,32,64,128,256 --threads 2 --metric cosine [--json]

Ground truth is exact search in numpy (float32), the same definition rag uses. Single-query QPS is one query at
a time on one thread; batch QPS hands all queries to the library at once with `--threads` threads.
"""
import argparse
import json
import sys
import time

import numpy as np


def read_vectors(path):
    if path.endswith(".npy"):
        return np.load(path).astype(np.float32)
    raw = np.fromfile(path, dtype=np.int32)
    dim = raw[0]
    return raw.reshape(-1, dim + 1)[:, 1:].copy().view(np.float32)


def exact_neighbours(base, queries, k, metric):
    if metric == "l2":
        d = (queries ** 2).sum(1)[:, None] + (base ** 2).sum(1)[None, :] - 2 * queries @ base.T
    else:
        d = -(queries @ base.T)
    return np.argsort(d, axis=1, kind="stable")[:, :k]


def recall(found, truth):
    hits = sum(len(set(f[: truth.shape[1]]) & set(t)) for f, t in zip(found, truth))
    return hits / truth.size


def bench_hnswlib(base, queries, truth, args, efs):
    import hnswlib

    space = {"cosine": "ip", "ip": "ip", "l2": "l2"}[args.metric]
    index = hnswlib.Index(space=space, dim=base.shape[1])
    index.init_index(max_elements=base.shape[0], M=args.m, ef_construction=args.ef_construction, random_seed=args.seed)
    index.set_num_threads(args.threads)
    start = time.perf_counter()
    index.add_items(base, np.arange(base.shape[0]))
    build = time.perf_counter() - start
    points = []
    for ef in efs:
        index.set_ef(max(ef, args.k))
        index.set_num_threads(1)
        start = time.perf_counter()
        found = [index.knn_query(q[None, :], k=args.k)[0][0] for q in queries]
        single = time.perf_counter() - start
        index.set_num_threads(args.threads)
        start = time.perf_counter()
        index.knn_query(queries, k=args.k)
        batch = time.perf_counter() - start
        points.append({"ef": ef, "recall_at_10": recall(found, truth), "qps": len(queries) / single,
                       "qps_batch": len(queries) / batch})
    # hnswlib allocates M0 = 2M links of 4 bytes plus a header per element, and the vectors.
    n, d = base.shape
    size = n * (d * 4 + (2 * args.m + 1) * 4 + 8)
    return {"build_seconds": build, "index_bytes": size, "points": points}


def bench_faiss(base, queries, truth, args, efs):
    import faiss

    metric = faiss.METRIC_L2 if args.metric == "l2" else faiss.METRIC_INNER_PRODUCT
    index = faiss.IndexHNSWFlat(base.shape[1], args.m, metric)
    index.hnsw.efConstruction = args.ef_construction
    faiss.omp_set_num_threads(args.threads)
    start = time.perf_counter()
    index.add(base)
    build = time.perf_counter() - start
    points = []
    for ef in efs:
        index.hnsw.efSearch = max(ef, args.k)
        faiss.omp_set_num_threads(1)
        start = time.perf_counter()
        found = [index.search(q[None, :], args.k)[1][0] for q in queries]
        single = time.perf_counter() - start
        faiss.omp_set_num_threads(args.threads)
        start = time.perf_counter()
        index.search(queries, args.k)
        batch = time.perf_counter() - start
        points.append({"ef": ef, "recall_at_10": recall(found, truth), "qps": len(queries) / single,
                       "qps_batch": len(queries) / batch})
    n, d = base.shape
    size = n * (d * 4 + 2 * args.m * 4 + 8) + int(n * args.m * 4 / (args.m - 1))
    return {"build_seconds": build, "index_bytes": size, "points": points}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--base", required=True)
    p.add_argument("--queries", required=True)
    p.add_argument("--m", type=int, default=16)
    p.add_argument("--ef-construction", type=int, default=200)
    p.add_argument("--ef", default="16,32,64,128,256")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--metric", default="cosine", choices=["cosine", "ip", "l2"])
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--only", default="hnswlib,faiss")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()

    base = read_vectors(args.base)
    queries = read_vectors(args.queries)
    if args.metric == "cosine":
        base /= np.maximum(np.linalg.norm(base, axis=1, keepdims=True), 1e-12)
        queries /= np.maximum(np.linalg.norm(queries, axis=1, keepdims=True), 1e-12)
    truth = exact_neighbours(base, queries, args.k, args.metric)
    efs = [int(x) for x in args.ef.split(",")]
    results = {}
    for name in args.only.split(","):
        try:
            results[name] = {"hnswlib": bench_hnswlib, "faiss": bench_faiss}[name](base, queries, truth, args, efs)
        except ImportError as e:
            print(f"{name}: not installed ({e}); pip install hnswlib faiss-cpu", file=sys.stderr)
    if args.json:
        print(json.dumps(results, sort_keys=True))
        return
    for name, r in results.items():
        print(f"{name}: build {r['build_seconds']:.2f} s, index {r['index_bytes'] / 1e6:.1f} MB")
        print("   ef  recall@10        QPS  QPS(batch)")
        for pt in r["points"]:
            print(f"{pt['ef']:5d}  {pt['recall_at_10']:9.4f}  {pt['qps']:9.0f}  {pt['qps_batch']:10.0f}")


if __name__ == "__main__":
    main()

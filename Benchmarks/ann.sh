#!/usr/bin/env bash
# rag's HNSW beside hnswlib and FAISS (pip) on the same vectors and parameters, in one run on one machine.
#   bash Benchmarks/ann.sh [rag bench ann options...]     (defaults: 100k x 128-d mixture, 1,000 queries)
#   bash Benchmarks/ann.sh fashion-mnist                  (60,000 x 784 images, first 1,000 test images, L2;
#                                                          Debian's dataset-fashion-mnist, installed if missing)
#   bash Benchmarks/ann.sh clustered-384                  (issue 12's 100,000 x 384 clustered unit vectors)
#   THREADS=1 bash Benchmarks/ann.sh ...                  (build and batch threads; default: every core)
#   STORAGE=f32 bash Benchmarks/ann.sh ...                (rag's traversal codes: f32, f16 or int8; default int8)
# Prints each library's table, then ratios rag / anchor at each ef.
set -euo pipefail
cd "$(dirname "$0")/.."
RAG=${RAG:-.build/release/rag}
DATA=$(mktemp -d)
trap 'rm -rf "$DATA"' EXIT
ARGS=("$@")
METRIC=cosine
if [ "${ARGS[0]:-}" = fashion-mnist ]; then
  [ -d /usr/share/datasets/fashion-mnist ] || sudo -n apt-get install -y -q dataset-fashion-mnist 2>/dev/null \
    || apt-get install -y -q dataset-fashion-mnist
  python3 Benchmarks/fashion_mnist.py "$DATA"
  METRIC=l2
  ARGS=(--base "$DATA/base.fvecs" --queries-file "$DATA/queries.fvecs")
fi
if [ "${ARGS[0]:-}" = clustered-384 ]; then ARGS=(--n 100000 --dim 384 --clusters 100 --queries 1000); fi
[ ${#ARGS[@]} -gt 0 ] || ARGS=(--n 100000 --dim 128 --clusters 100 --queries 1000)
M=16; EFC=200; EF=16,32,64,128,256; THREADS=${THREADS:-$(nproc)}; STORAGE=${STORAGE:-int8}

"$RAG" bench ann "${ARGS[@]}" --metric $METRIC --m $M --ef-construction $EFC --ef $EF --threads "$THREADS" \
    --storage "$STORAGE" --save-data "$DATA" --json > "$DATA/rag.json"
python3 Benchmarks/ann_anchors.py --base "$DATA/base.fvecs" --queries "$DATA/queries.fvecs" \
    --m $M --ef-construction $EFC --ef $EF --threads "$THREADS" --metric $METRIC --json > "$DATA/anchors.json"

python3 - "$DATA/rag.json" "$DATA/anchors.json" <<'PY'
import json, sys
rag = json.load(open(sys.argv[1])); anchors = json.load(open(sys.argv[2]))
runs = {"rag": rag, **anchors}
print(f"n={rag['n']} dim={rag['dimension']} queries={rag['queries']} M={rag['m']} efC={rag['ef_construction']} threads={rag['threads']} rag storage={rag.get('storage')}")
print(f"{'library':8} {'build s':>8} {'MB':>7} {'bytes/vector':>12}")
for name, r in runs.items():
    print(f"{name:8} {r['build_seconds']:8.2f} {r['index_bytes']/1e6:7.1f} {r['index_bytes']/rag['n']:12.0f}")
print()
print(f"{'ef':>4} " + " ".join(f"{name+' R@10':>13} {name+' QPS':>11} {name+' batch':>11}" for name in runs))
for i, p in enumerate(rag["points"]):
    row = f"{p['ef']:>4} "
    for name, r in runs.items():
        q = r["points"][i]
        row += f"{q['recall_at_10']:13.4f} {q['qps']:11.0f} {q['qps_batch']:11.0f} "
    print(row)
print()
for name in anchors:
    a = anchors[name]
    print(f"rag / {name}: build time x{rag['build_seconds']/a['build_seconds']:.2f} (lower is better)")
    for p, q in zip(rag["points"], a["points"]):
        print(f"  ef {p['ef']:>3}: recall {p['recall_at_10']:.4f} vs {q['recall_at_10']:.4f}, "
              f"QPS x{p['qps']/q['qps']:.2f}, batch QPS x{p['qps_batch']/q['qps_batch']:.2f}")
PY

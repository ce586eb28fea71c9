#!/usr/bin/env bash
# Retrieval quality on Cranfield with rag's three search modes, checked against pytrec_eval on the same runs.
#   bash Benchmarks/retrieval/cranfield.sh [EMBEDDER]     (EMBEDDER: minilm (default) or hash)
# Needs: a release build of rag, python3 with `pip install pytrec_eval-terrier`, ../shared/data beside the checkout.
set -euo pipefail
cd "$(dirname "$0")/../.."
embedder="${1:-minilm}"
data="${RAG_SHARED_DIR:-../shared}/data/retrieval/cranfield"
rag="${RAG:-.build/release/rag}"
out="${OUT:-out/cranfield-$embedder}"
mkdir -p "$out"
"$rag" eval retrieval --corpus "$data/corpus.jsonl" --queries "$data/queries.jsonl" --qrels "$data/qrels/test.tsv" \
    --embedder "$embedder" --db "$out/cranfield.db" --run-file "$out/run.trec" --report "$out/report.html" --json \
    > "$out/rag.json"
python3 - "$out" "$data" <<'PY'
import json, subprocess, sys
out, data = sys.argv[1], sys.argv[2]
ours = json.load(open(f"{out}/rag.json"))
keys = ["ndcg_at_10", "recall_at_10", "recall_at_100", "mrr_at_10"]
print(f"{'mode':8} " + " ".join(f"{k:>14}" for k in keys) + "   max |rag - pytrec_eval|")
worst = 0.0
for mode, path in sorted(ours["run_files"].items()):
    oracle = json.loads(subprocess.check_output([sys.executable, "Benchmarks/retrieval/trec_check.py", path,
                                                 f"{data}/qrels/test.tsv", "--queries", f"{data}/queries.jsonl"]))
    diff = max(abs(ours["modes"][mode][k] - oracle[k]) for k in keys)
    worst = max(worst, diff)
    print(f"{mode:8} " + " ".join(f"{ours['modes'][mode][k]:14.4f}" for k in keys) + f"   {diff:.2e}")
print(f"report: {out}/report.html")
sys.exit(0 if worst < 1e-6 else 1)
PY

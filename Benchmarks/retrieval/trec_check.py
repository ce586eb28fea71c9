#!/usr/bin/env python3
"""Score a TREC run file with pytrec_eval (trec_eval's own code), as the oracle for `rag eval retrieval`.

    python3 Benchmarks/retrieval/trec_check.py RUN QRELS [--queries queries.jsonl]

RUN: `qid Q0 docid rank score tag` lines. QRELS: BEIR TSV (`query-id corpus-id score`, header optional) or TREC
qrels (`qid iter docid grade`). Prints one JSON object: the means and per-query values of ndcg_at_10 (trec_eval
ndcg_cut.10), recall_at_10 (recall.10), recall_at_100 (recall.100) and mrr_at_10 (recip_rank if the first
relevant document is within the top 10, else 0).

Averaging follows `trec_eval -c`: every judged query counts (restricted to --queries when given), and a judged
query with no line in the run scores 0. Needs `pip install pytrec_eval-terrier` (imported as pytrec_eval).
"""
import argparse
import json
import sys

import pytrec_eval

MEASURES = {"ndcg_cut.10", "recall.10", "recall.100", "recip_rank"}


def read_qrels(path):
    qrels = {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            fields = line.split()
            if not fields:
                continue
            if len(fields) not in (3, 4):
                sys.exit(f"{path}:{number}: expected 3 or 4 columns")
            try:
                grade = int(fields[-1])
            except ValueError:
                if number == 1:
                    continue  # BEIR header
                sys.exit(f"{path}:{number}: grade {fields[-1]!r} is not an integer")
            qrels.setdefault(fields[0], {})[fields[-2]] = grade
    return qrels


def read_run(path):
    run = {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            fields = line.split()
            if not fields:
                continue
            if len(fields) != 6:
                sys.exit(f"{path}:{number}: expected 6 columns (qid Q0 docid rank score tag)")
            run.setdefault(fields[0], {})[fields[2]] = float(fields[4])
    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run")
    parser.add_argument("qrels")
    parser.add_argument("--queries", help="queries.jsonl: evaluate only these queries")
    args = parser.parse_args()

    qrels = read_qrels(args.qrels)
    run = read_run(args.run)
    queries = sorted(qrels)
    if args.queries:
        with open(args.queries, encoding="utf-8") as f:
            asked = {str(json.loads(line).get("_id", json.loads(line).get("id"))) for line in f if line.strip()}
        queries = [q for q in queries if q in asked]

    evaluator = pytrec_eval.RelevanceEvaluator({q: qrels[q] for q in queries}, MEASURES)
    scored = evaluator.evaluate({q: run[q] for q in queries if q in run})
    per_query = {}
    for q in queries:
        m = scored.get(q)
        if m is None:
            per_query[q] = {"ndcg_at_10": 0.0, "recall_at_10": 0.0, "recall_at_100": 0.0, "mrr_at_10": 0.0}
            continue
        rr = m["recip_rank"]
        per_query[q] = {
            "ndcg_at_10": m["ndcg_cut_10"],
            "recall_at_10": m["recall_10"],
            "recall_at_100": m["recall_100"],
            # 1/r >= 0.1 exactly when r <= 10 (1/10 and 0.1 are the same double).
            "mrr_at_10": rr if rr >= 0.1 else 0.0,
        }
    n = len(queries)
    means = {key: (sum(v[key] for v in per_query.values()) / n if n else 0.0)
             for key in ("ndcg_at_10", "recall_at_10", "recall_at_100", "mrr_at_10")}
    print(json.dumps({"queries": n, "pytrec_eval": getattr(pytrec_eval, "__version__", "unknown"),
                      **means, "per_query": per_query}, sort_keys=True))


if __name__ == "__main__":
    main()

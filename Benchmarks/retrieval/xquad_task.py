#!/usr/bin/env python3
"""Do generated questions rank retrieval configurations the way real questions do?

    python3 Benchmarks/retrieval/xquad_task.py [--rag PATH] [--out DIR] [--count N]

On XQuAD (240 Wikipedia paragraphs, 1,190 real questions): writes the paragraphs as a BEIR corpus (one record a
paragraph), scores six configurations (dense, lexical and hybrid search with the MiniLM and the hashing embedder)
on the real questions (`rag eval retrieval --corpus`), generates N questions from the MiniLM database with the
offline generator (`rag generate --offline`), scores the same six configurations on them with the source
paragraph as the relevant document (`rag eval retrieval --dataset ... --relevance document`), and prints
Kendall's tau-b between the two orderings, per measure.
"""
import argparse
import json
import os
import subprocess
import sys

KEYS = ["ndcg_at_10", "recall_at_10", "mrr_at_10"]


def kendall_tau_b(x, y):
    c = d = tx = ty = 0
    for i in range(len(x)):
        for j in range(i + 1, len(x)):
            dx, dy = x[i] - x[j], y[i] - y[j]
            if dx == 0 and dy == 0:
                continue
            if dx == 0:
                tx += 1
            elif dy == 0:
                ty += 1
            elif (dx > 0) == (dy > 0):
                c += 1
            else:
                d += 1
    denominator = ((c + d + tx) * (c + d + ty)) ** 0.5
    return (c - d) / denominator if denominator else 0.0


def rag(binary, *args):
    result = subprocess.run([binary, *args, "--json"], check=True, stdout=subprocess.PIPE)
    return json.loads(result.stdout)


def main():
    root = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rag", default=os.path.join(root, ".build/release/rag"))
    parser.add_argument("--out", default=os.path.join(root, "out/xquad-task"))
    parser.add_argument("--count", type=int, default=150)
    parser.add_argument("--data", default=os.path.join(os.environ.get("RAG_SHARED_DIR", os.path.join(root, "../shared")),
                                                       "data/qa/xquad/xquad.en.json"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    out = os.path.abspath(args.out)

    squad = json.load(open(args.data, encoding="utf-8"))
    corpus, queries, qrels = [], [], []
    for a, article in enumerate(squad["data"]):
        for p, paragraph in enumerate(article["paragraphs"]):
            pid = f"a{a}p{p}"
            corpus.append({"_id": pid, "title": article.get("title", ""), "text": paragraph["context"]})
            for qa in paragraph["qas"]:
                queries.append({"_id": qa["id"], "text": qa["question"]})
                qrels.append(f"{qa['id']}\t{pid}\t1")
    corpus_path = os.path.join(out, "corpus.jsonl")
    with open(corpus_path, "w", encoding="utf-8") as f:
        f.writelines(json.dumps(r) + "\n" for r in corpus)
    with open(os.path.join(out, "queries.jsonl"), "w", encoding="utf-8") as f:
        f.writelines(json.dumps(r) + "\n" for r in queries)
    with open(os.path.join(out, "qrels.tsv"), "w", encoding="utf-8") as f:
        f.write("query-id\tcorpus-id\tscore\n" + "\n".join(qrels) + "\n")

    embedders = ["minilm", "hash"]
    real = {}
    for embedder in embedders:
        report = rag(args.rag, "eval", "retrieval", "--corpus", corpus_path, "--queries", os.path.join(out, "queries.jsonl"),
                     "--qrels", os.path.join(out, "qrels.tsv"), "--embedder", embedder,
                     "--db", os.path.join(out, f"{embedder}.db"))
        for mode, scores in report["modes"].items():
            real[f"{mode}/{embedder}"] = scores

    generated_path = os.path.join(out, "generated.jsonl")
    if not os.path.exists(generated_path):
        with open(os.path.join(out, "task.yaml"), "w", encoding="utf-8") as f:
            f.write(f"domain: \"Wikipedia articles (XQuAD)\"\nkind: qa\ncount: {args.count}\nlanguage: en\nseed: 11\n"
                    "qa:\n  types: {factoid: 0.6, definition: 0.2, procedural: 0.1, comparison: 0.1}\n"
                    "  answer_style: span\n")
        summary = rag(args.rag, "generate", "--task", os.path.join(out, "task.yaml"), "--db", os.path.join(out, "minilm.db"),
                      "--out", generated_path, "--offline", "--embedder", "minilm")
        print(f"generated: {json.dumps(summary)}", file=sys.stderr)

    synthetic = {}
    for embedder in embedders:
        report = rag(args.rag, "eval", "retrieval", "--dataset", generated_path, "--relevance", "document",
                     "--embedder", embedder, "--db", os.path.join(out, f"{embedder}.db"))
        for mode, scores in report["modes"].items():
            synthetic[f"{mode}/{embedder}"] = scores

    configurations = sorted(real)
    print(f"{'configuration':16} " + " ".join(f"{'real ' + k:>18} {'generated ' + k:>22}" for k in KEYS))
    for c in configurations:
        print(f"{c:16} " + " ".join(f"{real[c][k]:18.4f} {synthetic[c][k]:22.4f}" for k in KEYS))
    result = {k: kendall_tau_b([real[c][k] for c in configurations], [synthetic[c][k] for c in configurations])
              for k in KEYS}
    print("Kendall tau-b (real vs generated ordering of the configurations): "
          + ", ".join(f"{k} {v:+.3f}" for k, v in result.items()))
    json.dump({"real": real, "generated": synthetic, "kendall_tau": result}, open(os.path.join(out, "result.json"), "w"),
              indent=1, sort_keys=True)


if __name__ == "__main__":
    main()

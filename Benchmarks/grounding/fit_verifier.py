#!/usr/bin/env python3
"""Fits the verifier's gate and P(Yes) threshold on the tune split of a verdicts file and reports the test split.

Input: `rag eval grounding --data SET --verifier-gate 0 --verdicts V.jsonl` (every line asked), and SET for the
split of each line. For each (gate, threshold) pair: a line is kept when its word-level score reaches the
gate and the verifier's P(Yes) reaches the threshold. Chooses the pair with the best balanced accuracy on
tune among those with precision >= --minimum-precision, then prints tune and test figures, per kind too.

Usage: python3 fit_verifier.py --data SET --verdicts V.jsonl [--minimum-precision 0.8]
"""
import argparse, json


def figures(rows, gate, threshold):
    tp = fp = tn = fn = 0
    for r in rows:
        keep = r["word"] >= gate and r["p"] >= threshold
        if r["label"]:
            tp += keep; fn += not keep
        else:
            fp += keep; tn += not keep
    recall = tp / max(tp + fn, 1); specificity = tn / max(tn + fp, 1)
    return {"n": len(rows), "balanced_accuracy": (recall + specificity) / 2, "precision": tp / max(tp + fp, 1),
            "recall": recall}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True); ap.add_argument("--verdicts", required=True)
    ap.add_argument("--minimum-precision", type=float, default=0.8)
    a = ap.parse_args()
    splits = [json.loads(l).get("split") for l in open(a.data)]
    rows = []
    for line in open(a.verdicts):
        v = json.loads(line)
        check = next(c for c in v["checks"] if c["name"] == "verifier")
        rows.append({"label": v["supported"], "kind": v.get("kind"), "split": splits[v["line"] - 1],
                     "p": check["score"], "word": check["features"].get("word_score", 1)})
    tune = [r for r in rows if r["split"] == "tune"]; test = [r for r in rows if r["split"] == "test"]
    grid = [(g / 20, t / 100) for g in range(0, 16) for t in range(5, 100)]
    ok = [(figures(tune, g, t)["balanced_accuracy"], g, t) for g, t in grid
          if figures(tune, g, t)["precision"] >= a.minimum_precision]
    _, gate, threshold = max(ok) if ok else max((figures(tune, g, t)["balanced_accuracy"], g, t) for g, t in grid)
    print(json.dumps({"gate": gate, "threshold": threshold,
                      "tune": figures(tune, gate, threshold), "test": figures(test, gate, threshold),
                      "test_verifier_alone_at_0.5": figures(test, 0, 0.5),
                      "test_words_alone_at_0.51": figures(test, 0.51, 0),
                      "test_by_kind": {k: figures([r for r in test if r["kind"] == k], gate, threshold)
                                       for k in sorted({r["kind"] for r in test})}}, indent=1))


if __name__ == "__main__":
    main()

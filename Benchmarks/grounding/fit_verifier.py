#!/usr/bin/env python3
"""Fits the verifier's gate and P(Yes) threshold on the tune split of a verdicts file and reports the test split.

Input: `rag eval grounding --data SET --verifier-gate 0 --verifier-threshold 0 --verdicts V.jsonl` (every line
asked, and every line answered by the reader for round-trip answering), and SET for the split of each line. For
each (gate, threshold, agreement) triple: a line is kept when its word-level score reaches the gate, the
verifier's P(Yes) reaches the threshold and, when the verdicts have an `answer_round_trip` check, the reader's
answer agrees with the line's answer at least that much (agreement 0 = round trip off). Chooses the pair with the best balanced accuracy on
tune among those with precision >= --minimum-precision, then prints tune and test figures, per kind too.

Usage: python3 fit_verifier.py --data SET --verdicts V.jsonl [--minimum-precision 0.8]
"""
import argparse, json


def figures(rows, gate, threshold, agreement=0):
    tp = fp = tn = fn = 0
    for r in rows:
        keep = r["word"] >= gate and r["p"] >= threshold and (agreement == 0 or r["a"] >= agreement)
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
    ap.add_argument("--agreement", type=float, help="fix the round-trip agreement instead of fitting it")
    a = ap.parse_args()
    splits = [json.loads(l).get("split") for l in open(a.data)]
    rows = []
    for line in open(a.verdicts):
        v = json.loads(line)
        check = next(c for c in v["checks"] if c["name"] == "verifier")
        trip = next((c for c in v["checks"] if c["name"] == "answer_round_trip"), None)
        rows.append({"label": v["supported"], "kind": v.get("kind"), "split": splits[v["line"] - 1],
                     "p": check["score"], "word": check["features"].get("word_score", 1),
                     "a": trip["score"] if trip else 1})
    tune = [r for r in rows if r["split"] == "tune"]; test = [r for r in rows if r["split"] == "test"]
    agreements = [0, 0.3, 0.4, 0.5, 0.6, 0.7] if any("a" in r and r["a"] != 1 for r in rows) else [0]
    if a.agreement is not None: agreements = [a.agreement]
    grid = [(g / 20, t / 100, x) for g in range(0, 16) for t in range(5, 100) for x in agreements]
    # Ties go to the lowest agreement (fewest rejections, so fewest refinement calls in generation).
    ok = [(figures(tune, g, t, x)["balanced_accuracy"], -x, g, t) for g, t, x in grid
          if figures(tune, g, t, x)["precision"] >= a.minimum_precision]
    _, minus, gate, threshold = max(ok) if ok else max(
        (figures(tune, g, t, x)["balanced_accuracy"], -x, g, t) for g, t, x in grid)
    agreement = -minus
    print(json.dumps({"gate": gate, "threshold": threshold, "agreement": agreement,
                      "tune": figures(tune, gate, threshold, agreement), "test": figures(test, gate, threshold, agreement),
                      "test_verifier_alone_at_0.5": figures(test, 0, 0.5),
                      "test_words_alone_at_0.51": figures(test, 0.51, 0),
                      "test_by_kind": {k: figures([r for r in test if r["kind"] == k], gate, threshold, agreement)
                                       for k in sorted({r["kind"] for r in test})}}, indent=1))


if __name__ == "__main__":
    main()

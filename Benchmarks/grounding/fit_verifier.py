#!/usr/bin/env python3
"""Fits the verifier's gate and P(Yes) threshold on the tune split of a verdicts file and reports the test split.

Input: `rag eval grounding --data SET --verifier-gate 0 --verifier-threshold 0 --verdicts V.jsonl` (every line
asked, and every line answered by the reader for round-trip answering), and SET for the split of each line. For
each (gate, threshold, agreement) triple: a line is kept when its word-level score reaches the gate, the
verifier's P(Yes) reaches the threshold and, when the verdicts have an `answer_round_trip` check, the reader's
answer agrees with the line's answer at least that much (agreement 0 = round trip off). Chooses the pair with the best balanced accuracy on
tune among those with precision >= --minimum-precision, then prints tune and test figures, per kind too.

With --cascade the reader answers first (rag's default): a line is kept when the agreement reaches its
threshold and either the reader's probability of answering (the round-trip check's `answerable` feature, read
from log-probabilities) reaches the confidence, or P(Yes) reaches the threshold. The confidence is fitted too,
and the mean model calls per line are reported (1 for lines the reader decides, 2 for the others).

Usage: python3 fit_verifier.py --data SET --verdicts V.jsonl [--minimum-precision 0.8] [--cascade]
"""
import argparse, json


def figures(rows, gate, threshold, agreement=0, confidence=2.0):
    tp = fp = tn = fn = 0
    for r in rows:
        keep = r["word"] >= gate and (agreement == 0 or r["a"] >= agreement) and (
            r["p"] >= threshold or (agreement > 0 and r["q"] >= confidence))
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
    ap.add_argument("--cascade", action="store_true", help="fit the reader-first cascade's confidence too")
    ap.add_argument("--gate", type=float, help="fix the word-level gate instead of fitting it")
    ap.add_argument("--threshold", type=float, help="fix the P(Yes) threshold instead of fitting it")
    a = ap.parse_args()
    splits = [json.loads(l).get("split") for l in open(a.data)]
    rows = []
    for line in open(a.verdicts):
        v = json.loads(line)
        check = next(c for c in v["checks"] if c["name"] == "verifier")
        trip = next((c for c in v["checks"] if c["name"] == "answer_round_trip"), None)
        rows.append({"label": v["supported"], "kind": v.get("kind"), "split": splits[v["line"] - 1],
                     "p": check["score"], "word": check["features"].get("word_score", 1),
                     "a": trip["score"] if trip else 1,
                     "q": trip["features"].get("answerable", 1) if trip else 1})
    tune = [r for r in rows if r["split"] == "tune"]; test = [r for r in rows if r["split"] == "test"]
    agreements = [0, 0.3, 0.4, 0.5, 0.6, 0.7] if any("a" in r and r["a"] != 1 for r in rows) else [0]
    if a.agreement is not None: agreements = [a.agreement]
    confidences = [0.9, 0.95, 0.97, 0.98, 0.99, 0.995, 0.998, 2.0] if a.cascade else [2.0]
    gates = [a.gate] if a.gate is not None else [g / 20 for g in range(0, 16)]
    thresholds = [a.threshold] if a.threshold is not None else [t / 100 for t in range(5, 100)]
    grid = [(g, t, x, c) for g in gates for t in thresholds for x in agreements for c in confidences]
    # Ties go to the lowest agreement (fewest rejections, so fewest refinement calls in generation), then to
    # the lowest confidence (fewest P(Yes) calls).
    scored = [(figures(tune, g, t, x, c), x, c, g, t) for g, t, x, c in grid]
    ok = [(f["balanced_accuracy"], -x, -c, g, t) for f, x, c, g, t in scored if f["precision"] >= a.minimum_precision]
    _, minus, minus_c, gate, threshold = max(ok) if ok else max(
        (f["balanced_accuracy"], -x, -c, g, t) for f, x, c, g, t in scored)
    agreement, confidence = -minus, -minus_c
    calls = sum(1 + (agreement > 0 and r["a"] >= agreement and r["q"] < confidence) for r in rows) / len(rows) \
        if confidence <= 1 else None
    fitted = (gate, threshold, agreement, confidence)
    print(json.dumps({"gate": gate, "threshold": threshold, "agreement": agreement,
                      "reader_confidence": confidence if confidence <= 1 else None, "calls_per_line": calls,
                      "tune": figures(tune, *fitted), "test": figures(test, *fitted), "all": figures(rows, *fitted),
                      "test_verifier_alone_at_0.5": figures(test, 0, 0.5),
                      "test_words_alone_at_0.51": figures(test, 0.51, 0),
                      "by_confidence": {str(c): {"tune": figures(tune, gate, threshold, agreement, c),
                                                 "test": figures(test, gate, threshold, agreement, c)}
                                        for c in confidences} if a.cascade else None,
                      "test_by_kind": {k: figures([r for r in test if r["kind"] == k], *fitted)
                                       for k in sorted({r["kind"] for r in test})}}, indent=1))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Which model signal tells a sentence that answers its question from one that does not?

On sentence answers (XQuAD questions people wrote, paired with the sentence that holds their answer, or with
another sentence of the same paragraph that answers a different question: `xquad_heldout.jsonl` kinds
`gold_sentence` and `wrong_sentence`), three signals from the same llama.cpp server:

- `p_yes`: rag's verifier prompt, P(Yes) from the first token's log-probabilities;
- `choice`: the passage's sentences numbered, "which sentence answers the question? 0 if none"; the score is the
  probability of the cited sentence's number among the numbers (a listwise judgement: the cited sentence
  competes with its neighbours, which is the failure hand reads found, a sentence that answers another question);
- `reader`: rag's round-trip reader (shortest phrase, JSON), agreement with the sentence as `AnswerRoundTrip`
  computes it, and P(answerable).

Prints AUC and the best balanced accuracy of each, fitted on `tune` and applied to `test`.

Usage: python3 sentence_probe.py --data xquad_heldout.jsonl --url http://127.0.0.1:PORT --per-kind 40 --out p.jsonl
"""
import argparse, json, math, random, re, sys, time, urllib.request

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from round_trip_probe import SCHEMA, SYSTEM, agreement, prompt as reader_prompt  # noqa: E402

VERIFY = ("Does the passage answer this exact question, with the proposed answer? Say No if the question asks "
          "about a person, thing, time, place or condition that the passage does not mention, if the passage says "
          "the opposite, or if the proposed answer answers a different question. Reply Yes or No.")
CHOICE = ("Which sentence answers the question? Reply with the sentence's number only, or 0 if no sentence "
          "answers this exact question.")


def sentences(text):
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"“(])", text.strip()) if s]


def chat(url, user, max_tokens=1, schema=None):
    body = {"messages": [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}],
            "temperature": 0, "max_tokens": max_tokens, "seed": 1, "logprobs": True, "top_logprobs": 20,
            "cache_prompt": True}
    if schema:
        body["response_format"] = {"type": "json_schema", "json_schema": {"name": "r", "schema": schema}}
    request = urllib.request.Request(url + "/v1/chat/completions", json.dumps(body).encode(),
                                     {"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(request, timeout=600))["choices"][0]


def option_probabilities(choice, options):
    mass = {o: 0.0 for o in options}
    for alt in choice["logprobs"]["content"][0]["top_logprobs"]:
        token = alt["token"].strip().lower()
        if token in mass:
            mass[token] += math.exp(alt["logprob"])
    total = sum(mass.values())
    return {k: v / total for k, v in mass.items()} if total > 0 else None


def cited_index(sents, answer):
    aw = set(re.findall(r"\w+", answer.lower()))
    return max(range(len(sents)), key=lambda i: len(aw & set(re.findall(r"\w+", sents[i].lower()))) / (len(aw) or 1))


def window(sents, cited, rng, size=9):
    """At most `size` sentences holding the cited one, at a random offset (no position gives it away)."""
    if len(sents) <= size:
        return 0, sents
    start = rng.randint(max(0, cited - size + 1), min(cited, len(sents) - size))
    return start, sents[start:start + size]


def auc(scores, labels):
    pos = [s for s, l in zip(scores, labels) if l]; neg = [s for s, l in zip(scores, labels) if not l]
    if not pos or not neg:
        return float("nan")
    return sum((p > n) + 0.5 * (p == n) for p in pos for n in neg) / (len(pos) * len(neg))


def balanced(scores, labels, t):
    tp = sum(s >= t and l for s, l in zip(scores, labels)); fn = sum(s < t and l for s, l in zip(scores, labels))
    tn = sum(s < t and not l for s, l in zip(scores, labels)); fp = sum(s >= t and not l for s, l in zip(scores, labels))
    rec = tp / max(tp + fn, 1); spec = tn / max(tn + fp, 1); prec = tp / max(tp + fp, 1)
    return (rec + spec) / 2, prec


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True); ap.add_argument("--url", required=True)
    ap.add_argument("--per-kind", type=int, default=40); ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=3)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    lines = [json.loads(l) for l in open(a.data)]
    chosen = []
    for kind in ("gold_sentence", "wrong_sentence"):
        pool = [l for l in lines if l["kind"] == kind]
        rng.shuffle(pool)
        chosen += pool[:a.per_kind]
    rows, started = [], time.time()
    for n, line in enumerate(chosen, 1):
        sents = sentences(line["context"])
        cited = cited_index(sents, line["answer"])
        start, shown = window(sents, cited, rng)
        numbered = "\n".join(f"[{i + 1}] {s}" for i, s in enumerate(shown))
        options = [str(i) for i in range(len(shown) + 1)]
        head = f"Passage:\n{line['context']}\n\nQuestion: {line['question']}\n"
        yes = option_probabilities(chat(a.url, head + f"Proposed answer: {line['answer']}\n\n" + VERIFY), ["yes", "no"])
        pick = option_probabilities(chat(a.url, f"Passage:\n{numbered}\n\nQuestion: {line['question']}\n\n" + CHOICE), options)
        reply = chat(a.url, reader_prompt(line["context"], line["question"]), max_tokens=96, schema=SCHEMA)
        try:
            said = json.loads(reply["message"]["content"])["answer"]
        except Exception:
            said = None
        row = {"id": line["id"], "kind": line["kind"], "split": line["split"], "supported": line["supported"],
               "p_yes": yes["yes"] if yes else None,
               "choice": pick[str(cited - start + 1)] if pick else None,
               "choice_top": max(pick, key=pick.get) if pick else None,
               "choice_none": pick["0"] if pick else None,
               "reader": said, "agreement": agreement(said, line["answer"])}
        rows.append(row)
        print(f"{n}/{len(chosen)} {time.time() - started:.0f}s {row['kind']} p_yes={row['p_yes']} "
              f"choice={row['choice']} agree={row['agreement']:.2f}", file=sys.stderr)
    with open(a.out, "w") as out:
        for row in rows:
            out.write(json.dumps(row) + "\n")
    report(rows)


def report(rows):
    labels = [r["supported"] for r in rows]
    signals = {
        "p_yes": [r["p_yes"] or 0 for r in rows],
        "choice": [r["choice"] or 0 for r in rows],
        "reader agreement": [r["agreement"] for r in rows],
        "min(p_yes, choice)": [min(r["p_yes"] or 0, r["choice"] or 0) for r in rows],
        "p_yes x choice": [(r["p_yes"] or 0) * (r["choice"] or 0) for r in rows],
    }
    tune = [i for i, r in enumerate(rows) if r["split"] == "tune"]
    test = [i for i, r in enumerate(rows) if r["split"] != "tune"]
    print(f"{len(rows)} lines ({sum(labels)} supported); tune {len(tune)}, test {len(test)}")
    for name, scores in signals.items():
        grid = sorted(set(scores))
        best = max(grid, key=lambda t: balanced([scores[i] for i in tune], [labels[i] for i in tune], t)[0])
        ba, prec = balanced([scores[i] for i in test], [labels[i] for i in test], best)
        print(f"{name:20s} AUC {auc(scores, labels):.3f}  threshold (tune) {best:.3f}  test BA {ba:.3f} precision {prec:.3f}")
    top_right = sum(((r["choice"] or 0) >= max(r["choice_none"] or 0, 0.5)) == r["supported"] for r in rows)
    print(f"choice: cited sentence at P >= 0.5 and above 'none', accuracy {top_right / len(rows):.3f}")


if __name__ == "__main__":
    main()

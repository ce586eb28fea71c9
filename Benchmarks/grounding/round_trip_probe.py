#!/usr/bin/env python3
"""Adds round-trip answering to a verdicts file, outside rag: for each line, the reader model answers the
question from the passage without the line's answer (rag's reader prompt, system message and JSON schema) and
an `answer_round_trip` check with the agreement (as `AnswerRoundTrip` computes it) is appended to the verdict.
`fit_verifier.py` then fits the agreement with the gate and the P(Yes) threshold.

This is how the README's round-trip figures were made; `rag eval grounding --verifier-gate 0
--verifier-threshold 0 --verdicts V.jsonl` gives the same check from rag itself.

Usage: python3 round_trip_probe.py --data SET --verdicts V.jsonl --url http://127.0.0.1:PORT --out V2.jsonl
"""
import argparse, collections, json, re, sys, urllib.request

SYSTEM = "You are a careful reader. You check whether a passage really answers a question."
SCHEMA = {"type": "object", "properties": {"answer": {"type": "string", "maxLength": 240}},
          "required": ["answer"], "additionalProperties": False}


def prompt(passage, question):
    return (f"Passage:\n{passage}\n\nQuestion: {question}\n\nAnswer the question with the shortest phrase copied "
            "exactly from the passage. If the passage does not answer this exact question (it asks about a person, "
            "thing, time, place or condition the passage does not mention, or the passage says otherwise), answer "
            "\"unanswerable\". Reply as {\"answer\": ...}.")


def words(text):
    return [w for w in re.sub(r"[^\w\s]", " ", text.lower()).split() if w not in ("a", "an", "the")]


def longest_common_run(a, b):
    best, previous = 0, [0] * (len(b) + 1)
    for i in range(1, len(a) + 1):
        current = [0] * (len(b) + 1)
        for j in range(1, len(b) + 1):
            if a[i - 1] == b[j - 1]:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best


def agreement(reader, answer):
    if reader is None or reader.strip().lower().strip(".") == "unanswerable":
        return 0.0
    r, a = words(reader), words(answer)
    common = sum((collections.Counter(r) & collections.Counter(a)).values()) if r and a else 0
    if common == 0:
        return 0.0
    precision, recall = common / len(r), common / len(a)
    f1 = 2 * precision * recall / (precision + recall)
    return f1 if len(a) <= len(r) else max(f1, longest_common_run(r, a) / len(r))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True); ap.add_argument("--verdicts", required=True)
    ap.add_argument("--url", required=True); ap.add_argument("--out", required=True)
    a = ap.parse_args()
    data = [json.loads(l) for l in open(a.data)]
    with open(a.out, "w") as out:
        for line in open(a.verdicts):
            verdict = json.loads(line)
            row = data[verdict["line"] - 1]
            passage = row["context"] if isinstance(row["context"], str) else "\n\n".join(row["context"])
            body = json.dumps({"messages": [{"role": "system", "content": SYSTEM},
                                            {"role": "user", "content": prompt(passage, row["question"])}],
                               "temperature": 0, "max_tokens": 96, "cache_prompt": True,
                               "response_format": {"type": "json_schema",
                                                   "json_schema": {"name": "a", "strict": True, "schema": SCHEMA}}})
            request = urllib.request.Request(a.url + "/v1/chat/completions", body.encode(),
                                             {"Content-Type": "application/json"})
            reply = json.load(urllib.request.urlopen(request, timeout=300))["choices"][0]["message"]["content"]
            reader = json.loads(reply).get("answer")
            score = agreement(reader, row["answer"])
            verdict["checks"].append({"name": "answer_round_trip", "score": score, "passed": True,
                                      "reason": f"reader answered {reader!r}", "features": {}})
            out.write(json.dumps(verdict) + "\n"); out.flush()
            print(verdict["line"], row["supported"], repr(row["answer"][:40]), "->", repr(reader), file=sys.stderr)


if __name__ == "__main__":
    main()

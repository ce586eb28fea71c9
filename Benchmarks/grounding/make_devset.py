#!/usr/bin/env python3
"""Builds labelled grounding sets from XQuAD (English): {"question", "answer", "context", "supported"} a line.

Two sets with different perturbations, so that a checker tuned on one is measured on the other:

xquad_dev.jsonl (one positive and one negative per question)
  gold            the question's own answer span (supported)
  other_paragraph an answer to a question on another paragraph of the same article (not supported)
  swap_number     the answer with its number or year replaced by another of the same kind from the same article
  swap_name       the answer with its name replaced by another name from the same article (a month by a month)

xquad_heldout.jsonl (one positive and one negative per question; a different seed)
  gold_variant        the gold span with surface changes: case, a leading "the", thousands separators,
                      unicode quotes and dashes (supported)
  gold_sentence       the whole context sentence that holds the answer (supported)
  same_paragraph      the answer to another question on the same paragraph (not supported)
  wrong_sentence      another sentence of the paragraph, one that answers a different question (not supported)
  negated_sentence    the answer's sentence with a negation inserted or an auxiliary negated (not supported)
  changed_sentence    the answer's sentence with its number, year or name replaced as in the dev set (not supported)

Extra fields: "id" (XQuAD question id + kind), "kind", "article", and "split" ("tune" for even-numbered
articles, "test" for odd ones): choose thresholds on "tune" only. Deterministic for a given --seed.

Usage: python3 make_devset.py [--xquad PATH] [--out DIR] [--seed N]
"""
import argparse
import json
import os
import random
import re
import unicodedata

DEFAULT_XQUAD = "/work/shared/data/qa/xquad/xquad.en.json"

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
NUMBER_WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                "twelve", "fifteen", "twenty", "thirty", "forty", "fifty", "hundred", "thousand", "million"]
STOP_CAPS = {"The", "A", "An", "In", "On", "At", "Of", "For", "By", "It", "He", "She", "They", "This", "That",
             "These", "Those", "As", "After", "Before", "During", "When", "While", "Although", "However", "His",
             "Her", "Its", "Their", "There", "Some", "Many", "Most", "Other", "Since", "From", "With", "To", "And",
             "But", "Or", "If", "We", "I", "One", "Two", "Also", "Both", "Each", "All", "Such", "Under", "Between"}
AUXILIARIES = ["is", "was", "are", "were", "has", "had", "have", "can", "could", "will", "would", "should",
               "may", "might", "must", "does", "did", "do"]

NUMBER_RE = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w])")
NAME_RE = re.compile(r"\b([A-Z][a-z]+(?:[ -](?:of |de |von |van |the )?[A-Z][a-z]+)*)\b")
SENTENCE_RE = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z\"“(])")
ABBREVIATIONS = ("Mr.", "Mrs.", "Dr.", "St.", "Jr.", "Sr.", "U.S.", "e.g.", "i.e.", "vs.", "c.", "ca.", "No.")


def norm(text):
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[^\w\s]", " ", text)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def sentences(context):
    """(start, end) character spans of the sentences of a paragraph."""
    spans, start = [], 0
    for match in SENTENCE_RE.finditer(context):
        head = context[start:match.start() + 1]
        if head.endswith(ABBREVIATIONS) or re.search(r"\b[A-Z]\.$", head):
            continue
        spans.append((start, match.start() + 1))
        start = match.end()
    spans.append((start, len(context)))
    return [(s, e) for s, e in spans if context[s:e].strip()]


def sentence_of(context, offset):
    for s, e in sentences(context):
        if s <= offset < e:
            return s, e
    return None


def number_kind(token):
    plain = token.replace(",", "")
    if re.fullmatch(r"1\d{3}|20\d{2}", plain):
        return "year"
    if "." in plain:
        return "decimal"
    return "small" if float(plain) < 100 else "large"


def format_like(value, template):
    """Formats an integer the way `template` was written (thousands separators or not)."""
    return f"{value:,}" if "," in template else str(value)


def article_numbers(article):
    found = {}
    for paragraph in article["paragraphs"]:
        for match in NUMBER_RE.finditer(paragraph["context"]):
            token = match.group(1)
            found.setdefault(number_kind(token), set()).add(token)
    return {kind: sorted(tokens) for kind, tokens in found.items()}


def article_names(article):
    names = set()
    for paragraph in article["paragraphs"]:
        for match in NAME_RE.finditer(paragraph["context"]):
            name = match.group(1)
            words = name.split()
            while words and words[0] in STOP_CAPS:
                words = words[1:]
            if words and name not in MONTHS and not any(w in MONTHS for w in words):
                names.add(" ".join(words))
    return sorted(names)


def swap_number(answer, numbers, rng):
    matches = list(NUMBER_RE.finditer(answer))
    if not matches:
        return None
    match = rng.choice(matches)
    token = match.group(1)
    kind = number_kind(token)
    candidates = [n for n in numbers.get(kind, []) if n.replace(",", "") != token.replace(",", "")
                  and n.replace(",", "") not in answer.replace(",", "")]
    if candidates:
        replacement = rng.choice(candidates)
    elif kind == "decimal":
        replacement = f"{float(token) + rng.choice([-1, 1]) * rng.choice([0.5, 1.5, 2.0]):g}"
    else:
        value = int(token.replace(",", ""))
        delta = rng.choice([1, 2, 3, 5, 10]) if kind in ("year", "small") else max(1, value // rng.choice([3, 5, 10]))
        replacement = format_like(max(0, value + rng.choice([-1, 1]) * delta), token)
        if replacement.replace(",", "") == token.replace(",", ""):
            replacement = format_like(value + delta, token)
    return answer[:match.start(1)] + replacement + answer[match.end(1):]


def swap_name(answer, names, rng):
    months = [m for m in MONTHS if re.search(r"\b" + m + r"\b", answer)]
    if months:
        month = months[0]
        return re.sub(r"\b" + month + r"\b", rng.choice([m for m in MONTHS if m != month]), answer, count=1)
    found = [m for m in NAME_RE.finditer(answer) if m.group(1) not in STOP_CAPS]
    if not found:
        return None
    match = max(found, key=lambda m: len(m.group(1)))
    name = match.group(1)
    width = len(name.split())
    lowered = norm(answer)
    candidates = [n for n in names if norm(n) not in lowered and norm(name) not in norm(n)
                  and len(n.split()) == width]
    if not candidates:
        candidates = [n for n in names if norm(n) not in lowered and norm(name) not in norm(n)]
    if not candidates:
        return None
    return answer[:match.start(1)] + rng.choice(candidates) + answer[match.end(1):]


def negate(sentence):
    """Inserts a negation after the first auxiliary that is not already negated, or returns None."""
    for match in re.finditer(r"\b(" + "|".join(AUXILIARIES) + r")\b(?! not\b)(?!n't)", sentence):
        following = sentence[match.end():match.end() + 8]
        if re.match(r"\s+(not|never|no)\b", following):
            continue
        return sentence[:match.end()] + " not" + sentence[match.end():]
    return None


def surface_variant(answer, rng):
    options = []
    if re.search(r"\d{4,}", answer):
        options.append(re.sub(r"\d{4,}", lambda m: f"{int(m.group(0)):,}" if len(m.group(0)) > 4 else m.group(0), answer))
    if re.search(r"\d{1,3}(,\d{3})+", answer):
        options.append(re.sub(r"(\d),(\d{3})", r"\1\2", answer))
    if answer.lower().startswith("the "):
        options.append(answer[4:])
    elif answer[:1].islower():
        options.append("the " + answer)
    if "'" in answer or '"' in answer or "-" in answer:
        options.append(answer.replace("'", "\u2019").replace('"', "\u201c").replace("-", "\u2013"))
    options.append(answer.upper() if len(answer) < 20 else answer.lower())
    options.append(answer.lower())
    options.append(" " + answer + ".")
    return rng.choice(options)


def gold_sentence(context, qa):
    start = qa["answers"][0]["answer_start"]
    span = sentence_of(context, start)
    if span is None:
        return None
    s, e = span
    if start + len(qa["answers"][0]["text"]) > e:
        return None
    return context[s:e].strip()


def record(qa, context, answer, supported, kind, article, split):
    return {"id": qa["id"] + ":" + kind, "question": qa["question"], "answer": answer.strip(),
            "context": context, "supported": supported, "kind": kind, "article": article, "split": split}


def build_dev(data, rng):
    out = []
    for index, article in enumerate(data):
        split = "tune" if index % 2 == 0 else "test"
        numbers, names = article_numbers(article), article_names(article)
        for p_index, paragraph in enumerate(article["paragraphs"]):
            context = paragraph["context"]
            others = [(i, q) for i, p in enumerate(article["paragraphs"]) if i != p_index for q in p["qas"]]
            for qa in paragraph["qas"]:
                answer = qa["answers"][0]["text"]
                out.append(record(qa, context, answer, True, "gold", article["title"], split))
                choices = []
                swapped = swap_number(answer, numbers, rng)
                if swapped and norm(swapped) != norm(answer):
                    choices.append(("swap_number", swapped))
                swapped = swap_name(answer, names, rng)
                if swapped and norm(swapped) != norm(answer):
                    choices.append(("swap_name", swapped))
                if not choices or rng.random() < 0.4:
                    candidates = [q["answers"][0]["text"] for _, q in others
                                  if norm(q["answers"][0]["text"]) != norm(answer)]
                    choices = [("other_paragraph", rng.choice(candidates))]
                kind, wrong = rng.choice(choices)
                out.append(record(qa, context, wrong, False, kind, article["title"], split))
    return out


def build_heldout(data, rng):
    out = []
    for index, article in enumerate(data):
        split = "tune" if index % 2 == 0 else "test"
        numbers, names = article_numbers(article), article_names(article)
        for paragraph in article["paragraphs"]:
            context = paragraph["context"]
            qas = paragraph["qas"]
            for qa in qas:
                answer = qa["answers"][0]["text"]
                start = qa["answers"][0]["answer_start"]
                sentence = gold_sentence(context, qa)
                # Positive.
                if sentence and rng.random() < 0.5:
                    out.append(record(qa, context, sentence, True, "gold_sentence", article["title"], split))
                else:
                    out.append(record(qa, context, surface_variant(answer, rng), True, "gold_variant",
                                      article["title"], split))
                # Negative.
                choices = []
                siblings = [q for q in qas if q is not qa
                            and norm(q["answers"][0]["text"]) not in norm(answer)
                            and norm(answer) not in norm(q["answers"][0]["text"])]
                if siblings:
                    choices.append(("same_paragraph", rng.choice(siblings)["answers"][0]["text"]))
                gold_span = sentence_of(context, start)
                other_sentences = []
                for q in siblings:
                    span = sentence_of(context, q["answers"][0]["answer_start"])
                    if span and span != gold_span and norm(answer) not in norm(context[span[0]:span[1]]):
                        other_sentences.append(context[span[0]:span[1]].strip())
                if other_sentences:
                    choices.append(("wrong_sentence", rng.choice(other_sentences)))
                if sentence:
                    negated = negate(sentence)
                    if negated:
                        choices.append(("negated_sentence", negated))
                    local = sentence.find(answer)
                    if local >= 0:
                        changed = swap_number(answer, numbers, rng) or swap_name(answer, names, rng)
                        if changed and norm(changed) != norm(answer):
                            choices.append(("changed_sentence",
                                            sentence[:local] + changed + sentence[local + len(answer):]))
                if not choices:
                    continue
                kind, wrong = rng.choice(choices)
                out.append(record(qa, context, wrong, False, kind, article["title"], split))
    return out


def write(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--xquad", default=DEFAULT_XQUAD)
    parser.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--seed", type=int, default=20240611)
    args = parser.parse_args()
    with open(args.xquad, encoding="utf-8") as f:
        data = json.load(f)["data"]
    dev = build_dev(data, random.Random(args.seed))
    heldout = build_heldout(data, random.Random(args.seed + 1))
    os.makedirs(args.out, exist_ok=True)
    write(os.path.join(args.out, "xquad_dev.jsonl"), dev)
    write(os.path.join(args.out, "xquad_heldout.jsonl"), heldout)
    for name, rows in (("xquad_dev.jsonl", dev), ("xquad_heldout.jsonl", heldout)):
        kinds = {}
        for row in rows:
            kinds[row["kind"]] = kinds.get(row["kind"], 0) + 1
        print(name, len(rows), dict(sorted(kinds.items())))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Builds a SQuAD-2.0-style grounding set from XQuAD (English): edit the question, not the answer.

For every XQuAD question (real questions people wrote, with their real answer spans):
  gold             the question, its answer, its paragraph (supported)
and one unanswerable variant (not supported), in the categories of Rajpurkar et al. 2018 ("Know What You
Don't Know"), the first that applies in a seeded random order; the answer stays the gold span, a plausible
answer from the paragraph, as in SQuAD 2.0:
  entity_swap      a capitalised name in the question replaced by another name of the same article that the
                   paragraph never mentions
  number_swap      a year or number in the question replaced by one the paragraph never mentions (time change)
  negation         a negation inserted after the question's auxiliary ("did" -> "did not")
  antonym          a word replaced by its antonym (first/last, largest/smallest, before/after, ...)
and, for about one question in three, also
  other_paragraph  the real question paired with another paragraph of the same article that lacks the gold
                   answer, with that paragraph's best span of the same answer type (the sentence sharing most
                   words with the question) as the answer
Fields: id, question, answer, context, supported, kind, article, split ("tune" for even-numbered articles,
"test" for odd ones). Deterministic for a given --seed.

Usage: python3 make_squad2_devset.py [--xquad PATH] [--out FILE] [--seed N]
"""
import argparse, json, random, re, sys
from collections import Counter

AUX = ["did", "does", "do", "was", "were", "is", "are", "can", "could", "has", "have", "had", "will", "would", "should"]
ANTONYMS = {"first": "last", "last": "first", "largest": "smallest", "smallest": "largest", "before": "after",
            "after": "before", "most": "least", "least": "most", "highest": "lowest", "lowest": "highest",
            "earliest": "latest", "latest": "earliest", "longest": "shortest", "shortest": "longest",
            "increase": "decrease", "decrease": "increase", "increased": "decreased", "decreased": "increased",
            "north": "south", "south": "north", "east": "west", "west": "east", "won": "lost", "lost": "won",
            "win": "lose", "older": "younger", "younger": "older", "oldest": "youngest", "youngest": "oldest",
            "maximum": "minimum", "minimum": "maximum", "more": "fewer", "larger": "smaller", "smaller": "larger",
            "early": "late", "late": "early", "major": "minor", "positive": "negative", "negative": "positive",
            "inside": "outside", "outside": "inside", "above": "below", "below": "above", "start": "end",
            "began": "ended", "beginning": "end", "accept": "reject", "accepted": "rejected", "allowed": "forbidden"}
STOP = set("the a an of in on at to for by with from and or is are was were be been did does do what which who "
           "whom whose when where why how that this these those it its as into than then there their they he she "
           "his her many much".split())
NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*\b")
NUMBER = re.compile(r"\b\d[\d,.]*\b")


def words(text):
    return [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOP]


FUNCTION_CAPS = {"The", "A", "An", "In", "On", "At", "What", "Which", "Who", "When", "How", "Where", "Why", "It",
                 "He", "She", "They", "This", "That", "These", "Those", "As", "After", "Before", "During", "While",
                 "However", "His", "Her", "Their", "Its", "There", "For", "By", "From", "With", "Of", "To", "But",
                 "And", "Or", "If", "Although", "Since", "Many", "Some", "Most", "Other", "Name", "According"}


def names(text, skip_first=True):
    found = []
    for m in NAME.finditer(text):
        start = m.start()
        at_sentence_start = start == 0 or text[:start].rstrip()[-1:] in ".!?\"'"
        if (skip_first or m.group(0).split()[0] in FUNCTION_CAPS) and at_sentence_start:
            continue
        if m.group(0).split()[0] in FUNCTION_CAPS or len(m.group(0)) < 3:
            continue
        found.append(m.group(0))
    return found


def entity_swap(q, para, article_names, rng):
    targets = [t for t in names(q) if t.lower() in para.lower()]
    rng.shuffle(targets)
    for t in targets:
        options = [n for n in article_names if n != t and n.lower() not in para.lower()
                   and len(n.split()) == len(t.split()) and n not in q]
        if options:
            return q.replace(t, rng.choice(sorted(options)), 1)
    return None


def number_swap(q, para, rng):
    for m in NUMBER.finditer(q):
        digits = m.group(0).replace(",", "")
        if not digits.isdigit():
            continue
        value = int(digits)
        for _ in range(20):
            new = value + rng.choice([-1, 1]) * rng.randint(3, 40) if value > 1000 else value + rng.randint(2, 9)
            if new > 0 and str(new) not in para:
                return q[:m.start()] + str(new) + q[m.end():]
    return None


DO_AUX = {"did", "does", "do", "can", "could", "will", "would", "should"}
BE_AUX = {"was", "were", "is", "are"}


def negation(q, rng):
    """'Who did John Elway play for?' -> 'Who did John Elway not play for?'; 'was built' -> 'was not built'."""
    tokens = q.split()
    if any(t.lower() in ("not", "never", "n't") for t in tokens):
        return None
    for i, tok in enumerate(tokens[:4]):
        low = tok.lower()
        if low in DO_AUX:
            # skip the subject (capitalised words, determiners, nouns up to the first plain verb-like word)
            for j in range(i + 1, min(len(tokens), i + 6)):
                w = tokens[j]
                if w[:1].islower() and w not in ("the", "a", "an", "of") and j > i + 1:
                    return " ".join(tokens[:j] + ["not"] + tokens[j:])
            return None
        if low in BE_AUX:
            for j in range(i + 1, min(len(tokens), i + 6)):
                if re.fullmatch(r"[a-z]+(ed|en)", tokens[j]):
                    return " ".join(tokens[:j] + ["not"] + tokens[j:])
            return None
    return None


def antonym(q, rng):
    tokens = re.findall(r"\w+|\W+", q)
    spots = [i for i, t in enumerate(tokens) if t.lower() in ANTONYMS]
    if not spots:
        return None
    i = rng.choice(spots)
    new = ANTONYMS[tokens[i].lower()]
    tokens[i] = new.capitalize() if tokens[i][0].isupper() else new
    return "".join(tokens)


def answer_type(answer):
    if re.search(r"\d", answer):
        return "number"
    if answer[:1].isupper():
        return "name"
    return "phrase"


def candidate_spans(para, kind):
    if kind == "number":
        return [m.group(0) for m in re.finditer(r"\b(?:[A-Z][a-z]+ )?\d[\d,.]*(?: [a-z]+)?\b", para)]
    if kind == "name":
        return names(para, skip_first=False)
    # a short phrase after a copula or a preposition: "was the largest city", "in the dry season"
    return [m.group(2) for m in re.finditer(r"\b(is|are|was|were|by|in|of|as)\s+((?:[a-z]+\s+){1,3}[a-z]+)", para)
            if not set(m.group(2).split()) <= STOP]


def best_span(question, para, kind):
    sentences = re.split(r"(?<=[.!?])\s+", para)
    qw = set(words(question))
    ranked = sorted(sentences, key=lambda s: -len(qw & set(words(s))))
    for s in ranked:
        spans = [c for c in candidate_spans(s, kind) if c.strip()]
        if spans:
            return spans[0].strip(" .")
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--xquad", default="/work/shared/data/qa/xquad/xquad.en.json")
    ap.add_argument("--out", default="squad2_dev.jsonl")
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    data = json.load(open(args.xquad))["data"]
    out, counts = [], Counter()
    for index, article in enumerate(data):
        split = "tune" if index % 2 == 0 else "test"
        title = article.get("title", str(index))
        paragraphs = [p["context"] for p in article["paragraphs"]]
        name_counts = Counter(n for p in paragraphs for n in names(p, skip_first=True))
        article_names = sorted(n for n, c in name_counts.items() if c >= 2 or len(n.split()) >= 2)
        for p in article["paragraphs"]:
            para = p["context"]
            for qa in p["qas"]:
                q, gold = qa["question"].strip(), qa["answers"][0]["text"].strip()
                base = {"answer": gold, "context": para, "article": title, "split": split}
                out.append(dict(id=qa["id"] + ":gold", question=q, supported=True, kind="gold", **base))
                counts["gold", split] += 1
                edits = [("entity_swap", lambda: entity_swap(q, para, article_names, rng)),
                         ("number_swap", lambda: number_swap(q, para, rng)),
                         ("negation", lambda: negation(q, rng)), ("antonym", lambda: antonym(q, rng))]
                rng.shuffle(edits)
                for kind, edit in edits:
                    edited = edit()
                    if edited and edited != q:
                        out.append(dict(id=qa["id"] + ":" + kind, question=edited, supported=False, kind=kind, **base))
                        counts[kind, split] += 1
                        break
                if rng.random() < 1 / 3:
                    others = [o for o in paragraphs if o != para and gold.lower() not in o.lower()]
                    if others:
                        other = rng.choice(others)
                        span = best_span(q, other, answer_type(gold))
                        if span:
                            out.append(dict(id=qa["id"] + ":other_paragraph", question=q, answer=span, context=other,
                                            supported=False, kind="other_paragraph", article=title, split=split))
                            counts["other_paragraph", split] += 1
    with open(args.out, "w") as f:
        for row in out:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    for key in sorted(counts):
        print(*key, counts[key], file=sys.stderr)


if __name__ == "__main__":
    main()

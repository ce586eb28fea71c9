#!/usr/bin/env python3
"""Builds a seeded corpus of damaged files from ../shared/data for measuring ingest on messy input.

    python3 Benchmarks/ingest/fuzz_corpus.py OUT_DIR [--seed 16]

Writes OUT_DIR/edits20/  the first 20 PostgreSQL manual pages, 20 random byte edits each (the issue's bar);
       OUT_DIR/fuzz/     84 files like the issue's: manual pages with bytes flipped, inserted and deleted, the R
                         manual PDF truncated or mutated, JSONL with random lines, random-byte Markdown, 50,000
                         nested <div>s, a 2-million-word line, an empty file;
       OUT_DIR/encodings/ a Windows-1252 text file and the five-line JSONL with two bad lines.
"""
import argparse
import os
import random

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--seed", type=int, default=16)
ap.add_argument("--shared", default=os.path.join(os.path.dirname(__file__), "../../../shared/data"))
args = ap.parse_args()
rng = random.Random(args.seed)
manual = os.path.join(args.shared, "corpora/postgresql-15-html")
pages = sorted(p for p in os.listdir(manual) if p.endswith(".html"))


def write(rel, data):
    path = os.path.join(args.out, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def read(path):
    with open(path, "rb") as f:
        return f.read()


for name in pages[:20]:
    data = bytearray(read(os.path.join(manual, name)))
    for _ in range(20):
        data[rng.randrange(len(data))] = rng.randrange(256)
    write(f"edits20/{name}", bytes(data))

for i, name in enumerate(rng.sample(pages, 20)):
    data = bytearray(read(os.path.join(manual, name)))
    kind = i % 3
    for _ in range(rng.randrange(5, 60)):
        pos = rng.randrange(len(data))
        if kind == 0:
            data[pos] = rng.randrange(256)
        elif kind == 1:
            data[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 9)))
        else:
            del data[pos:pos + rng.randrange(1, 200)]
    write(f"fuzz/html-{i}-{name}", bytes(data))
pdf = read(os.path.join(args.shared, "pdfs/R-data.pdf"))
for i in range(20):
    if i % 2 == 0:
        data = pdf[: rng.randrange(len(pdf))]
    else:
        data = bytearray(pdf)
        for _ in range(rng.randrange(1, 100)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        data = bytes(data)
    write(f"fuzz/pdf-{i}.pdf", data)
jargon = read(os.path.join(args.shared, "corpora/jargon-file-4.4.7/jargon.jsonl")).split(b"\n")
for i in range(20):
    start = rng.randrange(len(jargon) - 50)
    lines = jargon[start:start + 50]
    for _ in range(rng.randrange(1, 6)):
        lines[rng.randrange(len(lines))] = bytes(rng.randrange(256) for _ in range(rng.randrange(80)))
    write(f"fuzz/records-{i}.jsonl", b"\n".join(lines))
for i in range(20):
    write(f"fuzz/random-{i}.md", bytes(rng.randrange(256) for _ in range(4000)))
write("fuzz/nested.html", b"<div>" * 50000 + b"deep text" + b"</div>" * 50000)
write("fuzz/long-line.txt", b"word " * 2000000)
write("fuzz/empty.txt", b"")
write("fuzz/broken-table.html", b"<html><body><table><tr><td>cell one<td>cell two<p>para<b>bold<i>both</b>italic</table>tail")

write("encodings/cp1252.txt", "\u201cCurly quotes\u201d \u2013 an en dash and a euro sign: 5 \u20ac.".encode("cp1252"))
write("encodings/five.jsonl", b'{"id": "a", "text": "Alpha is first."}\n{"id": "b", "text": "Bad \xc3\x28 bytes."}\n'
      b'{"id": "c", "text": "Gamma is third."}\nthis line is not JSON\n{"id": "e", "text": "Epsilon is fifth."}\n')
print(f"wrote {args.out}")

#!/usr/bin/env python3
"""Seed examples for the TREC task: the first N questions of each class in the file's order that are not among
the test lines `rag eval task --test FILE --test-size 1000 --seed 7` holds out (its SplitMix64 permutation,
reproduced here). Prints the YAML `seed_examples` section; `--jsonl OUT` also writes them as labelled lines,
to measure what the seeds alone teach a classifier."""
import argparse, json

MASK = (1 << 64) - 1


def splitmix64(state):
    while True:
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        yield z ^ (z >> 31)


def permutation(count, seed):
    order, rng = list(range(count)), splitmix64(seed)
    for i in range(count - 1, 0, -1):
        j = (next(rng) * (i + 1)) >> 64
        order[i], order[j] = order[j], order[i]
    return order


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file")
    parser.add_argument("--per-class", type=int, default=3)
    parser.add_argument("--test-size", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--jsonl")
    args = parser.parse_args()
    rows = [json.loads(line) for line in open(args.file, encoding="utf-8") if line.strip()]
    held_out = set(permutation(len(rows), args.seed)[: args.test_size])
    seeds = {}
    for index, row in enumerate(rows):
        if index in held_out:
            continue
        picked = seeds.setdefault(row["label"], [])
        if len(picked) < args.per_class:
            picked.append(row["text"])
    print("  seed_examples:")
    for label in sorted(seeds):
        print(f"    {label}:")
        for text in seeds[label]:
            print(f"      - {json.dumps(text)}")
    if args.jsonl:
        with open(args.jsonl, "w", encoding="utf-8") as out:
            for label in sorted(seeds):
                for text in seeds[label]:
                    out.write(json.dumps({"text": text, "label": label}) + "\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# Two rag binaries side by side, interleaved (old, new, old, new) so that machine load falls on both alike:
#   bash Benchmarks/before_after.sh OLD_RAG NEW_RAG [ROUNDS]
# Build the old one from a worktree: git worktree add /tmp/old COMMIT && (cd /tmp/old && swift build -c release --product rag)
# Prints wall seconds per command and the bench ann points; run it in a scratch directory.
set -euo pipefail
old=$1 new=$2 rounds=${3:-2}
here=$(cd "$(dirname "$0")/.." && pwd)
printf 'domain: "PostgreSQL"\nkind: qa\ncount: 5\nseed: 7\nqa:\n  types: {factoid: 3, definition: 1, procedural: 1}\n' > t.yaml
seconds() { local s e; s=$(date +%s.%N); "$@" > /dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc; }
for round in $(seq "$rounds"); do
  for who in old new; do
    R=${!who}
    echo "$who round $round bench-ann $("$R" bench ann --n 20000 --dim 128 --ef 32,64 --json)"
    rm -f "$who".db*
    echo "$who round $round ingest-sample-minilm $(seconds "$R" ingest "$here/corpora/postgresql-sample" --db "$who.db" --json)"
    rm -f "$who-h".db*
    echo "$who round $round ingest-pg15-hash $(seconds "$R" ingest "$here/../shared/data/corpora/postgresql-15-html" --db "$who-h.db" --embedder hash --json)"
    echo "$who round $round generate5-offline $(seconds "$R" generate --task t.yaml --db "$who.db" --out "g-$who.jsonl" --offline --json)"
  done
done

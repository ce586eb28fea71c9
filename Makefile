# rag: common tasks. `make demo` and `make test` are the two commands README.md opens with.
SWIFT ?= swift
RAG := .build/release/rag

.PHONY: setup build demo test bench-ann bench-embed clean

setup:
	bash scripts/setup.sh
	bash scripts/install-llm.sh >/dev/null

build: setup
	$(SWIFT) build -c release

# The main job on the shipped sample corpus: ingest it, query it, generate a grounded qa dataset with the
# local LLM (rag starts and stops the server), and show a few samples.
demo: build
	mkdir -p out
	$(RAG) ingest corpora/postgresql-sample --db out/demo.db
	$(RAG) query "How do I restore a database from a pg_dump backup?" --db out/demo.db -k 3
	$(RAG) stats --db out/demo.db
	$(RAG) generate --task corpora/postgresql-qa.yaml --db out/demo.db --out out/demo-qa.jsonl --sources-per-sample 4
	head -n 3 out/demo-qa.jsonl
	$(RAG) eval dataset out/demo-qa.jsonl --db out/demo.db --report out/demo-dataset.html
	@echo "dataset card: out/demo-qa.card.md; report: out/demo-dataset.html; review it: $(RAG) review out/demo-qa.jsonl --db out/demo.db"

# Tests run in release mode: SIMD and BLAS code is 200-400x slower in debug builds.
test: setup
	$(SWIFT) build -c release --build-tests
	$(SWIFT) test -c release --skip-build

# rag against hnswlib and FAISS on the same vectors, in one run.
bench-ann: build
	RAG_SETUP_ANCHORS=1 bash scripts/setup.sh
	bash Benchmarks/ann.sh

clean:
	rm -rf .build

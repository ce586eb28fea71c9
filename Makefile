# rag: common tasks. `make demo` and `make test` are the two commands README.md opens with.
SWIFT ?= swift
RAG := .build/release/rag

.PHONY: setup build demo test bench-ann bench-embed clean

setup:
	bash scripts/setup.sh

build: setup
	$(SWIFT) build -c release

# The main job on shipped data. Until ingest lands this is the vector core on a seeded synthetic set.
demo: build
	$(RAG) bench ann --n 20000 --dim 128 --queries 500 --ef 16,32,64,128

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

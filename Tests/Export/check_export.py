#!/usr/bin/env python3
"""Opens each of rag's exports in the library it is made for and checks what came through.

    python check_export.py DIR N      (DIR holds ragas.jsonl, deepeval.json, squad.json, beir/, hf/; N samples)

Prints one JSON object: per format, the rows the library loaded and what was checked. Exits non-zero on any
mismatch. Run with the venv scripts/setup.sh makes (~/.cache/rag/export-venv: datasets, ragas, deepeval,
pytrec_eval).
"""
import json
import os
import sys

out, n = sys.argv[1], int(sys.argv[2])
result, problems = {}, []


def check(condition, message):
    if not condition:
        problems.append(message)


# RAGAS: the JSONL rows through EvaluationDataset.from_list, and the JSONL loader.
from ragas import EvaluationDataset

rows = [json.loads(line) for line in open(f"{out}/ragas.jsonl")]
dataset = EvaluationDataset.from_list(rows)
sample = dataset.samples[0]
check(len(dataset) == n, f"ragas: {len(dataset)} samples, expected {n}")
check(bool(sample.user_input) and bool(sample.reference) and bool(sample.reference_contexts), "ragas: empty fields")
check(all(r["synthesizer_name"].endswith("_query_synthesizer") for r in rows), "ragas: synthesizer names")
check(all(ctx for r in rows for ctx in r["reference_contexts"]), "ragas: an empty context")
result["ragas"] = {"samples": len(dataset), "columns": list(dataset.to_pandas().columns)}

# DeepEval: goldens through EvaluationDataset.add_goldens_from_json_file.
from deepeval.dataset import EvaluationDataset as DeepEvalDataset

goldens = DeepEvalDataset()
goldens.add_goldens_from_json_file(f"{out}/deepeval.json")
check(len(goldens.goldens) == n, f"deepeval: {len(goldens.goldens)} goldens, expected {n}")
first = goldens.goldens[0]
check(bool(first.input) and bool(first.expected_output) and bool(first.context) and bool(first.source_file),
      "deepeval: empty fields")
check(os.path.exists(first.source_file), f"deepeval: source_file {first.source_file} is not a file")
result["deepeval"] = {"goldens": len(goldens.goldens), "source_file": os.path.basename(first.source_file)}

# SQuAD v2.0: as the official evaluation script reads it (data -> paragraphs -> qas, answers' text), with
# every answer_start exact; and through Hugging Face datasets.
import datasets

squad = json.load(open(f"{out}/squad.json"))
check(squad.get("version") == "v2.0", "squad: version")
qas = 0
for article in squad["data"]:
    for paragraph in article["paragraphs"]:
        context = paragraph["context"]
        for qa in paragraph["qas"]:
            qas += 1
            has_answer = bool(qa["answers"])  # the official script's make_qid_to_has_ans
            check(has_answer != qa["is_impossible"], f"squad: {qa['id']} is_impossible disagrees with answers")
            for answer in qa["answers"]:
                start = answer["answer_start"]
                check(context[start:start + len(answer["text"])] == answer["text"],
                      f"squad: {qa['id']} answer_start {start} does not point at its answer")
check(qas == n, f"squad: {qas} questions, expected {n}")
loaded = datasets.load_dataset("json", data_files=f"{out}/squad.json", field="data", split="train",
                              cache_dir=f"{out}/.hf-cache")
check(sum(len(p["qas"]) for a in loaded for p in a["paragraphs"]) == qas, "squad: datasets lost questions")
result["squad"] = {"articles": len(squad["data"]), "questions": qas}

# BEIR: the three files as BEIR's loader reads them; the qrels through pytrec_eval.
import pytrec_eval

corpus = [json.loads(line) for line in open(f"{out}/beir/corpus.jsonl")]
queries = [json.loads(line) for line in open(f"{out}/beir/queries.jsonl")]
lines = open(f"{out}/beir/qrels/test.tsv").read().splitlines()
check(lines[0] == "query-id\tcorpus-id\tscore", "beir: qrels header")
qrels = {}
for line in lines[1:]:
    query, doc, score = line.split("\t")
    qrels.setdefault(query, {})[doc] = int(score)
ids = {d["_id"] for d in corpus}
check(all(set(d) >= {"_id", "title", "text"} for d in corpus), "beir: corpus fields")
check(all(doc in ids for judged in qrels.values() for doc in judged), "beir: a qrel names no corpus entry")
check(set(qrels) == {q["_id"] for q in queries}, "beir: queries and qrels differ")
evaluator = pytrec_eval.RelevanceEvaluator(qrels, {"ndcg_cut.10"})
perfect = evaluator.evaluate({q: {d: 1.0 for d in judged} for q, judged in qrels.items()})
check(all(abs(m["ndcg_cut_10"] - 1) < 1e-9 for m in perfect.values()), "beir: pytrec_eval on the qrels")
result["beir"] = {"corpus": len(corpus), "queries": len(queries), "qrels": len(lines) - 1}

# Hugging Face: the folder opened as is; the card's front matter.
import yaml

hf = datasets.load_dataset(f"{out}/hf", cache_dir=f"{out}/.hf-cache")  # a fresh cache: no stale rows
check(hf["train"].num_rows == n, f"hf: {hf['train'].num_rows} rows, expected {n}")
card = open(f"{out}/hf/README.md").read()
front = yaml.safe_load(card.split("---")[1])
check({"license", "task_categories", "size_categories", "configs"} <= set(front), "hf: card front matter")
result["hf"] = {"rows": hf["train"].num_rows, "license": front["license"], "task_categories": front["task_categories"]}

result["problems"] = problems
print(json.dumps(result))
sys.exit(1 if problems else 0)

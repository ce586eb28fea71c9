"""Writes the English XQuAD paragraphs (Wikipedia, CC BY-SA) as a rag JSONL corpus: one line per paragraph,
{"id", "title", "text"}. Usage: python3 xquad_contexts.py ../../../shared/data/qa/xquad/xquad.en.json OUT.jsonl"""
import json
import sys

source, out = sys.argv[1], sys.argv[2]
data = json.load(open(source, encoding="utf-8"))["data"]
with open(out, "w", encoding="utf-8") as f:
    for article in data:
        for i, paragraph in enumerate(article["paragraphs"]):
            title = article["title"].replace("_", " ")
            f.write(json.dumps({"id": f"{article['title']}-{i}", "title": title, "text": paragraph["context"]},
                               ensure_ascii=False) + "\n")

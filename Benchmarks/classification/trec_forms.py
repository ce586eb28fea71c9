"""How a classification task's label forms (`classification.forms`) sort real labelled texts.

Usage: python3 Benchmarks/classification/trec_forms.py TASK.yaml LABELLED.jsonl

For each label: the share of the real texts of that label that pass its `label_form` check (a label with a form:
the text matches it; a label without one: it matches no other label's form), and the share of the texts of
every other label that would pass as this label (a wrong label the check lets through). The file is split in
two halves by a fixed shuffle (seed 5): the TREC task's forms were written looking at the first half only, so
the second half is the honest number. Python's `re` stands in for ICU here; the patterns use only syntax the two
share (a Swift test checks the same forms on real questions with rag's own check).
"""
import collections
import json
import random
import re
import sys

import yaml


def main(task_path, data_path):
    task = yaml.safe_load(open(task_path))["classification"]
    labels = list(task["labels"])
    forms = {label: re.compile(pattern) for label, pattern in task.get("forms", {}).items()}

    def passes(text, label):
        if label in forms:
            return bool(forms[label].search(text))
        return not any(form.search(text) for other, form in forms.items() if other != label)

    rows = [json.loads(line) for line in open(data_path)]
    random.Random(5).shuffle(rows)
    half = len(rows) // 2
    for name, part in (("first half (written on)", rows[:half]), ("second half (held out)", rows[half:])):
        print(f"== {name}: {len(part)} texts")
        own_total = wrong_total = own_pass = wrong_pass = 0
        for label in labels:
            own = [r["text"] for r in part if r["label"] == label]
            wrong = [r["text"] for r in part if r["label"] != label]
            own_ok = sum(passes(t, label) for t in own)
            wrong_ok = collections.Counter(r["label"] for r in part if r["label"] != label and passes(r["text"], label))
            own_total += len(own); own_pass += own_ok
            wrong_total += len(wrong); wrong_pass += sum(wrong_ok.values())
            print(f"{label:>6}: own texts pass {own_ok / max(1, len(own)):.3f} (n={len(own)}); "
                  f"other labels' texts pass {sum(wrong_ok.values()) / max(1, len(wrong)):.3f} {dict(wrong_ok.most_common(3))}")
        print(f"   all: own texts pass {own_pass / own_total:.3f}; a wrong label passes {wrong_pass / wrong_total:.3f}")


if __name__ == "__main__":
    main(*sys.argv[1:3])

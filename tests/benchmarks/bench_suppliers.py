"""Precision and recall of the private-individual classifier on real supplier names.

The ground truth is the hand-labelled real Lambeth supplier file
(``tests/anonymiser/data/lambeth_supplier_labels.csv``: row, label and a hash of the
name, never the name). The names are read from ``../shared/data/real/`` and each label
is checked against its name's hash before it counts. Prints the figures and writes
``results/suppliers.json``; the misclassified rows are listed by row number only.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
import time
from pathlib import Path

import pandas as pd

from anonymiser.suppliers import classify

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
REAL = REPO.parent / "shared" / "data" / "real" / "lambeth-2011-01-supplier-totals.csv"
LABELS = REPO / "tests" / "anonymiser" / "data" / "lambeth_supplier_labels.csv"


def _names() -> dict[int, str]:
    with REAL.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return {number: row[0] for number, row in enumerate(rows, start=1) if number > 1}


def main(argv: list[str] | None = None) -> int:
    if not REAL.exists():
        print(f"The real supplier file is missing: {REAL}", file=sys.stderr)
        return 1
    names = _names()
    truth: dict[int, bool] = {}
    with LABELS.open(encoding="utf-8", newline="") as handle:
        for entry in csv.DictReader(handle):
            row = int(entry["row"])
            digest = hashlib.sha256(names[row].encode("utf-8")).hexdigest()
            if digest != entry["name_sha256"]:
                print(f"Row {row}: the label no longer matches the file", file=sys.stderr)
                return 1
            truth[row] = entry["label"] == "individual"
    rows = sorted(truth)
    started = time.perf_counter()
    verdicts = classify(pd.Series([names[row] for row in rows], index=rows))
    seconds = time.perf_counter() - started
    predicted = verdicts["is_individual"].astype(bool)
    actual = pd.Series([truth[row] for row in rows], index=rows)
    hits = int((predicted & actual).sum())
    false_pos = [int(r) for r in predicted.index[predicted & ~actual]]
    false_neg = [int(r) for r in predicted.index[~predicted & actual]]
    result = {
        "benchmark": "suppliers",
        "names": len(rows),
        "individuals": int(actual.sum()),
        "precision": round(hits / max(int(predicted.sum()), 1), 3),
        "recall": round(hits / max(int(actual.sum()), 1), 3),
        "false_positive_rows": false_pos,
        "false_negative_rows": false_neg,
        "seconds": round(seconds, 3),
        "source": "lambeth-2011-01-supplier-totals.csv (OGL), hand labels",
    }
    print(json.dumps(result, indent=2))
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "suppliers.json").write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Merge bench/tree.py --json outputs into one Markdown table (median / p95 ms per database and scale).

.venv/bin/python bench/table.py var/bench/tree-sqlite.json var/bench/tree-postgresql.json
"""

import json
import sys
from pathlib import Path


def main(paths):
    columns = []  # (database, scale)
    cells = {}  # (key, database, scale) -> "median / p95"
    labels = {}
    for path in paths:
        report = json.loads(Path(path).read_text())
        database = report["machine"]["database"].split()[0]
        database = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}.get(database, database)
        for run in report["runs"]:
            columns.append((database, run["scale"]))
            for result in run["results"]:
                group = result["key"].split(".")[0]
                prefix = f"{group}. " if group in "abcd" else ""
                labels.setdefault(result["key"], prefix + result["label"])
                cells[result["key"], database, run["scale"]] = f"{result['median_ms']:.2f} / {result['p95_ms']:.2f}"
    header = ["Operation"] + [f"{database} ×{scale}" for database, scale in columns]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(["---"] + ["--:"] * len(columns)) + "|")
    for key, label in labels.items():
        row = [label.replace("|", "\\|")] + [cells.get((key, *column), "") for column in columns]
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])

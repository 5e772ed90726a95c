"""Extraction quality on two synthetic gold sets: how far the rules reach beyond the corpus's wording.

    python benchmarks/synthetic_gold.py [--set phrasings|names|heldout] [--update]

``data/synthetic/`` holds abstracts written for this purpose (no corpus text), annotated by the
gold GUIDELINES.md:

- ``phrasings.jsonl`` (150): short abstracts covering the ways a comparison is said (passive,
  "by A and B, respectively", back-references, "+N over", "N vs. M for X", lower-case baselines, ...).
  Its errors were read while writing rules, like the gold's train split.
- ``names.jsonl`` (120): full-length abstracts stressing how benchmarks and baselines are named
  (splits, lower-case methods, losers named first: "X lags behind Y"). Scored once before its errors
  were read (docs/quality.md), then read like ``phrasings``.
- ``heldout.jsonl`` (100): full-length abstracts written by another author from the guidelines
  alone. Never read its errors: score it, as the gold's validation split.

Each set is extracted with ``kgraph extract`` in this process and scored by the gold set's
``score.py`` (``../shared/gold/score.py``). Printed: per set, P/R/F1 of each field it annotates
(the phrasings set annotates proposed methods, baselines and claims only) and its floor in
``tests/synthetic_floors.json``, which ``--update`` raises to this measurement (never lowers:
lower one by hand, and say why in the commit).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
from pathlib import Path

from quality import CLAIM_FIELDS, ENTITY_FIELDS, REPO, SHARED, score_split
from quality_floors import floor_of, read_floors

SETS = {"phrasings": "phrasings.jsonl", "names": "names.jsonl", "heldout": "heldout.jsonl"}
DATA = Path(__file__).resolve().parent / "data" / "synthetic"
FLOORS = REPO / "tests" / "synthetic_floors.json"  # per set, per field: the F1 tests/test_synthetic_quality.py holds


def predict(gold: Path, output: Path) -> None:
    """Extract the set's abstracts (title and abstract only) with the installed extractor."""
    from kgraph.cli import main

    inputs = output.with_suffix(".in.jsonl")
    with gold.open(encoding="utf-8") as records, inputs.open("w", encoding="utf-8") as out:
        for line in records:
            record = json.loads(line)
            out.write(json.dumps({"title": record["title"], "abstract": record["abstract"]}) + "\n")
    with contextlib.redirect_stdout(sys.stderr):
        if main(["extract", str(inputs), "-o", str(output)]):
            raise SystemExit("kgraph extract failed")


def score_set(name: str, scorer: Path) -> dict[str, dict]:
    """The ``score.py --json`` rows of the fields the set annotates, for one extraction of the set."""
    gold = DATA / SETS[name]
    with tempfile.TemporaryDirectory() as tmp:
        pred = Path(tmp) / "pred.jsonl"
        predict(gold, pred)
        scores = score_split(scorer, gold, pred, name)
    return {field: scores[field] for field in (*ENTITY_FIELDS, *CLAIM_FIELDS)
            if scores[field]["tp"] + scores[field]["fn"]}  # a field the set does not annotate is not scored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", choices=SETS, action="append", help="score only this set (default: all)")
    parser.add_argument("--scorer", type=Path, default=SHARED / "gold" / "score.py")
    parser.add_argument("--update", action="store_true", help=f"raise the floors in {FLOORS.name} (a ratchet)")
    args = parser.parse_args()
    if not args.scorer.is_file():
        raise SystemExit(f"no scorer at {args.scorer} (the gold set's score.py)")
    floors = read_floors(FLOORS) if FLOORS.is_file() else {}
    print(f"{'set':10} {'field':22} {'P':>6} {'R':>6} {'F1':>6} {'floor':>6}")
    for name in args.set or list(SETS):
        for field, row in score_set(name, args.scorer).items():
            floor = floors.get(name, {}).get(field)
            print(f"{name:10} {field:22} {row['p']:6.3f} {row['r']:6.3f} {row['f1']:6.3f} {floor or '-':>6}")
            if args.update:
                floors.setdefault(name, {})[field] = max(floor or 0.0, floor_of(row["f1"]))
    if args.update:
        FLOORS.write_text(json.dumps(floors, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {FLOORS}")


if __name__ == "__main__":
    main()

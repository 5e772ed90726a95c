"""Extraction quality against the shared gold annotations (``../shared/gold``), held to floors.

Runs ``kgraph extract`` on the corpus once, scores each split with the gold set's own
``score.py --json --split S`` in a subprocess, and fails when any field's F1 is more than 0.02 below
its floor in ``tests/quality_floors.json``. Raise the floors after improving extraction with
``python benchmarks/quality_floors.py --update`` (docs/quality.md). The scores are printed
(see them with ``pytest -rP tests/test_quality.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import CORPUS, GOLD

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from quality import extract, score_split  # noqa: E402
from quality_floors import FLOORS, TOLERANCE, below, fields_of, read_floors  # noqa: E402

SCORER = GOLD / "score.py"
DEV = GOLD / "dev.jsonl"
FLOOR_TABLE = read_floors()

pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    not (CORPUS.is_dir() and any(CORPUS.glob("*.txt")) and SCORER.is_file() and DEV.is_file()),
    reason=f"shared corpus and gold set not found (need {CORPUS}/*.txt, {SCORER} and {DEV})",
)]


@pytest.fixture(scope="module")
def scores(tmp_path_factory) -> dict[str, dict]:
    """Per split, the ``score.py --json`` summary of one extraction of the corpus."""
    pred = tmp_path_factory.mktemp("quality") / "pred.jsonl"
    extract(CORPUS, pred)
    result = {split: score_split(SCORER, DEV, pred, split) for split in FLOOR_TABLE}
    for split, summary in result.items():
        print(f"\n{split}: {summary['papers']} papers\n{'field':<24}{'P':>7}{'R':>7}{'F1':>7}{'floor':>7}")
        for field in fields_of(summary):
            row, floor = summary[field], FLOOR_TABLE[split].get(field)
            print(f"{field:<24}{row['p']:>7.3f}{row['r']:>7.3f}{row['f1']:>7.3f}{'-' if floor is None else floor:>7}")
    return result


def test_every_gold_paper_gets_a_prediction(scores):
    for summary in scores.values():
        assert summary["papers"] > 0
        assert summary["papers_predicted"] == summary["papers"]


def test_floors_cover_both_splits_and_every_scored_field(scores):
    """A field the scorer adds (or a split) without a floor would otherwise go unguarded."""
    assert set(FLOOR_TABLE) == {"train", "validation"}
    for split, summary in scores.items():
        assert set(FLOOR_TABLE[split]) == set(fields_of(summary)), FLOORS


@pytest.mark.parametrize(("split", "field"), [(s, f) for s, fields in FLOOR_TABLE.items() for f in fields])
def test_field_f1_holds_its_floor(scores, split, field):
    f1, floor = scores[split][field]["f1"], FLOOR_TABLE[split][field]
    assert not below(f1, floor), f"{split} {field}: F1 {f1:.3f} is more than {TOLERANCE} below its floor {floor:.2f}"

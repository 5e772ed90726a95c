"""Extraction quality on the synthetic gold sets (``benchmarks/data/synthetic``), held to floors.

The sets are written for this project (no corpus text), so unlike tests/test_quality.py this needs
only the gold set's ``score.py``. A field fails when its F1 is more than 0.02 below its floor in
``tests/synthetic_floors.json``; raise the floors with ``python benchmarks/synthetic_gold.py --update``.
The held-out set's errors are never read: its floors guard what the rules reach beyond their wording.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import GOLD

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from quality_floors import TOLERANCE, below, read_floors  # noqa: E402
from synthetic_gold import FLOORS, SETS, score_set  # noqa: E402

SCORER = GOLD / "score.py"
FLOOR_TABLE = read_floors(FLOORS)

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not SCORER.is_file(), reason=f"gold scorer not found at {SCORER}")]


@pytest.fixture(scope="module")
def scores() -> dict[str, dict[str, dict]]:
    return {name: score_set(name, SCORER) for name in SETS}


def test_every_set_and_every_field_it_annotates_has_a_floor(scores):
    assert set(FLOOR_TABLE) == set(SETS)
    for name, rows in scores.items():
        assert set(FLOOR_TABLE[name]) == set(rows), f"{name}: fields and floors differ ({FLOORS})"


@pytest.mark.parametrize(("name", "field"), [(n, f) for n, fields in FLOOR_TABLE.items() for f in fields])
def test_field_f1_holds_its_floor(scores, name, field):
    f1, floor = scores[name][field]["f1"], FLOOR_TABLE[name][field]
    assert not below(f1, floor), f"{name} {field}: F1 {f1:.3f} is more than {TOLERANCE} below its floor {floor:.2f}"

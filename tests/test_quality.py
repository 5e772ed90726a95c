"""Extraction quality against the shared gold annotations (``../shared/gold``).

Runs ``kgraph extract`` on the corpus, scores the predictions with the gold set's own
``score.py --json`` in a subprocess, and holds the v1 bar: every scored field has an F1 above
zero. The scores are printed (see them with ``pytest -rP tests/test_quality.py``).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import CORPUS, GOLD

from kgraph.cli import main

CORPUS_FILES = sorted(CORPUS.glob("*.txt")) if CORPUS.is_dir() else []
SCORER = GOLD / "score.py"
DEV = GOLD / "dev.jsonl"
FIELDS = ("proposed", "benchmarks", "baselines", "organizations", "metrics", "outperforms", "outperforms+benchmark")

pytestmark = pytest.mark.skipif(
    not (CORPUS_FILES and SCORER.is_file() and DEV.is_file()),
    reason=f"shared corpus and gold set not found (need {CORPUS}/*.txt, {SCORER} and {DEV})",
)


@pytest.fixture(scope="module")
def scores(tmp_path_factory) -> dict:
    pred = tmp_path_factory.mktemp("quality") / "pred.jsonl"
    assert main(["extract", *map(str, CORPUS_FILES), "-o", str(pred)]) == 0
    run = subprocess.run([sys.executable, str(SCORER), "--gold", str(DEV), "--pred", str(pred), "--json"],
                         capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    print(f"\n{'field':<24}{'P':>7}{'R':>7}{'F1':>7}")
    for field in FIELDS:
        row = result[field]
        print(f"{field:<24}{row['p']:>7.3f}{row['r']:>7.3f}{row['f1']:>7.3f}")
    return result


def test_every_gold_paper_gets_a_prediction(scores):
    assert scores["papers"] > 0
    assert scores["papers_predicted"] == scores["papers"]


@pytest.mark.parametrize("field", FIELDS)
def test_field_f1_above_zero(scores, field):
    """The v1 bar: no field is left entirely unextracted."""
    assert scores[field]["f1"] > 0, scores[field]

"""The quality instruments of benchmarks/ on hand-written data: per-rule precision, calibration buckets,
the claim threshold sweep and the floors' arithmetic.

Gold and predictions here are invented (no corpus text), so every count below is known exactly; the
judging uses the shared gold set's ``score.py``, and those tests skip without it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from conftest import GOLD

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from quality import (Bucket, best_threshold, buckets, by_rule, claim_scores, falls, judge,  # noqa: E402
                     load_scorer, lowest_precise, paired)
from quality_floors import below, floor_of  # noqa: E402

SCORER = GOLD / "score.py"
needs_scorer = pytest.mark.skipif(not SCORER.is_file(), reason=f"the gold set's scorer not found at {SCORER}")


def _fact(name: str, rule: str, confidence: float) -> dict:
    return {"name": name, "rule": rule, "confidence": confidence}


def _claim(winner: str, loser: str, benchmark: str | None, margin: str | None, rule: str, confidence: float) -> dict:
    return {"winner": winner, "loser": loser, "benchmark": benchmark, "metric": None, "margin": margin,
            "rule": rule, "confidence": confidence}


GOLD_LINES = [
    {"title": "Zorblax: Fast Widgets", "split": "train", "proposed": ["Zorblax"],
     "benchmarks": ["WidgetBench | WB"], "baselines": ["Quuxformer", "?Blorp"], "organizations": [],
     "metrics": ["gizmo score"],
     "outperforms": [{"winner": "Zorblax", "loser": "Quuxformer", "benchmark": "WidgetBench", "metric": None,
                      "margin": "2.0%"}]},
    {"title": "Flimflam Nets", "split": "validation", "proposed": ["Flimflam"], "benchmarks": [],
     "baselines": ["Snorkel"], "organizations": ["Acme Labs"], "metrics": [],
     "outperforms": [{"winner": "Flimflam", "loser": "Snorkel", "benchmark": None, "metric": None, "margin": None}]},
]

PRED_LINES = [
    {"title": "Zorblax: Fast Widgets",
     "facts": {"proposed": [_fact("Zorblax", "title", 0.95), _fact("Widget", "verb", 0.55)],
               "benchmarks": [_fact("WB", "vocab", 0.9)],
               "baselines": [_fact("Blorp", "object", 0.75), _fact("Zorblax Lite", "object", 0.65)],
               "metrics": [_fact("gizmo score", "vocab", 0.8), _fact("speed", "vocab", 0.8)]},
     "outperforms": [_claim("Zorblax", "Quuxformer", "WidgetBench", "2.0 points", "cmp", 0.85),
                     _claim("Zorblax", "Quuxformer", "OtherBench", "3%", "cmp", 0.85),
                     _claim("Zorblax", "gizmo score", None, None, "than", 0.6)]},
    {"title": "Flimflam Nets",
     "facts": {"proposed": [_fact("Flimflam", "title", 0.95)], "organizations": [_fact("Acme Labs", "owner", 0.8)]},
     "outperforms": [_claim("Flimflam", "Snorkel", None, "5%", "than", 0.7)]},
]


@pytest.fixture
def pairs(tmp_path) -> tuple:
    gold, pred = tmp_path / "gold.jsonl", tmp_path / "pred.jsonl"
    gold.write_text("".join(json.dumps(line) + "\n" for line in GOLD_LINES))
    pred.write_text("".join(json.dumps(line) + "\n" for line in PRED_LINES))
    scorer = load_scorer(SCORER)
    return scorer, paired(scorer, gold, pred, ("train", "validation"))


@needs_scorer
def test_precision_per_rule_counts_each_fact_judged_alone(pairs):
    scorer, chosen = pairs
    assert by_rule(judge(scorer, chosen)) == {
        "proposed": {"title": (2, 2), "verb": (1, 0)},
        "benchmarks": {"vocab": (1, 1)},  # WB is one of the gold entity's forms
        "baselines": {"object": (2, 1)},  # the optional Blorp counts as correct
        "metrics": {"vocab": (2, 1)},
        "organizations": {"owner": (1, 1)},
        "outperforms": {"cmp": (2, 2), "than": (2, 1)},
        "outperforms+benchmark": {"cmp": (2, 1), "than": (2, 1)},
        "outperforms+margin": {"cmp": (2, 1), "than": (2, 0)},  # "5%" where the gold states no margin
    }


@needs_scorer
def test_one_split_judges_only_its_papers(pairs, tmp_path):
    scorer, _ = pairs
    only = paired(scorer, tmp_path / "gold.jsonl", tmp_path / "pred.jsonl", ("validation",))
    assert by_rule(judge(scorer, only)) == {
        "proposed": {"title": (1, 1)}, "organizations": {"owner": (1, 1)}, "outperforms": {"than": (1, 1)},
        "outperforms+benchmark": {"than": (1, 1)}, "outperforms+margin": {"than": (1, 0)}}


@needs_scorer
def test_calibration_buckets_count_facts_by_confidence(pairs):
    scorer, chosen = pairs
    facts = judge(scorer, chosen)
    claims = buckets(facts, "outperforms")
    assert [(b.label, b.total, b.correct) for b in claims] == [
        ("[0,0.5)", 0, 0), ("[0.5,0.6)", 0, 0), ("[0.6,0.7)", 1, 0), ("[0.7,0.8)", 1, 1), ("[0.8,0.9)", 2, 2),
        ("[0.9,1]", 0, 0)]
    assert falls(claims) == [] and lowest_precise(claims).label == "[0.7,0.8)"
    margins = buckets(facts, "outperforms+margin")
    assert [(b.total, b.correct) for b in margins] == [(0, 0), (0, 0), (1, 0), (1, 0), (2, 1), (0, 0)]
    assert lowest_precise(margins) is None
    proposed = buckets(facts, "proposed")
    assert [(b.total, b.correct) for b in proposed] == [(0, 0), (1, 0), (0, 0), (0, 0), (0, 0), (2, 2)]


def test_a_drop_in_precision_is_found_across_empty_buckets():
    rows = [Bucket(0.5, 0.6, 2, 2), Bucket(0.6, 0.7, 0, 0), Bucket(0.7, 0.8, 4, 1), Bucket(0.8, 0.9, 4, 1)]
    assert falls(rows) == [(rows[0], rows[2])]
    assert lowest_precise(rows).label == "[0.5,0.6)" and rows[1].precision is None


@needs_scorer
def test_claim_threshold_sweep_scores_as_score_py_and_finds_the_best_f1(pairs):
    scorer, chosen = pairs
    everything = claim_scores(scorer, chosen, 0.0)
    assert everything["outperforms"] == pytest.approx((2 / 3, 1.0, 0.8))  # the OtherBench copy is a duplicate
    assert everything["outperforms+benchmark"] == pytest.approx((0.5, 1.0, 2 / 3))
    assert claim_scores(scorer, chosen, 0.85)["outperforms"] == pytest.approx((1.0, 0.5, 2 / 3))
    threshold, (p, r, f) = best_threshold(scorer, chosen)
    assert threshold == 0.7 and (p, r, f) == pytest.approx((1.0, 1.0, 1.0))
    assert best_threshold(scorer, chosen, "outperforms+benchmark")[0] == 0.7


@needs_scorer
def test_predictions_without_rule_ids_are_refused(pairs):
    scorer, chosen = pairs
    gold, pred = chosen[0]
    with pytest.raises(SystemExit, match="older kgraph extract"):
        judge(scorer, [(gold, {k: v for k, v in pred.items() if k != "facts"})])


def test_floors_round_down_and_allow_two_hundredths():
    assert floor_of(0.86) == 0.86 and floor_of(0.869) == 0.86 and floor_of(1.0) == 1.0 and floor_of(0.3) == 0.3
    assert not below(0.74, 0.76) and below(0.739, 0.76) and not below(0.9, 0.76)

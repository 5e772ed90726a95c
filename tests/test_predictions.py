"""``kgraph extract``'s record of a paper: the gold format the scorer reads, plus each fact's rule id and confidence."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import GOLD

from kgraph.model import Claim, Evidence, Extraction, Mention, Paper
from kgraph.predictions import ENTITY_FIELDS, gold_record

SCORER = GOLD / "score.py"
pytestmark = pytest.mark.slow  # one test runs the scorer in a process


def _mention(name: str, rule: str, confidence: float) -> Mention:
    sentence = Evidence(f"We use {name}.", 0, len(name) + 8)
    return Mention(name, "method", sentence, 7, 7 + len(name), rule, confidence)


def _record() -> dict:
    """Gleep, proposed by two rules (one of them twice), beats Vorn by 1.5%."""
    extraction = Extraction(
        "k", proposed=[_mention("Gleep", "title-rule", 0.9), _mention("Gleep", "verb-rule", 0.6),
                       _mention("Gleep", "verb-rule", 0.7)],
        baselines=[_mention("Vorn", "object-rule", 0.75)],
        claims=[Claim("Gleep", "Vorn", Evidence("Gleep beats Vorn.", 0, 17), "beats-rule", 0.8, margin="1.5%")])
    return gold_record(Paper("Gleep: Beating Vorn", "Gleep beats Vorn."), extraction)


def test_every_fact_keeps_its_rule_and_confidence_beside_the_plain_name_lists():
    record = _record()
    assert record["proposed"] == ["Gleep"] and record["baselines"] == ["Vorn"] and record["metrics"] == []
    assert record["facts"] == {
        "proposed": [{"name": "Gleep", "rule": "title-rule", "confidence": 0.9},
                     {"name": "Gleep", "rule": "verb-rule", "confidence": 0.7}],
        "benchmarks": [], "baselines": [{"name": "Vorn", "rule": "object-rule", "confidence": 0.75}],
        "organizations": [], "metrics": []}
    assert [(c["winner"], c["loser"], c["rule"], c["confidence"], c["margin"]) for c in record["outperforms"]] == [
        ("Gleep", "Vorn", "beats-rule", 0.8, "1.5%")]


@pytest.mark.skipif(not SCORER.is_file(), reason=f"the gold set's scorer not found at {SCORER}")
def test_score_py_scores_the_record_as_if_it_had_no_rule_ids(tmp_path):
    record = _record()
    plain = {**{f: record[f] for f in ("title", *ENTITY_FIELDS)},
             "outperforms": [{k: v for k, v in c.items() if k not in ("rule", "confidence")}
                             for c in record["outperforms"]]}
    gold = {"title": "Gleep: Beating Vorn", "split": "train", "proposed": ["Gleep"], "benchmarks": [],
            "baselines": ["Vorn", "Zib"], "organizations": [], "metrics": [],
            "outperforms": [{"winner": "Gleep", "loser": "Vorn", "benchmark": None, "metric": None, "margin": "1.5"}]}
    files = {name: tmp_path / f"{name}.jsonl" for name in ("gold", "record", "plain")}
    for name, line in (("gold", gold), ("record", record), ("plain", plain)):
        files[name].write_text(json.dumps(line) + "\n")
    outputs = [subprocess.run([sys.executable, str(SCORER), "--gold", str(files["gold"]), "--pred", str(files[pred]),
                               "--json"], capture_output=True, text=True, check=True).stdout
               for pred in ("record", "plain")]
    assert outputs[0] == outputs[1]
    scores = json.loads(outputs[0])
    assert scores["baselines"]["fn"] == 1 and scores["outperforms+margin"]["tp"] == 1

"""Every rule of the rule book on its fixtures (``tests/unit/rule_fixtures.toml``): the exact facts it
makes on sentences it must fire on, none on near misses; rules switched off make none."""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections import Counter
from pathlib import Path

import pytest

import kgraph.extract as extract_package
from kgraph.extract.paper import extract_paper
from kgraph.extract.rules import ENGINE_VERSION, rules
from kgraph.model import Claim, Extraction, Paper

FIXTURES = tomllib.loads((Path(__file__).parent / "rule_fixtures.toml").read_text(encoding="utf-8"))["fixture"]
MENTION_FIELDS = ("proposed", "benchmarks", "baselines", "metrics", "organizations")


def _claim(claim: Claim) -> str:
    return f"{claim.winner} > {claim.loser}" + (f" @ {claim.benchmark}" if claim.benchmark else "") \
        + (f" by {claim.margin}" if claim.margin else "")


def facts_of(extraction: Extraction, full_id: str) -> set[str]:
    """The facts ``full_id`` made: mentions whose rule it is, claims whose trigger or winner rule it is."""
    field, rule_id = full_id.split(".", 1)
    if field == "claims":
        return {_claim(c) for c in extraction.claims if rule_id in c.rule.split("/")}
    return {m.name for m in getattr(extraction, field) if m.rule == rule_id}


def _extract(fixture: dict, disabled: tuple[str, ...] = ()) -> Extraction:
    return extract_paper(Paper(fixture.get("title", "A Study of Things"), fixture["text"]), disabled)


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda f: f"{f['rule']}:{'+' if f['expect'] else '-'}")
def test_rule_makes_exactly_its_facts(fixture):
    assert facts_of(_extract(fixture), fixture["rule"]) == set(fixture["expect"])


@pytest.mark.parametrize("fixture", [f for f in FIXTURES if f["expect"]], ids=lambda f: f["rule"])
def test_a_rule_switched_off_makes_nothing(fixture):
    assert facts_of(_extract(fixture, (fixture["rule"],)), fixture["rule"]) == set()


def test_every_rule_has_a_positive_and_a_negative_fixture():
    cases = Counter((f["rule"], bool(f["expect"])) for f in FIXTURES)
    missing = [(rule_id, sign) for rule_id in rules() for sign in (True, False) if not cases[rule_id, sign]]
    assert not missing, missing
    assert {f["rule"] for f in FIXTURES} <= set(rules())


def test_an_unknown_rule_id_is_refused():
    with pytest.raises(ValueError, match="unknown rule ids: claims.nope"):
        extract_paper(Paper("T", "We propose FooNet."), ("claims.nope",))


def test_rules_have_a_confidence_in_range_and_a_description():
    for full_id, rule in rules().items():
        assert 0 < rule.confidence <= 1 and rule.description, full_id


ENGINE_RECORD = Path(__file__).parents[1] / "data" / "extract_engine.json"


def _code_digest() -> str:
    package = Path(extract_package.__file__).parent
    digest = hashlib.sha256()
    for source in sorted(package.glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()[:16]


def test_a_change_to_the_extraction_code_bumps_the_engine_version():
    """The extractor's version covers the rule data by itself; code changes must bump ENGINE_VERSION
    (cached extractions of the old code would otherwise be reused). Record the pair in ENGINE_RECORD."""
    recorded = json.loads(ENGINE_RECORD.read_text(encoding="utf-8"))
    now = {"engine": ENGINE_VERSION, "code": _code_digest()}
    if now["code"] != recorded["code"]:
        assert now["engine"] != recorded["engine"], \
            f"kgraph/extract/*.py changed: bump ENGINE_VERSION in kgraph/extract/rules.py, then record {now}"
    assert now == recorded, f"record {json.dumps(now)} in {ENGINE_RECORD}"

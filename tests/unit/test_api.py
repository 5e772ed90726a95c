"""The Python API (kgraph.api): its documented examples run as written, after the README's
Quickstart (``kgraph build examples/listing.txt -o outputs``), and its tables hold what the build says."""

from __future__ import annotations

import doctest
import json
from pathlib import Path

import pandas as pd
import pytest

import kgraph
from kgraph import api
from kgraph.cli import main
from kgraph.errors import InputError

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "listing.txt"


@pytest.fixture(scope="module")
def quickstart(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding outputs/, as the Quickstart's build leaves it."""
    folder = tmp_path_factory.mktemp("quickstart")
    assert main(["build", str(EXAMPLES), "-o", str(folder / "outputs"), "-j", "1"]) == 0
    return folder


def test_the_documented_examples_run(quickstart: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(quickstart)
    found = doctest.testmod(api, extraglobs={"kgraph": kgraph}, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert found.attempted >= 10 and found.failed == 0


def test_claims_are_the_build_s_claims(quickstart: Path) -> None:
    build = kgraph.load(quickstart / "outputs")
    claims = build.claims()
    assert isinstance(claims, pd.DataFrame) and list(claims.columns) == api.CLAIM_COLUMNS
    lines = [json.loads(line) for line in (quickstart / "outputs" / "papers.jsonl").read_text("utf-8").splitlines()]
    evidence = {c["evidence"]["text"] for line in lines for c in line["extraction"]["claims"]}
    assert set(claims.evidence) <= evidence and len(claims) > 0
    assert claims.confidence.dtype.kind == "f"


def test_query_numbers_are_numbers_and_ask_is_a_bool(quickstart: Path) -> None:
    build = kgraph.load(quickstart / "outputs" / "papers.jsonl")  # the papers.jsonl alone works too
    board = build.query("most-beaten")
    assert list(board.columns) == ["baseline", "defeats", "winners", "papers"]
    assert board.defeats.dtype.kind == "i"
    assert build.query("ASK { ?s a <https://w3id.org/kgraph/ontology#Claim> }") is True
    triples = build.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3")
    assert list(triples.columns) == ["subject", "predicate", "object"] and len(triples) == 3


def test_errors_are_kgraph_s_one_line_errors(tmp_path: Path, quickstart: Path) -> None:
    with pytest.raises(InputError, match="no such"):
        kgraph.load(tmp_path / "nothing")
    with pytest.raises(InputError, match="needs --param method"):
        kgraph.load(quickstart / "outputs").query("who-beats")

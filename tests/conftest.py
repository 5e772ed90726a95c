"""Shared fixtures: a small graph built from hand-written records, independent of the extractor."""

from __future__ import annotations

import multiprocessing.process
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import HealthCheck, settings

from browser import chromium, local_page  # noqa: F401  (the browser fixtures, one Chromium per session)
from kgraph.graph import build_graph
from kgraph.model import Claim, Evidence, Extraction, Mention, Paper, Source
from kgraph.resolve import resolve

# Hypothesis (tests/test_fuzz.py): each target sets its number of examples; no per-example deadline
# (a hang is bounded by the suite itself). In CI the examples are derandomized (the same inputs on
# every run) and no example database is kept; elsewhere each run tries new ones.
settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") == "true" else "dev"))

# The tests outside tests/unit/ (browser, endpoint, processes) reuse the graphs and helpers of the
# unit tests: their folder is importable from every test, whichever is collected first.
sys.path.insert(0, str(Path(__file__).parent / "unit"))
UNIT = Path(__file__).resolve().parent / "unit"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"
GOLD = SHARED / "gold"


def _mention(name: str, kind: str, sentence: Evidence, aliases: tuple[str, ...] = ()) -> Mention:
    start = sentence.text.find(name) + sentence.start
    return Mention(name, kind, sentence, start, start + len(name), "test", 0.9, list(aliases))


def sample_records() -> tuple[list[Paper], dict[str, Extraction]]:
    """Two papers: one proposes Foo-Net (FN) and beats ResNet on ImageNet; one beats Foo Net on COCO."""
    a_text = "We propose Foo-Net (FN). FN outperforms ResNet by 2.1 top-1 accuracy on ImageNet."
    a_s1 = Evidence(a_text[:24], 0, 24)
    a_s2 = Evidence(a_text[25:], 25, len(a_text))
    a = Paper("Foo-Net: A Test Network", a_text, [Source("a.txt", 1)], date="2025-01-02", upvotes=3, authors=2)
    b_text = "BarGAN beats foo net and <script>alert(1)</script> on COCO, from Acme Research."
    b_s = Evidence(b_text, 0, len(b_text))
    b = Paper("BarGAN <b>bold</b> & \"quoted\"", b_text, [Source("b.jsonl", 4)], arxiv_id="2401.00001")
    ext_a = Extraction(
        a.key,
        proposed=[_mention("Foo-Net", "method", a_s1, ("FN",))],
        benchmarks=[_mention("ImageNet", "benchmark", a_s2)],
        baselines=[_mention("ResNet", "method", a_s2)],
        metrics=[_mention("top-1 accuracy", "metric", a_s2)],
        claims=[Claim("FN", "ResNet", a_s2, "test", 0.8, benchmark="ImageNet", metric="top-1 accuracy", margin="2.1",
                      margin_value=2.1, margin_unit="points")],
        abbreviations=[("FN", "Foo-Net")],
    )
    ext_b = Extraction(
        b.key,
        proposed=[_mention("BarGAN", "method", b_s)],
        benchmarks=[_mention("COCO", "benchmark", b_s)],
        baselines=[_mention("foo net", "method", b_s)],
        organizations=[_mention("Acme Research", "organization", b_s)],
        claims=[Claim("BarGAN", "foo net", b_s, "test", 0.5, benchmark="COCO")],
    )
    return [a, b], {a.key: ext_a, b.key: ext_b}


@pytest.fixture
def sample_graph() -> nx.MultiDiGraph:
    papers, extractions = sample_records()
    return build_graph(papers, extractions, resolve(extractions.values()))


@pytest.fixture(autouse=True)
def _no_processes_in_unit_tests(request, monkeypatch):
    """tests/unit is the inner loop: no processes, no browser, no server. A test there that starts
    a process (a subprocess, a worker pool, a fork server) fails, saying so."""
    if UNIT not in Path(request.node.path).resolve().parents:
        return

    def refuse(*args, **kwargs):
        raise AssertionError("a unit test started a process: it belongs outside tests/unit (marked slow)")

    monkeypatch.setattr(subprocess.Popen, "__init__", refuse)
    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", refuse)

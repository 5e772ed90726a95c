"""The review page in headless Chromium: reject one claim and correct another, build again, then build
once more after a rule's confidence changed (kgraph run as its own process from a copy of the package
whose rule book differs: the extractor's version changes). The rejected claim stays out of graph.ttl,
the page and the leaderboard; the corrected one keeps its curated value and curator; nothing else in
graph.ttl changes. Two tabs posting at once lose no decision; names with markup are shown as text."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest
import rdflib

from kgraph import cli
from kgraph.curate.decisions import read_decisions
from kgraph.curate.server import review_server
from kgraph.rdf import KG

pytestmark = pytest.mark.slow  # a server in a thread, kgraph as its own process; the browser tests are marked too
REPO = Path(__file__).resolve().parents[1]
LISTING = REPO / "examples" / "listing.txt"
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
MARKUP_TITLE = "<img src=x onerror=alert(1)> SparkNet: markup in a title"
RULE = "comparison-over"  # the rule whose confidence the "upgrade" changes (one claim of the examples uses it)


@pytest.fixture
def inputs(tmp_path) -> list[str]:
    extra = tmp_path / "markup.jsonl"
    extra.write_text(json.dumps({"title": MARKUP_TITLE, "abstract": "We propose SparkNet, a network. SparkNet "
                                 "outperforms ResNet-50 on ImageNet by 2.0% top-1 accuracy."}) + "\n")
    return [str(LISTING), str(extra)]


def _build(inputs: list[str], out: Path, capsys) -> str:
    assert cli.main(["build", *inputs, "-o", str(out), "-j", "1"]) == 0
    return capsys.readouterr().out


class _Serving:
    """The review server of a build, in a thread of this process."""

    def __init__(self, out: Path, curator: str = "Ada <b>Lovelace</b>") -> None:
        self.server = review_server(out, out / "curation.jsonl", curator)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def _open(browser, url: str):
    """A page on the review server; every request recorded, any not to it aborted."""
    log = {"requests": [], "errors": [], "dialogs": []}
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(url) else r.abort())
    page = context.new_page()
    page.on("request", lambda request: log["requests"].append(request.url))
    page.on("console", lambda m: log["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: log["errors"].append(str(error)))
    page.on("dialog", lambda dialog: (log["dialogs"].append(dialog.message), dialog.dismiss()))
    page.goto(url, wait_until="load")
    page.wait_for_selector("#queue li")
    return context, page, log


def _pairs(out: Path) -> set[tuple[str, str]]:
    graph = rdflib.Graph().parse(out / "graph.ttl")
    return {(str(graph.value(c, KG.winner)).rsplit("/", 1)[1], str(graph.value(c, KG.loser)).rsplit("/", 1)[1])
            for c in graph.subjects(rdflib.RDF.type, KG.Claim)}


def _page_pairs(out: Path) -> str:
    found = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>',
                      (out / "graph.html").read_text(encoding="utf-8"), re.S)
    return found.group(1)


def _leaderboard(out: Path, capsys) -> str:
    assert cli.main(["query", str(out), "--canned", "leaderboard", "--format", "csv"]) == 0
    return capsys.readouterr().out


def _review(browser, out: Path, shots: Path) -> None:
    serving = _Serving(out)
    try:
        context, page, log = _open(browser, serving.url)
        first = page.locator("#queue li").first.text_content()
        assert first.startswith("HaloNorm > GridMixer")  # the least sure claim comes first
        page.locator("#queue li", has_text="HaloNorm > GridMixer").click()
        page.keyboard.press("r")
        page.locator("#status", has_text=re.compile(r"^reject: HaloNorm > GridMixer \(saved\)")).wait_for()
        page.locator("#queue li", has_text="LDT > Medusa").click()
        page.keyboard.press("c")
        page.fill("#form input[name=loser]", "Medusa-2")
        page.keyboard.press("Enter")
        page.locator("#status", has_text=re.compile(r"^correct: LDT > Medusa-2 \(saved\)")).wait_for()
        assert page.text_content("#progress") == "2 of 19 reviewed"
        page.locator("#queue li", has_text="SparkNet > ResNet-50").click()
        assert page.text_content("#paper") == MARKUP_TITLE
        assert page.text_content("#curator") == "curator: Ada <b>Lovelace</b>"
        assert page.locator("#card img, header b").count() == 0
        assert page.locator("#evidence mark.winner").first.text_content() == "SparkNet"
        page.screenshot(path=str(shots / "review.png"))
        assert log["errors"] == [] and log["dialogs"] == []
        assert log["requests"] and all(url.startswith(serving.url) for url in log["requests"])
        context.close()
    finally:
        serving.close()


def _upgraded_package(tmp_path: Path) -> Path:
    """A copy of kgraph whose rule book gives one claim rule another confidence."""
    root = tmp_path / "upgraded"
    shutil.copytree(REPO / "kgraph", root / "kgraph", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "ontology", root / "kgraph" / "ontology", ignore=shutil.ignore_patterns("__pycache__"))
    book = root / "kgraph" / "extract" / "rules.toml"
    text, count = re.subn(rf"(\[rules\.claims\.{RULE}\][^\[]*?confidence = )1\.0", r"\g<1>0.9", book.read_text())
    assert count == 1
    book.write_text(text)
    return root


@pytest.mark.browser
def test_review_then_build_then_upgrade(chromium, tmp_path, inputs, capsys):
    out = tmp_path / "out"
    _build(inputs, out, capsys)
    before = set(rdflib.Graph().parse(out / "graph.ttl"))
    assert ("halonorm", "gridmixer") in _pairs(out) and '"method:gridmixer"' in _page_pairs(out)
    _review(chromium, out, tmp_path)
    assert [d.action for d in read_decisions(out / "curation.jsonl")] == ["reject", "correct"]

    printed = _build(inputs, out, capsys)
    assert "curation: 2 decisions in force, 2 applied (1 facts rejected), 0 orphans" in printed
    curated = set(rdflib.Graph().parse(out / "graph.ttl"))
    _assert_curated(out, capsys)
    # the standings and conflicts are made from all claims (the analyses' block): a rejected claim ranks again
    changed = {s for s, _, _ in before ^ curated if "/standing/" not in s and "/conflict/" not in s}
    names = sorted(str(s).split("/id/")[1].split("/")[0] + ("" if "/claim/" in str(s) else ":" + str(s).rsplit("/", 1)[1])
                   for s in changed)
    # only: the rejected claim, the corrected one (its IRI kept), the two winners' shortcuts, the new Medusa-2
    assert names == ["claim", "claim", "method:halonorm", "method:ldt", "method:medusa-2"]

    env = {**os.environ, "PYTHONPATH": str(_upgraded_package(tmp_path))}
    run = subprocess.run([sys.executable, "-m", "kgraph", "build", *inputs, "-o", str(out), "-j", "1"],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "8 papers extracted" in run.stdout  # the extractor's version changed: nothing from the cache
    assert "2 applied (1 facts rejected), 0 orphans" in run.stdout
    upgraded = set(rdflib.Graph().parse(out / "graph.ttl"))
    _assert_curated(out, capsys)
    difference = curated ^ upgraded
    revised = {(s, o) for s, p, o in upgraded if p == PROV.wasRevisionOf}
    versions = {version for _, version in revised}
    # the rule's claims' confidence, changed in place, and the earlier version each now states; nothing else
    assert revised and {p for s, p, _ in difference if s not in versions} == {KG.confidence, PROV.wasRevisionOf}
    assert {str(o) for s, p, o in difference if p == KG.confidence and s not in versions} == {"0.9", "0.81"}

    def confidence(triples: set, node: rdflib.URIRef) -> rdflib.Literal:
        return next(o for s, p, o in triples if s == node and p == KG.confidence)

    assert all(confidence(upgraded, version) == confidence(curated, claim) for claim, version in revised)
    assert {s for s, _, _ in difference} - {claim for claim, _ in revised} == versions


def _assert_curated(out: Path, capsys) -> None:
    assert ("halonorm", "gridmixer") not in _pairs(out)
    assert ("ldt", "medusa-2") in _pairs(out) and ("ldt", "medusa") not in _pairs(out)
    data = _page_pairs(out)
    assert '"method:gridmixer", "margin": "", "organizations": [], "winner": "method:halonorm"' not in data
    assert '"method:medusa-2"' in data
    board = _leaderboard(out, capsys)
    assert "Medusa-2" in board and not re.search(r"HaloNorm,.*GridMixer", board)
    graph = rdflib.Graph().parse(out / "graph.ttl")
    (claim,) = graph.subjects(KG.curationStatus, KG.Corrected)
    assert str(graph.value(graph.value(claim, KG.loser), rdflib.SKOS.prefLabel)) == "Medusa-2"
    assert str(graph.value(claim, KG.machineLoser)) == "Medusa"
    assert str(graph.value(claim, PROV.wasAttributedTo)).endswith("/curator/Ada%20%3Cb%3ELovelace%3C%2Fb%3E")


@pytest.mark.browser
def test_two_tabs_posting_at_once_lose_nothing(chromium, tmp_path, inputs, capsys):
    out = tmp_path / "out"
    _build(inputs, out, capsys)
    serving = _Serving(out)
    try:
        tabs = [_open(chromium, serving.url) for _ in range(2)]
        ids = json.loads(tabs[0][1].text_content("#review-data"))["claims"]
        ids = [claim["id"] for claim in ids]
        post = """ids => { window.done = Promise.all(ids.map(id => fetch('/decision', {method: 'POST',
            headers: {'Content-Type': 'application/json'}, body: JSON.stringify({id, action: 'accept'})})
            .then(r => r.status))); }"""
        for number, (_, page, _) in enumerate(tabs):
            page.evaluate(post, ids[number::2])  # both tabs' posts in flight together
        statuses = [s for _, page, _ in tabs for s in page.evaluate("() => window.done")]
        assert statuses == [200] * len(ids)
        for context, _, log in tabs:
            assert log["errors"] == []
            context.close()
    finally:
        serving.close()
    decisions = read_decisions(out / "curation.jsonl")
    assert len(decisions) == len(ids) == 19 and all(d.action == "accept" for d in decisions)
    printed = _build(inputs, out, capsys)
    assert "curation: 19 decisions in force, 19 applied (0 facts rejected), 0 orphans" in printed


def test_the_server_listens_on_loopback_only_and_refuses_other_hosts_and_sites(tmp_path, inputs, capsys):
    out = tmp_path / "out"
    _build(inputs, out, capsys)
    serving = _Serving(out)
    try:
        assert serving.server.server_address[0] == "127.0.0.1"
        body = json.dumps({"id": 0, "action": "accept"})
        with httpx.Client() as client:
            page = client.get(serving.url)
            assert page.status_code == 200 and "default-src 'none'" in page.headers["content-security-policy"]
            rebound = client.get(serving.url, headers={"Host": f"evil.example:{serving.server.server_port}"})
            other_site = client.post(serving.url + "decision", content=body, headers={
                "Content-Type": "application/json", "Origin": "http://evil.example"})
            not_json = client.post(serving.url + "decision", content=body, headers={"Content-Type": "text/plain"})
        assert (rebound.status_code, other_site.status_code, not_json.status_code) == (403, 403, 400)
    finally:
        serving.close()
    assert not (out / "curation.jsonl").exists()

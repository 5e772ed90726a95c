"""Curation: the decision file read and appended, decisions applied to facts, and builds that apply
them (in this process, one job): rejected facts leave every output, corrections carry their curator,
a changed decision rewrites only its paper, and bad curation input stops the build before it writes."""

from __future__ import annotations

import json
import re
import shutil
import threading
from pathlib import Path

import networkx as nx
import pytest
import rdflib

from kgraph import cli
from kgraph.build import build, state
from kgraph.curate.apply import apply_decisions, find_fact, margin_parts
from kgraph.curate.decisions import Decision, about, append_decisions, read_decisions
from kgraph.curate.gold import export_gold
from kgraph.curate.ledger import Ledger
from kgraph.curate.queue import read_queue
from kgraph.curate.server import Review
from kgraph.errors import InputError
from kgraph.ingest import read_papers
from kgraph.model import Evidence, Paper
from kgraph.query.export import export
from kgraph.query.sparql import canned_query, query_graph
from kgraph.query.validate import validate_graph
from kgraph.rdf import KG
from kgraph.saved import read_saved

REPO = Path(__file__).resolve().parents[2]
LISTING = REPO / "examples" / "listing.txt"
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
AT = "2026-12-07T05:00:00Z"


@pytest.fixture(scope="module")
def papers() -> list[Paper]:
    return read_papers([LISTING])


@pytest.fixture(scope="module")
def plain(tmp_path_factory, papers) -> Path:
    """A build of the examples without curation."""
    out = tmp_path_factory.mktemp("plain")
    build(papers, out)
    return out


def _claim(folder: Path, winner: str, loser: str, benchmark: str | None = None):
    saved, extractions = read_saved(folder)
    for paper in saved:
        for claim in extractions[paper.key].claims:
            if (claim.winner, claim.loser) == (winner, loser) and benchmark in (None, claim.benchmark):
                return paper, claim
    raise AssertionError(f"no claim {winner} > {loser}")


def _decisions(plain: Path) -> list[Decision]:
    """Reject 'HaloNorm > GridMixer'; correct 'LDT > Medusa' (loser and margin)."""
    paper, claim = _claim(plain, "HaloNorm", "GridMixer")
    rejected = about(paper, "claim", claim, "reject", "Ada <b>", AT)
    paper, claim = _claim(plain, "LDT", "Medusa")
    corrected = about(paper, "claim", claim, "correct", "Ada <b>", AT, {"loser": "Medusa-2", "margin": "1.3x"})
    return [rejected, corrected]


def _write(path: Path, decisions: list[Decision]) -> Path:
    append_decisions(path, decisions)
    return path


def _triples(folder: Path) -> set:
    return set(rdflib.Graph().parse(folder / "graph.ttl"))


def _rdf_pairs(folder: Path) -> set[tuple[str, str]]:
    """(winner, loser) node names of every kg:Claim in graph.ttl."""
    graph = rdflib.Graph().parse(folder / "graph.ttl")
    return {(str(graph.value(c, KG.winner)).rsplit("/", 1)[1], str(graph.value(c, KG.loser)).rsplit("/", 1)[1])
            for c in graph.subjects(rdflib.RDF.type, KG.Claim)}


def _page_pairs(folder: Path) -> set[tuple[str, str]]:
    """(winner, loser) node names of every claim the page's embedded data holds."""
    found = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>',
                      (folder / "graph.html").read_text(encoding="utf-8"), re.S)
    pairs: set[tuple[str, str]] = set()

    def walk(value) -> None:
        if isinstance(value, dict):
            if "winner" in value and "loser" in value:
                pairs.add((value["winner"].rsplit(":", 1)[-1], value["loser"].rsplit(":", 1)[-1]))
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(json.loads(found.group(1)))
    return pairs


def _saved_pairs_named(folder: Path) -> set[tuple[str, str]]:
    _, extractions = read_saved(folder)
    return {(c.winner, c.loser) for e in extractions.values() for c in e.claims}


# --- the file ---------------------------------------------------------------------------------


def test_decisions_round_trip_through_the_file(tmp_path, plain):
    decisions = _decisions(plain)
    path = _write(tmp_path / "c.jsonl", decisions)
    assert read_decisions(path) == decisions
    assert [d.line for d in read_decisions(path)] == [1, 2]


@pytest.mark.parametrize("line, message", [
    ('{"action": "reject",', "malformed JSON"),
    ('{"action": "reject", "colour": "red"}', "unknown key 'colour'"),
    ('{"action": "reject", "paper": "paper:x", "fact": "claim", "start": 0, "end": 5, "curator": "A", "at": "t"}',
     "needs 'winner'"),
    ('{"action": "delete", "paper": "p", "fact": "claim", "start": 0, "end": 5, "curator": "A", "at": "t"}',
     "action 'delete'"),
    ('{"action": "accept", "paper": "p", "fact": "claim", "winner": "A", "loser": "B", "start": 5, "end": 5, '
     '"curator": "A", "at": "t"}', "start < end"),
    ('{"action": "correct", "paper": "p", "fact": "baselines", "name": "A", "start": 0, "end": 5, '
     '"set": {"winner": "B"}, "curator": "A", "at": "t"}', "cannot give 'winner'"),
    ('[1, 2]', "a JSON object"),
])
def test_a_bad_line_is_one_error_naming_the_file_and_line(tmp_path, plain, line, message):
    path = _write(tmp_path / "c.jsonl", _decisions(plain))
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")
    with pytest.raises(InputError) as raised:
        read_decisions(path)
    assert str(raised.value).startswith(f"{path}:3: ") and message in str(raised.value)


def test_appends_from_many_threads_lose_nothing(tmp_path, plain):
    path = tmp_path / "c.jsonl"
    path.write_text(_decisions(plain)[0].to_json())  # a hand-edited last line without its end
    one = _decisions(plain)[1]
    threads = [threading.Thread(target=append_decisions, args=(path, [one] * 5)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(read_decisions(path)) == 41


# --- applying ---------------------------------------------------------------------------------


def test_a_decision_finds_its_fact_after_the_extractor_moved_or_respelled_it(plain):
    paper, claim = _claim(plain, "LDT", "Medusa")
    decision = about(paper, "claim", claim, "accept", "Ada", AT)
    _, extraction = next((p, e) for p, e in zip(*_saved_pairs(plain)) if p.key == paper.key)
    index = extraction.claims.index(claim)
    claim = extraction.claims[index]
    ev = claim.evidence
    claim.evidence = Evidence(ev.text, ev.start + 3, ev.end + 3, ev.field)  # a sentence split elsewhere
    assert find_fact(extraction.claims, decision) == index
    claim.winner = "ldt"  # spelled otherwise: the same name once normalized
    assert find_fact(extraction.claims, decision) == index
    claim.evidence = Evidence(ev.text, ev.end + 1, ev.end + 9, ev.field)  # another sentence: by its names alone
    assert find_fact(extraction.claims, decision) == index
    claim.winner, claim.loser = "Other", "Thing"
    assert find_fact(extraction.claims, decision) == "its fact is no longer extracted"


def _saved_pairs(folder: Path):
    saved, extractions = read_saved(folder)
    return saved, [extractions[p.key] for p in saved]


def test_apply_rejects_corrects_accepts_and_adds(plain):
    saved, extractions = _saved_pairs(plain)
    paper, extraction = next((p, e) for p, e in zip(saved, extractions) if any(c.winner == "LDT" for c in e.claims))
    first, second = extraction.claims[:2]
    decisions = [about(paper, "claim", first, "reject", "Ada", AT),
                 about(paper, "claim", second, "correct", "Ada", AT, {"margin": "+2 points"}),
                 Decision("add", "paper:elsewhere", "claim", 0, 20, "Ada", AT, title=paper.title,
                          set={"winner": "LDT", "loser": "Greedy"}),
                 Decision("add", "paper:elsewhere", "claim", 0, 10**6, "Ada", AT, title=paper.title,
                          set={"winner": "LDT", "loser": "Far"})]
    curated, outcome = apply_decisions(paper, extraction, decisions)
    assert first not in curated.claims and len(outcome.rejected) == 1
    fixed = next(c for c in curated.claims if c.evidence == second.evidence and c.loser == second.loser)
    assert (fixed.margin, fixed.margin_value, fixed.margin_unit) == ("+2 points", 2.0, "points")
    assert fixed.curation.status == "corrected" and fixed.curation.original == {"margin": second.margin}
    added = curated.claims[-1]
    assert (added.winner, added.loser, added.curation.status, added.evidence.text) == (
        "LDT", "Greedy", "added", paper.abstract[:20])
    assert outcome.orphans == [[0, f"its span ends at {10**6}, after the end of the paper's abstract "
                                   f"({len(paper.abstract)} characters)"]]
    assert extraction.claims[0] is first and first.curation is None  # the machine's extraction is not changed


def test_margin_parts():
    assert margin_parts("1.3x") == (1.3, "x")
    assert margin_parts("+1,7 mIoU") == (1.7, "mIoU")
    assert margin_parts("about twice") == (None, None)


def test_the_last_decision_about_a_fact_is_the_one_in_force(plain):
    paper, claim = _claim(plain, "LDT", "Medusa")
    ledger = Ledger([about(paper, "claim", claim, "reject", "Ada", AT), about(paper, "claim", claim, "accept", "Bo", AT)])
    assert [d.action for d in ledger.decisions] == ["accept"]


# --- builds -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def curated(tmp_path_factory, papers, plain) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("curated")
    shutil.copytree(plain, out, dirs_exist_ok=True)
    path = _write(out / "curation.jsonl", _decisions(plain))
    report = build(papers, out, curation=Ledger.read(path))
    return out, report


def test_a_rejected_claim_leaves_every_output_and_is_kept_for_audit(curated, plain):
    out, report = curated
    assert ("halonorm", "gridmixer") in _rdf_pairs(plain) & _page_pairs(plain)
    assert ("halonorm", "gridmixer") not in _rdf_pairs(out) | _page_pairs(out)
    assert ("HaloNorm", "GridMixer") not in _saved_pairs_named(out)
    assert ("ldt", "medusa-2") in _rdf_pairs(out) & _page_pairs(out)
    (audit,) = [json.loads(line) for line in (out / "rejected.jsonl").read_text().splitlines()]
    assert (audit["fact"]["winner"], audit["fact"]["loser"], audit["decision"]["curator"]) == (
        "HaloNorm", "GridMixer", "Ada <b>")
    assert (report.curation.decisions, report.curation.applied, report.curation.rejected) == (2, 2, 1)
    assert report.counts["claims"] == 17


def test_a_corrected_claim_carries_its_curator_and_the_machine_value(curated):
    out, _ = curated
    graph = rdflib.Graph().parse(out / "graph.ttl")
    (claim,) = graph.subjects(KG.curationStatus, KG.Corrected)
    loser = graph.value(claim, KG.loser)
    assert str(graph.value(loser, rdflib.SKOS.prefLabel)) == "Medusa-2"
    assert str(graph.value(claim, KG.machineLoser)) == "Medusa" and str(graph.value(claim, KG.margin)) == "1.3x"
    assert str(graph.value(claim, PROV.wasAttributedTo)).endswith("/curator/Ada%20%3Cb%3E")
    assert validate_graph(out, None, 10)[1] == []


def test_graphml_carries_the_curation_as_plain_attributes(curated, tmp_path):
    out, _ = curated
    export(out, "graphml", tmp_path / "g.graphml")
    edges = [data for *_, data in nx.read_graphml(tmp_path / "g.graphml").edges(data=True) if data.get("curator")]
    assert [(e["curation_status"], e["curator"], e["machine_loser"]) for e in edges] == [("corrected", "Ada <b>", "Medusa")]


def test_nothing_else_in_graph_ttl_changes(curated, plain):
    out, _ = curated
    graph_plain, graph_curated = _triples(plain), _triples(out)
    # standings and conflicts are made from all claims (a rejected claim ranks its benchmark again):
    # they are the analyses' block, not facts of a paper
    subjects = {s for s, _, _ in graph_plain ^ graph_curated if "/standing/" not in s and "/conflict/" not in s}
    # the rejected claim, the corrected one (its IRI kept: a curator's correction is of the same claim),
    # the winners' outperforms shortcuts, and the new method Medusa-2
    named = sorted(str(s).rsplit("/", 2)[-2] + ("" if "/claim/" in str(s) else ":" + str(s).rsplit("/", 1)[1])
                   for s in subjects)
    assert named == ["claim", "claim", "method:halonorm", "method:ldt", "method:medusa-2"]


def test_a_changed_curation_file_rewrites_only_its_papers(curated, papers, tmp_path):
    out, _ = curated
    shutil.copytree(out, tmp_path / "b")
    folder = tmp_path / "b"
    paper, claim = _claim(folder, "RTD", "Reflexion")
    _write(folder / "curation.jsonl", [about(paper, "claim", claim, "accept", "Bo", AT)])
    report = build(papers, folder, curation=Ledger.read(folder / "curation.jsonl"))
    assert (report.extracted, report.rewritten, report.curation.papers_curated) == (0, 1, 1)
    assert report.curation.applied == 3
    fresh = tmp_path / "fresh"
    build(papers, fresh, curation=Ledger.read(folder / "curation.jsonl"))
    for name in ("graph.ttl", "papers.jsonl", "rejected.jsonl"):
        assert (fresh / name).read_bytes() == (folder / name).read_bytes(), name
    (folder / "curation.jsonl").unlink()
    report = build(papers, folder)
    assert (report.rewritten, report.curation.papers_curated) == (3, 0)
    for name in ("graph.ttl", "papers.jsonl"):
        assert (tmp_path / "b" / name).read_bytes() == (fresh.parent / "b" / name).read_bytes()
    assert _triples(folder) == _triples(_plain_of(papers, tmp_path))
    assert (folder / "rejected.jsonl").read_text() == ""


def _plain_of(papers, tmp_path) -> Path:
    out = tmp_path / "plain-again"
    build(papers, out)
    return out


def test_decisions_survive_an_extractor_upgrade(curated, papers, tmp_path, monkeypatch):
    out, _ = curated
    shutil.copytree(out, tmp_path / "b")
    monkeypatch.setattr(state, "extractor_version", lambda: "another-version")
    report = build(papers, tmp_path / "b", curation=Ledger.read(tmp_path / "b" / "curation.jsonl"))
    assert report.curation.applied == 2 and report.curation.orphans == []
    assert (tmp_path / "b" / "graph.ttl").read_bytes() == (out / "graph.ttl").read_bytes()


def test_orphans_are_counted_and_listed(curated, papers, tmp_path, capsys):
    out, _ = curated
    shutil.copytree(out, tmp_path / "b")
    folder = tmp_path / "b"
    stray = Decision("accept", "paper:nowhere", "claim", 0, 5, "Ada", AT, winner="A", loser="B", title="No such paper")
    _write(folder / "curation.jsonl", [stray])
    assert cli.main(["build", str(LISTING), "-o", str(folder), "-j", "1"]) == 0
    printed = capsys.readouterr().out
    assert "curation: 3 decisions in force, 2 applied (1 facts rejected), 1 orphans" in printed
    assert cli.main(["curation", "orphans", str(folder)]) == 1
    listed = capsys.readouterr().out.splitlines()
    assert listed[0].startswith("1 orphan decisions") and listed[1].endswith(
        ":3: accept A > B in paper:nowhere (abstract 0-5) by Ada: no paper of the build is this one")


@pytest.mark.parametrize("bad", ['{"action": ', '{"action": "accept", "colour": 1}'])
def test_a_bad_curation_file_stops_the_build_before_it_writes(curated, tmp_path, capsys, bad):
    out, _ = curated
    shutil.copytree(out, tmp_path / "b")
    folder = tmp_path / "b"
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    with (folder / "curation.jsonl").open("a") as handle:
        handle.write(bad + "\n")
    assert cli.main(["build", str(LISTING), "-o", str(folder), "-j", "1"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith(f"kgraph: error: {folder / 'curation.jsonl'}:3: ")
    after = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and p.name != "curation.jsonl"}
    assert after == {name: data for name, data in before.items() if name != "curation.jsonl"}


def test_update_keeps_the_decisions(curated, tmp_path, capsys):
    out, _ = curated
    shutil.copytree(out, tmp_path / "b")
    extra = tmp_path / "more.jsonl"
    extra.write_text(json.dumps({"title": "Zeta", "abstract": "Zeta outperforms Medusa on MT-Bench."}) + "\n")
    assert cli.main(["build", "--update", str(tmp_path / "b"), str(extra), "-j", "1"]) == 0
    assert "2 applied (1 facts rejected), 0 orphans" in capsys.readouterr().out
    assert ("halonorm", "gridmixer") not in _rdf_pairs(tmp_path / "b")
    assert ("ldt", "medusa-2") in _rdf_pairs(tmp_path / "b")
    assert len(read_saved(tmp_path / "b")[0]) == 8


def test_unreviewed_claims_and_gold_export(curated, tmp_path):
    out, _ = curated
    query = canned_query("unreviewed-claims")
    rows = query_graph(out, query.text, query.path, {}, "oxigraph")
    losers = [row[1].value for row in rows.rows]
    assert len(losers) == 16 and "Medusa-2" not in losers and "GridMixer" not in losers
    gold = tmp_path / "gold.jsonl"
    assert export_gold(out, gold) == (0, 2)  # two papers have unreviewed claims left


# --- the review queue and its decisions (the page itself: tests/test_review_browser.py) ---------


def test_the_queue_puts_the_least_sure_first_and_flags_what_matters(plain):
    queue = read_queue(plain)
    assert [(i.claim.winner, i.claim.loser) for i in queue[:2]] == [("HaloNorm", "GridMixer"), ("LDT", "Medusa")]
    assert [i.claim.confidence for i in queue] == sorted(i.claim.confidence for i in queue)
    flags = {(i.claim.winner, i.claim.loser, i.claim.benchmark): i.flags for i in queue}
    assert flags["HaloNorm", "GridMixer", None] == ["contradiction"]
    # GridMixer and HaloNorm win twice each on ImageNet-1K: without this claim HaloNorm would top it
    assert flags["GridMixer", "HaloNorm", "ImageNet-1K"] == ["contradiction", "leaderboard top"]
    assert flags["RTD", "StarCoder", "CodeTrail"] == ["leaderboard top"]  # its benchmark's only claim
    assert flags["EchoSpec", "Medusa", "MT-Bench"] == []  # EchoSpec tops MT-Bench without it too
    item = queue[0].to_plain()
    assert [item["evidence"][s:e] for s, e, _ in item["marks"]] == ["GridMixer"]  # "our method": the winner unnamed


def test_review_appends_what_a_page_posts_and_refuses_what_it_should_not(plain, tmp_path):
    review = Review(plain, tmp_path / "c.jsonl", "Ada")
    first = review.order[0]
    assert review.decide({"id": first, "action": "reject"})["reviewed"] == 1
    for bad, message in [({"id": first, "action": "delete"}, "action must be"), ({"id": 10**6, "action": "accept"},
                         "no such claim"), ({"id": first, "action": "correct", "set": {"colour": "red"}}, "may give only"),
                         ({"id": first, "action": "correct", "set": {"winner": " "}}, "cannot make 'winner' empty")]:
        with pytest.raises(ValueError, match=message):
            review.decide(bad)
    (decision,) = read_decisions(tmp_path / "c.jsonl")
    assert (decision.action, decision.winner, decision.loser, decision.curator) == ("reject", "HaloNorm", "GridMixer", "Ada")
    assert review.progress() == {"reviewed": 1, "total": 18, "decided": {first: "reject"}}


def test_decisions_on_mentions_reject_rename_move_and_add(plain):
    saved, extractions = _saved_pairs(plain)
    paper, extraction = saved[0], extractions[0]  # HaloNorm
    gridmixer = next(m for m in extraction.baselines if m.name == "GridMixer")
    accuracy = next(m for m in extraction.metrics if m.name == "accuracy")
    layernorm = next(m for m in extraction.baselines if m.name == "LayerNorm")
    sentence = layernorm.evidence
    decisions = [about(paper, "baselines", gridmixer, "reject", "Ada", AT),
                 about(paper, "metrics", accuracy, "correct", "Ada", AT, {"name": "equal accuracy"}),
                 about(paper, "baselines", layernorm, "correct", "Ada", AT, {"kind": "benchmark"}),
                 Decision("add", "paper:x", "organizations", sentence.start, sentence.end, "Ada", AT, title=paper.title,
                          set={"name": "Nobody Lab"}),
                 about(paper, "proposed", extraction.proposed[0], "correct", "Ada", AT, {"name": "HaloNet"})]
    curated, outcome = apply_decisions(paper, extraction, decisions)
    assert "GridMixer" not in [m.name for m in curated.baselines] and outcome.rejected[0]["fact"]["name"] == "GridMixer"
    renamed = next(m for m in curated.metrics if m.curation)
    assert (renamed.name, renamed.curation.original) == ("equal accuracy", {"name": "accuracy"})
    assert paper.abstract[renamed.start:renamed.end] == "equal accuracy"  # its surface offsets follow the name
    moved = next(m for m in curated.benchmarks if m.name == "LayerNorm")
    assert moved.curation.original == {"kind": "method"} and "LayerNorm" not in [m.name for m in curated.baselines]
    assert outcome.orphans == [[0, "the name 'Nobody Lab' is not in its evidence span"],
                               [0, "the corrected name 'HaloNet' is not in its evidence sentence"]]
    assert len(outcome.applied) == 3


def test_an_added_claim_appears_as_if_extracted(plain, papers, tmp_path):
    shutil.copytree(plain, tmp_path / "b")
    folder = tmp_path / "b"
    paper, claim = _claim(plain, "SC-CoT", "Self-Consistency")
    span = claim.evidence
    _write(folder / "curation.jsonl", [Decision("add", "paper:x", "claim", span.start, span.end, "Bo", AT,
                                                title=paper.title, set={"winner": "SC-CoT", "loser": "Chain-of-Thought",
                                                                        "benchmark": "GSM8K", "margin": "3 points"})])
    report = build(papers, folder, curation=Ledger.read(folder / "curation.jsonl"))
    assert (report.curation.applied, report.counts["claims"]) == (1, 19)
    assert ("sc-cot", "chain-of-thought") in _rdf_pairs(folder) & _page_pairs(folder)
    graph = rdflib.Graph().parse(folder / "graph.ttl")
    (added,) = graph.subjects(KG.curationStatus, KG.Added)
    assert (str(graph.value(added, KG.extractionRule)), str(graph.value(added, KG.evidenceText))) == (
        "curator.added", span.text)
    assert validate_graph(folder, None, 10)[1] == []


def test_accepting_a_corrected_claim_on_the_page_keeps_the_correction(curated, papers, tmp_path):
    out, _ = curated
    shutil.copytree(out, tmp_path / "b")
    folder = tmp_path / "b"
    review = Review(folder, folder / "curation.jsonl", "Bo")
    (corrected,) = [i for i in review.order if review.items[i].claim.curation]
    review.decide({"id": corrected, "action": "accept"})
    last = read_decisions(folder / "curation.jsonl")[-1]
    assert (last.action, last.loser, last.set, last.curator) == ("correct", "Medusa", {"loser": "Medusa-2", "margin": "1.3x"}, "Bo")
    build(papers, folder, curation=Ledger.read(folder / "curation.jsonl"))
    assert ("ldt", "medusa-2") in _rdf_pairs(folder)


def test_a_merge_makes_two_entities_one(plain, papers, tmp_path):
    shutil.copytree(plain, tmp_path / "b")
    folder = tmp_path / "b"
    saved, extractions = _saved_pairs(plain)
    paper, extraction = next((p, e) for p, e in zip(saved, extractions) if p.title.startswith("Self-Checking"))
    mention = next(m for m in extraction.baselines if m.name == "Self-Consistency")
    _write(folder / "curation.jsonl", [about(paper, "baselines", mention, "correct", "Bo", AT,
                                             {"same_as": "Least-to-Most Prompting"})])
    report = build(papers, folder, curation=Ledger.read(folder / "curation.jsonl"))
    assert report.curation.applied == 1 and _methods(folder) == _methods(plain) - 1
    graph = rdflib.Graph().parse(folder / "graph.ttl")
    (merged,) = graph.subjects(KG.machineAliases, rdflib.Literal(""))
    entity = graph.value(merged, KG.mentionOf)
    labels = {str(graph.value(entity, rdflib.SKOS.prefLabel)), *map(str, graph.objects(entity, rdflib.SKOS.altLabel))}
    assert {"Self-Consistency", "Least-to-Most Prompting"} <= labels
    assert {loser for winner, loser in _rdf_pairs(folder) if winner == "sc-cot"} == {str(entity).rsplit("/", 1)[1]}
    assert validate_graph(folder, None, 10)[1] == []


def _methods(folder: Path) -> int:
    return len(set(rdflib.Graph().parse(folder / "graph.ttl").subjects(rdflib.RDF.type, KG.Method)))

"""Parallel, interrupted, concurrent and distributed builds give the same outputs as a plain build
(in-process incremental builds: tests/unit/test_build.py)."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import pyoxigraph as ox
from test_build import EXAMPLES, SMALL, _store, copies, example_papers, outputs  # noqa: F401  (a fixture)

from kgraph import cli
from kgraph.build import Limits, build, engine
from kgraph.build.cache import TABLE
from kgraph.folder import BuildFolder
from kgraph.ingest import read_papers
from kgraph.query.export import export
from kgraph.rdf import graph_triples
from kgraph.saved import load_graph

pytestmark = pytest.mark.slow









# Worker pools even for a few papers, several RDF tasks and several store chunks.


def test_jobs_do_not_change_a_byte(tmp_path, example_papers):
    papers = copies(example_papers, 60)
    build(papers, tmp_path / "one", jobs=1, limits=SMALL)
    build(papers, tmp_path / "two", jobs=2, limits=SMALL)
    assert outputs(tmp_path / "one") == outputs(tmp_path / "two")
    assert _store(tmp_path / "one") == _store(tmp_path / "two") == graph_triples(load_graph(tmp_path / "one"))
    for jobs in ("one", "two"):  # N-Triples are dumped from the store, in the same order
        export(tmp_path / jobs, "nt", tmp_path / f"{jobs}.nt")
    assert (tmp_path / "one.nt").read_bytes() == (tmp_path / "two.nt").read_bytes()
    assert {(t.subject, t.predicate, t.object) for t in ox.parse(path=str(tmp_path / "one.nt"),
                                                                  format=ox.RdfFormat.N_TRIPLES)} == _store(tmp_path / "one")












def test_update_adds_a_listing_to_an_existing_build(tmp_path, example_papers):
    listing, jsonl = read_papers(EXAMPLES[:1]), read_papers(EXAMPLES[1:])
    store = tmp_path / "store"
    assert subprocess.run([sys.executable, "-m", "kgraph", "build", str(EXAMPLES[0]), "-o", str(store), "-j", "1"],
                          capture_output=True, check=False).returncode == 0
    run = subprocess.run([sys.executable, "-m", "kgraph", "build", "--update", str(store), str(EXAMPLES[1]), "-j", "1"],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    assert f"incremental: {len(jsonl)} papers extracted, {len(listing)} from the cache" in run.stdout
    build(listing + jsonl, tmp_path / "fresh", jobs=1)
    assert outputs(store) == outputs(tmp_path / "fresh")








@pytest.mark.parametrize("jobs", [1, 2])
def test_store_and_graph_ttl_hold_the_whole_graph_after_incremental_builds(tmp_path, example_papers, jobs):
    """graph.ttl (Turtle blocks) and the store (loaded chunk by chunk, updated apart) say exactly
    what the in-memory mapping of the saved build says, after a build, a grown build and a shrunk one."""
    out = tmp_path / "out"
    for papers in (example_papers[:5], example_papers, example_papers[2:]):
        build(papers, out, jobs=jobs, limits=SMALL)
        expected = graph_triples(load_graph(out))
        in_turtle = {(t.subject, t.predicate, t.object) for t in ox.parse(path=str(out / "graph.ttl"),
                                                                           format=ox.RdfFormat.TURTLE)}
        assert in_turtle == expected
        assert _store(out) == expected


























def _cached(folder: Path) -> int:
    try:
        with sqlite3.connect(BuildFolder(folder).cache, timeout=1) as db:
            return db.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0]
    except sqlite3.Error:
        return 0


@pytest.mark.parametrize("kill_when", ["extracting", "after-extraction"])
def test_a_killed_build_loses_no_finished_work_and_resumes(tmp_path, example_papers, kill_when):
    papers = copies(example_papers, 1500)
    source = tmp_path / "many.jsonl"
    source.write_text("".join(json.dumps({"title": p.title, "abstract": p.abstract}) + "\n" for p in papers),
                      encoding="utf-8")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "kgraph", "build", str(source), "-o", str(out), "-j", "1"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    target = 1 if kill_when == "extracting" else len(papers)
    deadline = time.monotonic() + 240
    while _cached(out) < target and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process.poll() is None, "the build finished before it could be interrupted"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    done = _cached(out)
    assert done >= target  # finished batches survived the kill

    rerun = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert rerun.returncode == 0, rerun.stderr
    assert f"incremental: {len(papers) - done} papers extracted" in rerun.stdout
    fresh = tmp_path / "fresh"
    build(read_papers([source]), fresh, jobs=1, use_cache=False)
    assert outputs(out) == outputs(fresh)
    assert not [*out.glob(".*.tmp"), *BuildFolder(out).state_dir.glob(".*.tmp")]  # what the killed build was writing is gone


def test_a_second_build_into_a_folder_being_built_stops_at_once(tmp_path, example_papers, capsys):
    """Two builds writing one folder would delete each other's temporary files: the second stops
    with a one-line error, and the first finishes as if alone."""
    papers = copies(example_papers, 600)
    source = tmp_path / "many.jsonl"
    source.write_text("".join(json.dumps({"title": p.title, "abstract": p.abstract}) + "\n" for p in papers),
                      encoding="utf-8")
    out = tmp_path / "out"
    first = subprocess.Popen([sys.executable, "-m", "kgraph", "build", str(source), "-o", str(out), "-j", "1"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 240
    while _cached(out) < 1 and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert first.poll() is None, "the first build finished before the second started"
    assert cli.main(["build", str(EXAMPLES[0]), "-o", str(out), "-j", "1"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and str(out) in error and "another kgraph build is writing to this folder" in error
    stdout, stderr = first.communicate(timeout=600)
    assert first.returncode == 0, stderr
    assert f"papers: {len(papers)}" in stdout
    assert len((out / "papers.jsonl").read_text(encoding="utf-8").splitlines()) == len(papers)
    assert build(papers, out, jobs=1).extracted == 0  # the lock went with the first build




def test_a_build_failing_after_the_page_started_leaves_the_last_page(tmp_path, example_papers):
    """A worker makes the page from early on; it is written into place only once all else is done."""
    out = tmp_path / "out"
    build(example_papers[:5], out, jobs=1)
    page = (out / "graph.html").read_bytes()
    store = BuildFolder(out).store
    shutil.rmtree(store)
    store.write_text("a file where the store was", encoding="utf-8")  # the store cannot open
    with pytest.raises(OSError):
        build(example_papers, out, jobs=2, limits=SMALL)
    assert (out / "graph.html").read_bytes() == page


def test_dask_cluster_gives_the_same_graph(tmp_path, example_papers):
    distributed = pytest.importorskip("distributed", reason="distributed (the Dask extra) is not installed")
    papers = copies(example_papers, 40)
    build(papers, tmp_path / "local", jobs=1)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        build(papers, tmp_path / "dask", jobs=2, dask_address=cluster.scheduler_address)
    assert outputs(tmp_path / "local") == outputs(tmp_path / "dask")


@pytest.mark.parametrize("jobs", [1, 2])
def test_memory_guard_keeps_the_page_to_papers_with_claims(tmp_path, example_papers, jobs):
    """With two jobs a worker writes the page (the guard's choice is made here): the same page."""
    limits = Limits(page_all_papers=5, page_max_methods=4, pool_min_papers=2, chunking=SMALL.chunking)
    report = build(example_papers, tmp_path / "out", jobs=jobs, limits=limits)
    if jobs == 2:
        build(example_papers, tmp_path / "one", jobs=1, limits=limits)
        assert outputs(tmp_path / "out") == outputs(tmp_path / "one")
    assert any("papers that make claims" in note for note in report.notes)
    assert any("the 4 most compared of" in note for note in report.notes)
    page = (tmp_path / "out" / "graph.html").read_text(encoding="utf-8")
    shown = re.search(r">(\d+) methods &middot;", page)
    assert shown and 0 < int(shown.group(1)) <= 4
    held = [re.search(r"shows (\d+) of the (\d+) papers that make claims", note) for note in report.notes]
    assert any(m and 0 < int(m.group(1)) <= 5 < len(example_papers) for m in held)  # the page's papers are capped
    assert report.counts["Paper"] == len(example_papers)  # the counts still cover the whole corpus
    assert os.path.getsize(tmp_path / "out" / "graph.html") > 0








def _pipelines_built() -> int:
    from kgraph.extract.pipeline import build_nlp

    return build_nlp.cache_info().currsize


def test_workers_start_with_the_extraction_pipeline_built():
    """Their fork server builds it once (kgraph.build.warm): a rebuild that extracts a few new papers
    does not wait for each worker to build it."""
    with engine.process_pool(1, os.getpid) as pool:  # an initializer that builds nothing
        assert pool.submit(_pipelines_built).result() == 1





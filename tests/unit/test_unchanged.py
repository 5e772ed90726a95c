"""A rebuild with nothing new is answered from the last build's record (``kgraph.build.unchanged``),
and any change to what it is asked, to the code or to the folder's files makes it run in full."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from kgraph import cli
from kgraph.build import build, run, state
from kgraph.curate.decisions import about, append_decisions
from kgraph.folder import BuildFolder
from kgraph.ingest import read_papers
from kgraph.saved import read_saved

ROOT = Path(__file__).resolve().parents[2]
LISTING = ROOT / "examples" / "listing.txt"


def _kgraph(*args: str) -> str:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert cli.main([*args, "-j", "1"]) == 0
    return printed.getvalue()


@pytest.fixture
def built(tmp_path) -> tuple[Path, Path]:
    """The example listing (a copy) built by ``kgraph build``: the input and the build folder."""
    listing = shutil.copy(LISTING, tmp_path / "listing.txt")
    _kgraph("build", str(listing), "-o", str(tmp_path / "out"))
    return Path(listing), tmp_path / "out"


@pytest.fixture
def full_builds(monkeypatch) -> list[int]:
    """Counts the builds that ran in full (read their inputs and built)."""
    ran: list[int] = []
    real = cli.build

    def counted(*args, **kwargs):
        ran.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(cli, "build", counted)
    return ran


def _files(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file() and "store" not in p.parts}


def _nothing_new_both_ways(listing: Path, out: Path, full_builds: list[int]) -> tuple[str, str]:
    """What a rebuild with nothing new prints run in full, then answered from the record; the
    folder's files (but the store's) are checked untouched by the second."""
    BuildFolder(out).build_record.unlink()  # the next build runs in full, and records again
    ran = len(full_builds)
    in_full = _kgraph("build", str(listing), "-o", str(out))
    before = _files(out)
    answered = _kgraph("build", str(listing), "-o", str(out))
    assert len(full_builds) == ran + 1
    assert _files(out) == before
    return in_full, answered


def test_a_rebuild_with_nothing_new_prints_what_a_full_one_does_and_touches_nothing(built, full_builds):
    in_full, answered = _nothing_new_both_ways(*built, full_builds)
    assert answered == in_full


def _edit_input(listing: Path, out: Path) -> None:
    listing.write_text(listing.read_text(encoding="utf-8").replace("outperforms", "beats", 1), encoding="utf-8")


def _add_curation_file(listing: Path, out: Path) -> None:
    papers, extractions = read_saved(out)
    claim = next(c for p in papers for c in extractions[p.key].claims)
    paper = next(p for p in papers if claim in extractions[p.key].claims)
    append_decisions(BuildFolder(out).curation, [about(paper, "claim", claim, "reject", "Ada", "2026-12-07T05:00:00Z")])


def _touch(name: str) -> Callable[[Path, Path], None]:
    def touch(listing: Path, out: Path) -> None:
        stat = (out / name).stat()
        os.utime(out / name, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
    return touch


def _append(name: str) -> Callable[[Path, Path], None]:
    def append(listing: Path, out: Path) -> None:
        with (out / name).open("ab") as handle:
            handle.write(b"\n")
    return append


def _edit_behind_its_time(listing: Path, out: Path) -> None:
    """graph.ttl edited in place, same size, its modification time set back."""
    path, stat = out / "graph.ttl", (out / "graph.ttl").stat()
    with path.open("r+b") as handle:
        handle.seek(-2, os.SEEK_END)
        handle.write(b"#\n")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


CHANGES = {
    "an input edited": _edit_input,
    "a curation file added": _add_curation_file,
    "graph.ttl edited": _append("graph.ttl"),
    "papers.jsonl touched": _touch("papers.jsonl"),
    "graph.ttl edited, its time set back": _edit_behind_its_time,
    "graph.html deleted": lambda listing, out: (out / "graph.html").unlink(),
    "the papers.jsonl index damaged": _append(".kgraph/papers-jsonl.tsv"),
    "the state touched": _touch(".kgraph/state.json"),
    "an interrupted build's marker": lambda listing, out: BuildFolder(out).updating.touch(),
    "a killed build's leftover": lambda listing, out: (out / ".graph.ttl.x.tmp").write_bytes(b"@prefix"),
    "the record damaged": lambda listing, out: BuildFolder(out).build_record.write_text("{", encoding="utf-8"),
    "the record's report damaged": lambda listing, out: BuildFolder(out).build_record.write_text(
        BuildFolder(out).build_record.read_text(encoding="utf-8").replace('"counts"', '"countz"'), encoding="utf-8"),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_any_change_to_the_inputs_or_the_folder_runs_the_build_in_full(built, full_builds, change):
    listing, out = built
    change(listing, out)
    _kgraph("build", str(listing), "-o", str(out))
    assert full_builds == [1]
    _kgraph("build", str(listing), "-o", str(out))  # recorded again: nothing new now
    assert full_builds == [1]


def test_another_extractor_or_other_options_run_the_build_in_full(built, full_builds, monkeypatch):
    listing, out = built
    _kgraph("build", str(listing), "-o", str(out), "--max-input-size", "100M")
    _kgraph("build", str(listing), "-o", str(out), "--no-cache")
    monkeypatch.setattr(state, "extractor_version", lambda: "another")
    _kgraph("build", str(listing), "-o", str(out))
    assert full_builds == [1, 1, 1]


def test_a_build_that_fails_leaves_no_record(built, monkeypatch):
    listing, out = built
    monkeypatch.setattr(run, "_build", lambda *args: (_ for _ in ()).throw(RuntimeError("stopped")))
    with pytest.raises(RuntimeError):
        build(read_papers([listing]), out, request="anything")
    assert not BuildFolder(out).build_record.exists()


def test_a_curated_build_reports_its_curation_when_nothing_is_new(built, full_builds):
    listing, out = built
    _add_curation_file(listing, out)
    _kgraph("build", str(listing), "-o", str(out))
    in_full, answered = _nothing_new_both_ways(listing, out, full_builds)
    assert "curation: 1 decisions in force" in in_full
    assert answered == in_full

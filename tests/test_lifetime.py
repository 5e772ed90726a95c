"""Issue 24: no process of a build outlives it. Workers are forked from a fork server; the build's
main process ending (normally, by Ctrl-C, or killed with SIGKILL: no cleanup runs) must take the
fork server, the workers and the resource tracker with it within a few seconds. And
``kgraph query --timeout`` stops a runaway query."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_build import copies, example_papers  # noqa: F401  (a fixture)

pytestmark = pytest.mark.slow


def _descendants(pid: int) -> set[int]:
    """Every process below ``pid``, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir() or sys.platform != "linux", reason="reads /proc (Linux)")
@pytest.mark.parametrize("how", ["SIGKILL", "SIGINT", "normal-end"])
def test_killing_a_build_leaves_no_process_behind(tmp_path: Path, example_papers, how: str) -> None:  # noqa: F811
    papers = copies(example_papers, 3000)
    source = tmp_path / "many.jsonl"
    source.write_text("".join(json.dumps({"title": p.title, "abstract": p.abstract}) + "\n" for p in papers),
                      encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "kgraph", "build", str(source), "-o", str(tmp_path / "out"),
                                "-j", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline, seen = time.monotonic() + 120, set()
    while time.monotonic() < deadline and process.poll() is None:
        seen |= _descendants(process.pid)
        if len(seen) >= 4:  # the resource tracker, the fork server and two workers
            break
        time.sleep(0.05)
    assert process.poll() is None and len(seen) >= 4, f"no workers started ({len(seen)} processes seen)"
    time.sleep(1)
    seen |= _descendants(process.pid)
    if how == "normal-end":
        while process.poll() is None:
            seen |= _descendants(process.pid)
            time.sleep(0.05)
        assert process.returncode == 0
    else:
        process.send_signal(getattr(signal, how))
    process.wait(timeout=300)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(map(_alive, seen)):
        time.sleep(0.1)
    left = sorted(pid for pid in seen if _alive(pid))
    for pid in left:  # do not leak them into the rest of the run
        os.kill(pid, signal.SIGKILL)
    assert not left, f"{len(left)} of {len(seen)} processes of the build outlived it by 5 s"


def test_kgraph_query_stops_a_runaway_query_at_its_time_limit(tmp_path: Path) -> None:
    from builds import league_records, write_build

    league = write_build(tmp_path / "league", *league_records())
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "kgraph", "query", str(league), runaway, "--timeout", "2"],
                          capture_output=True, text=True, timeout=60)
    took = time.monotonic() - started
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == ("kgraph: error: <query>: the query ran longer than 2 s and was stopped "
                           "(--timeout SECONDS to change the limit, 0 for none)\n")
    assert took < 2 + 3  # the limit, plus the start of Python and kgraph

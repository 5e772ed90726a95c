"""``kgraph push`` and ``kgraph serve`` against real Oxigraph servers on free loopback ports.

Each server is a child process of the test: started on 127.0.0.1 only, waited for with a
deadline, and always terminated (then killed if it lingers) when the test ends. Answers are
read back with SPARQLWrapper, a client independent of kgraph.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from builds import league_records, write_build
from SPARQLWrapper import JSON, SPARQLWrapper

from kgraph.cli import main
from kgraph.query.endpoint import oxigraph_command
from kgraph.query.push import store_url
from kgraph.errors import InputError
from kgraph.query.sparql import canned_queries, query_graph

pytestmark = pytest.mark.endpoint

HOST = "127.0.0.1"
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0
KG = "https://w3id.org/kgraph/ontology#"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _ready(base: str) -> bool:
    try:
        return httpx.get(f"{base}/query", params={"query": "ASK {}"}, timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False


def _wait_ready(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}: {process.stdout and process.stdout.read()}")
        if _ready(base):
            return
        time.sleep(0.1)
    raise TimeoutError(f"no server at {base} after {START_TIMEOUT_S} s")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # its own session: it and its children
            process.wait(STOP_TIMEOUT_S)


@contextlib.contextmanager
def _server(command: list[str], base: str) -> Iterator[subprocess.Popen]:
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, start_new_session=True)
    try:
        _wait_ready(base, process)
        yield process
    finally:
        _stop(process)
        if process.stdout:
            process.stdout.close()


@pytest.fixture
def oxigraph_server(tmp_path: Path) -> Iterator[str]:
    """A read-write Oxigraph server (``oxigraph serve``) on a free loopback port; its base URL."""
    port = _free_port()
    base = f"http://{HOST}:{port}"
    with _server([oxigraph_command(), "serve", "--location", str(tmp_path / "store"), "--bind", f"{HOST}:{port}"],
                 base):
        yield base


@pytest.fixture(scope="module")
def league(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_build(tmp_path_factory.mktemp("league") / "build", *league_records())


def _select(base: str, query: str) -> list[tuple[str | None, ...]]:
    """Rows of a SELECT sent with SPARQLWrapper, as plain strings in the query's variable order."""
    client = SPARQLWrapper(f"{base}/query")
    client.setQuery(query)
    client.setReturnFormat(JSON)
    answer = client.queryAndConvert()
    names = answer["head"]["vars"]
    return [tuple(b[n]["value"] if n in b else None for n in names) for b in answer["results"]["bindings"]]


def _count(base: str, graph_iri: str | None = None) -> int:
    pattern = f"GRAPH <{graph_iri}> {{ ?s ?p ?o }}" if graph_iri else "?s ?p ?o"
    return int(_select(base, f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")[0][0])


def _local_count(graph: Path) -> int:
    return int(query_graph(graph, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").values()[0][0])


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def _normalized(rows: list[tuple[str | None, ...]]) -> list[tuple[object, ...]]:
    """GROUP_CONCAT parts come in the engine's order: compare them as sets."""
    return [tuple(frozenset(c.split("; ")) if c and "; " in c else c for c in row) for row in rows]


# ---------------------------------------------------------------------------------------------
# push


def test_push_then_every_canned_query_answers_as_locally(oxigraph_server: str, league: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run(capsys, "push", str(league), "--endpoint", f"{oxigraph_server}/store")
    assert (status, err) == (0, "")
    assert "replaced the default graph" in out and "HTTP 20" in out
    assert _count(oxigraph_server) == _local_count(league) > 100
    triples = _local_count(league)
    assert out.rstrip().endswith(f"sent {triples} triples, the graph now holds {triples} triples")
    for name, canned in canned_queries().items():
        if canned.params:
            continue  # parameters are bound by kgraph; the server sees plain SPARQL
        remote = _select(oxigraph_server, canned.text)
        local = query_graph(league, canned.text).values()
        assert remote, name
        assert _normalized(remote) == _normalized(local), name


def test_push_replaces_with_put_and_adds_with_post(oxigraph_server: str, league: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    store = f"{oxigraph_server}/store"
    assert _run(capsys, "push", str(league), "--endpoint", store)[0] == 0
    assert _run(capsys, "push", str(league), "--endpoint", store)[0] == 0  # PUT again: same graph, not twice
    total = _count(oxigraph_server)
    assert total == _local_count(league)
    extra = tmp_path / "extra.nt"
    extra.write_text("<http://e/a> <http://e/b> <http://e/c> .\n", encoding="utf-8")
    status, out, _ = _run(capsys, "push", str(extra), "--endpoint", store, "--append")
    assert status == 0 and "added to the default graph" in out
    assert _count(oxigraph_server) == total + 1
    assert out.rstrip().endswith(f"sent 1 triples, the graph now holds {total + 1} triples")
    assert _run(capsys, "push", str(extra), "--endpoint", store)[0] == 0
    assert _count(oxigraph_server) == 1


def test_push_into_a_named_graph(oxigraph_server: str, league: Path, capsys: pytest.CaptureFixture[str]) -> None:
    iri = "https://example.org/graphs/league?v=1"
    status, out, _ = _run(capsys, "push", str(league / "graph.ttl"), "--endpoint", f"{oxigraph_server}/store",
                          "--graph", iri)
    assert status == 0 and f"graph <{iri}>" in out
    assert _count(oxigraph_server, iri) == _local_count(league)
    assert _count(oxigraph_server) == 0  # the default graph is untouched
    winners = _select(oxigraph_server, f"SELECT DISTINCT ?w WHERE {{ GRAPH <{iri}> {{ ?w <{KG}outperforms> ?l }} }}")
    assert sorted(w for (w,) in winners) == ["https://w3id.org/kgraph/id/method/alpha",
                                             "https://w3id.org/kgraph/id/method/beta"]


def test_push_to_an_unreachable_endpoint_is_one_line(league: Path, capsys: pytest.CaptureFixture[str]) -> None:
    endpoint = f"http://{HOST}:{_free_port()}/store"  # nothing listens there
    status, out, err = _run(capsys, "push", str(league), "--endpoint", endpoint)
    assert status == 2 and out == ""
    assert err.startswith(f"kgraph: error: {endpoint}: unreachable") and err.count("\n") == 1


def test_push_of_bad_turtle_is_refused_before_sending(tmp_path: Path, oxigraph_server: str,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <http://e/> .\nex:a ex:b "open .\n', encoding="utf-8")
    status, _, err = _run(capsys, "push", str(bad), "--endpoint", f"{oxigraph_server}/store")
    assert status == 2 and err.startswith(f"kgraph: error: {bad}:2: not valid Turtle")
    assert _count(oxigraph_server) == 0


@pytest.mark.parametrize(("endpoint", "graph", "message"), [
    ("ftp://h/store", None, "the endpoint must be an http:// or https:// URL"),
    ("http://h/store", "not an iri", "--graph must be an absolute IRI"),
])
def test_push_checks_its_arguments(endpoint: str, graph: str | None, message: str) -> None:
    with pytest.raises(InputError, match=message):
        store_url(endpoint, graph)


def test_store_url_names_the_target_graph() -> None:
    assert str(store_url("http://h:3030/ds/data", None)) == "http://h:3030/ds/data?default"
    assert str(store_url("http://h/s?x=1", "https://e.org/g#1")) == "http://h/s?x=1&graph=https%3A%2F%2Fe.org%2Fg%231"
    assert str(store_url("http://h/s?graph=urn:x", None)) == "http://h/s?graph=urn:x"


# ---------------------------------------------------------------------------------------------
# serve


@pytest.fixture
def served(league: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """``kgraph serve`` of the league build on a free loopback port, as a user would start it."""
    port = _free_port()
    base = f"http://{HOST}:{port}"
    command = [sys.executable, "-m", "kgraph", "serve", str(league), "--port", str(port), "--bind", HOST]
    with _server(command, base) as process:
        yield base, process


def test_serve_answers_sparql_and_refuses_updates(served: tuple[str, subprocess.Popen], league: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    base, _ = served
    canned = canned_queries()["most-beaten"]
    assert _select(base, canned.text) == query_graph(league, canned.text).values()
    update = "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }"
    refused = [
        httpx.post(f"{base}/update", content=update, headers={"Content-Type": "application/sparql-update"}),
        httpx.post(f"{base}/update", data={"update": update}),
        httpx.put(f"{base}/store?default", content="<http://e/a> <http://e/b> <http://e/c> .",
                  headers={"Content-Type": "text/turtle"}),
        httpx.get(f"{base}/query", params={"query": update}),  # an update sent as a query: not "bad query"
        httpx.post(f"{base}/query", data={"query": update}),
        httpx.post(f"{base}/query", content=update, headers={"Content-Type": "application/sparql-query"}),
    ]
    assert [r.status_code for r in refused] == [403] * 6
    assert all(r.text.startswith("read-only: ") for r in refused)
    assert _count(base) == _local_count(league)  # nothing was written
    status, _, err = _run(capsys, "push", str(league), "--endpoint", f"{base}/store")
    assert status == 2
    assert err.startswith(f"kgraph: error: {base}/store: refused the graph: HTTP 403") and err.count("\n") == 1


def test_serve_stops_its_server_when_terminated(served: tuple[str, subprocess.Popen]) -> None:
    base, process = served
    # The Oxigraph child answers a moment before kgraph, polling its port, says where: wait for that.
    output = _read_until(process, "press Ctrl-C to stop", START_TIMEOUT_S)
    process.terminate()
    assert process.wait(STOP_TIMEOUT_S) == 128 + signal.SIGTERM
    assert not _ready(base)  # the Oxigraph child is gone too: nothing answers on the port
    assert "query endpoint: " + base + "/query" in output


def _read_until(process: subprocess.Popen, text: str, timeout_s: float) -> str:
    """What the process writes up to the line holding ``text`` (or until it stops writing, or the time is up)."""
    assert process.stdout is not None
    lines: list[str] = []

    def read() -> None:
        for line in process.stdout:
            lines.append(line)
            if text in line:
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout_s)
    return "".join(lines)


def test_serve_on_a_busy_port_is_one_line_exit_2(oxigraph_server: str, league: Path) -> None:
    port = oxigraph_server.rsplit(":", 1)[1]
    done = subprocess.run([sys.executable, "-m", "kgraph", "serve", str(league), "--port", port, "--bind", HOST],
                          capture_output=True, text=True, timeout=START_TIMEOUT_S)
    assert done.returncode == 2
    assert done.stderr.startswith(f"kgraph: error: {HOST}:{port}: the Oxigraph server could not start")
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_serve_of_bad_turtle_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:a ex:b "open .\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "kgraph", "serve", str(bad), "--port", str(_free_port())],
                          capture_output=True, text=True, timeout=START_TIMEOUT_S)
    assert done.returncode == 2
    assert done.stderr.startswith(f"kgraph: error: {bad}:3: "), done.stderr
    assert done.stderr.count("\n") == 1


# ---------------------------------------------------------------------------------------------
# serve: the time limit (issue 24)

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"  # never answers


def _cpu_seconds(pid: int) -> float:
    """CPU time used so far by ``pid`` and every process below it (from /proc)."""
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
    return total


def _idle(pid: int) -> float:
    """The CPU the server used over one second once the query was stopped (0 when idle)."""
    time.sleep(0.5)
    before = _cpu_seconds(pid)
    time.sleep(1.0)
    return _cpu_seconds(pid) - before


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc (Linux)")
def test_serve_stops_a_runaway_query_at_its_time_limit(league: Path) -> None:
    port = _free_port()
    base = f"http://{HOST}:{port}"
    command = [sys.executable, "-m", "kgraph", "serve", str(league), "--port", str(port), "--bind", HOST,
               "--timeout", "4"]
    with _server(command, base) as process:
        started = time.monotonic()
        answer = httpx.get(f"{base}/query", params={"query": RUNAWAY}, timeout=30)
        took = time.monotonic() - started
        assert answer.status_code == 503 and "ran longer than 4 s and was stopped" in answer.text
        assert 4 <= took < 5.5  # the limit plus a small margin
        assert _idle(process.pid) < 0.2
        # A client that hangs up: its query stops too, long before the limit would stop it.
        with pytest.raises(httpx.TimeoutException):
            httpx.get(f"{base}/query", params={"query": RUNAWAY}, timeout=0.5)
        assert _idle(process.pid) < 0.2
        assert _count(base) == _local_count(league)  # the endpoint still answers

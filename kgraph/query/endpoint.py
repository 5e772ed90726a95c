"""The graph over HTTP: ``kgraph serve``, a read-only SPARQL endpoint (``kgraph push`` is in ``push``).

Serving uses the Oxigraph server (the ``oxigraph`` command of the PyPI package of that name), a
complete SPARQL 1.1 Protocol implementation, rather than an HTTP layer of our own: the Turtle
is loaded into a store in a temporary folder, which ``oxigraph serve-read-only`` then serves,
so every update is refused by the server itself.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import http.client
import http.server
import os
import queue
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path


from kgraph.errors import InputError
from kgraph.query.readonly import refusal
from kgraph.query.sparql import QUERY_TIMEOUT_S
from kgraph.query.sources import is_saved_papers, rdf_file, rdf_format, read_networkx
from kgraph.rdf.serialize import serialize

OXIGRAPH = "oxigraph"
STARTUP_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0
_LINE = re.compile(r"line (\d+)")


def oxigraph_command() -> str:
    """The ``oxigraph`` executable: the one installed beside this Python first, else on PATH."""
    beside = Path(sys.executable).with_name(OXIGRAPH)
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which(OXIGRAPH)
    if not found:
        raise InputError(OXIGRAPH, "the Oxigraph server is not installed (pip install oxigraph==0.5.13)")
    return found


def host_port(bind: str, port: int) -> str:
    """``host:port`` as a server takes it, with IPv6 hosts in brackets."""
    if not 0 < port < 65536:
        raise InputError(f"--port {port}", "a port is a number from 1 to 65535")
    return f"[{bind}]:{port}" if ":" in bind and not bind.startswith("[") else f"{bind}:{port}"


def _last_error(output: str) -> str:
    """The line of the server's output that says what went wrong (it prints a backtrace after)."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    for line in lines:
        if line.startswith(("Error while loading", "Error:")):
            return line.removeprefix("Error:").strip()
    return lines[-1] if lines else "exited without saying why"


@contextlib.contextmanager
def _rdf_source(graph: str | os.PathLike[str]) -> Iterator[Path]:
    """GRAPH as an RDF file on disk: its own file, or papers.jsonl exported to a temporary one."""
    if not is_saved_papers(graph):
        yield rdf_file(graph)
        return
    with tempfile.TemporaryDirectory(prefix="kgraph-") as tmp:
        path = Path(tmp) / "graph.nt"
        path.write_text(serialize(read_networkx(graph), "nt"), encoding="utf-8")
        yield path


def load_store(source: Path, location: Path) -> None:
    """Bulk-load an RDF file into an Oxigraph store folder with the server's own loader."""
    _, fmt, media_type = rdf_format(source)
    command = [oxigraph_command(), "load", "--location", str(location), "--file", str(source),
               "--format", media_type]
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "RUST_BACKTRACE": "0"})
    if done.returncode != 0:
        message = _last_error(done.stderr + done.stdout)
        message = message.removeprefix(f"Error while loading file {source}: ")
        match = _LINE.search(message)
        raise InputError(str(source), message, int(match.group(1)) if match else None)


def _check_port_free(bind: str, port: int, address: str) -> None:
    """Fail before loading anything when another program already listens on the address."""
    family = socket.AF_INET6 if ":" in bind.strip("[]") else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((bind.strip("[]"), port))
        except OSError as error:
            raise InputError(address, f"the Oxigraph server could not start: {error.strerror or error}") from None


def _wait_until_listening(server: subprocess.Popen, log: Path, bind: str, port: int, address: str) -> None:
    """Return once the server accepts connections; an InputError if it exits first or never does."""
    host = bind.strip("[]")
    host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            output = log.read_text(encoding="utf-8", errors="replace")
            raise InputError(address, f"the Oxigraph server could not start: {_last_error(output)}")
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
            return
        time.sleep(0.05)
    raise InputError(address, f"the Oxigraph server did not start within {STARTUP_TIMEOUT_S:.0f} s")


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(STOP_TIMEOUT_S)


@contextlib.contextmanager
def _sigterm_as_exit() -> Iterator[None]:
    """Turn SIGTERM into SystemExit while serving, so the server and its store are cleaned up."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def leave(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, leave)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def serve(graph: str | os.PathLike[str], port: int = 7878, bind: str = "127.0.0.1",
          timeout_s: float | None = QUERY_TIMEOUT_S) -> int:
    """Serve GRAPH read-only over the SPARQL 1.1 Protocol until interrupted.

    With a time limit (the default), Oxigraph servers on private loopback ports answer behind a
    front of ours on ``bind:port`` (see :class:`_Front`), which stops a request running longer
    than ``timeout_s`` or whose client hung up by ending the server process running it; without
    one (``timeout_s`` 0 or None), one Oxigraph server listens on ``bind:port`` itself."""
    address = host_port(bind, port)
    with _sigterm_as_exit(), tempfile.TemporaryDirectory(prefix="kgraph-serve-") as tmp, \
            _rdf_source(graph) as source:
        store = Path(tmp) / "store"
        _check_port_free(bind, port, address)
        load_store(source, store)
        if timeout_s:
            return _serve_with_time_limit(source, store, Path(tmp), bind, port, address, timeout_s)
        server, log = _start_server(store, Path(tmp) / "server.log", bind, port, address)
        try:
            _say_serving(source, address, None)
            status = server.wait()
        except KeyboardInterrupt:
            print("stopped", file=sys.stderr)
            status = 0
        finally:
            _stop(server)
        if status not in (0, -signal.SIGTERM, -signal.SIGINT):
            raise InputError(address, f"the Oxigraph server stopped: {_last_error(log.read_text('utf-8', 'replace'))}")
    return 0


def _start_server(store: Path, log: Path, bind: str, port: int, address: str) -> tuple[subprocess.Popen, Path]:
    """``oxigraph serve-read-only`` of ``store`` on ``address``, once it accepts connections."""
    command = [oxigraph_command(), "serve-read-only", "--location", str(store), "--bind", address]
    with log.open("w", encoding="utf-8") as log_file:
        server = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT,
                                  env={**os.environ, "RUST_BACKTRACE": "0"})
    try:
        _wait_until_listening(server, log, bind, port, address)
    except BaseException:
        _stop(server)
        raise
    return server, log


def _say_serving(source: Path, address: str, timeout_s: float | None) -> None:
    url = f"http://{address}"
    limit = f", queries stopped after {timeout_s:g} s" if timeout_s else ""
    print(f"serving {source} read-only (SPARQL 1.1 Protocol, Oxigraph{limit})", flush=True)
    print(f"  query endpoint: {url}/query", flush=True)
    print(f"  graph store:    {url}/store (read only)", flush=True)
    print(f"  web UI:         {url}/", flush=True)
    print("press Ctrl-C to stop", flush=True)


# ---------------------------------------------------------------------------------------------
# The time limit. Oxigraph's own (--timeout-s) does not stop a query that computes before its
# first answer (an aggregate over a cartesian product runs on at 100% of a core), and a thread of
# a server cannot be stopped from outside: a process can. So each request goes to one of a few
# Oxigraph servers (read-only, on one store), one request at a time each; a request over the
# limit, or whose client hung up, has its server killed (the work stops at once) and replaced.

BACKENDS = max(2, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 2))
MAX_REQUEST_BYTES = 16 << 20
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "te", "trailer",
               "upgrade", "proxy-connection"}


class _Backends:
    """Oxigraph servers on loopback ports, handed out one request at a time."""

    def __init__(self, store: Path, folder: Path, count: int) -> None:
        self.store, self.folder = store, folder
        self.idle: queue.Queue[tuple[subprocess.Popen, int]] = queue.Queue()
        self.running: set[subprocess.Popen] = set()
        self.lock = threading.Lock()
        self.closed = False
        self.started = 0
        for _ in range(count):
            self.idle.put(self._start())

    def _start(self) -> tuple[subprocess.Popen, int]:
        with self.lock:
            if self.closed:
                raise RuntimeError("the endpoint is stopping")
            self.started += 1
            log = self.folder / f"server-{self.started}.log"
        port = _loopback_port()
        server, _ = _start_server(self.store, log, "127.0.0.1", port, f"127.0.0.1:{port}")
        with self.lock:
            self.running.add(server)
        return server, port

    def take(self, timeout_s: float) -> tuple[subprocess.Popen, int] | None:
        """An idle server, or None if none is free within ``timeout_s``."""
        try:
            return self.idle.get(timeout=timeout_s)
        except queue.Empty:
            return None

    def give_back(self, backend: tuple[subprocess.Popen, int]) -> None:
        self.idle.put(backend)

    def replace(self, backend: tuple[subprocess.Popen, int]) -> None:
        """Kill a server in the middle of a request (its work stops with it) and start another."""
        server = backend[0]
        with contextlib.suppress(ProcessLookupError):
            server.kill()
        server.wait()
        with self.lock:
            self.running.discard(server)
        with contextlib.suppress(RuntimeError, InputError):
            self.idle.put(self._start())

    def close(self) -> None:
        with self.lock:
            self.closed = True
            running = list(self.running)
        for server in running:
            _stop(server)


def _loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _forward(port: int, method: str, target: str, headers: list[tuple[str, str]], body: bytes) -> tuple:
    connection = http.client.HTTPConnection("127.0.0.1", port)
    try:
        connection.request(method, target, body=body or None, headers=dict(headers))
        response = connection.getresponse()
        return response.status, response.reason, response.getheaders(), response.read()
    finally:
        connection.close()


def _client_gone(connection: socket.socket) -> bool:
    """The client closed its end (a readable socket with nothing to read)."""
    try:
        readable, _, _ = select.select([connection], [], [], 0)
        return bool(readable) and connection.recv(1, socket.MSG_PEEK) == b""
    except (OSError, ValueError):
        return True


class _Front(http.server.BaseHTTPRequestHandler):
    """Forwards each request to an idle backend, within the time limit."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: Nagle would hold the second 40 ms
    backends: _Backends
    timeout_s: float
    workers: concurrent.futures.ThreadPoolExecutor

    def log_message(self, format: str, *args: object) -> None:  # no line per request on stderr
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return self._answer(411, "send the request with a Content-Length")
        if length > MAX_REQUEST_BYTES:
            return self._answer(413, f"requests are limited to {MAX_REQUEST_BYTES >> 20} MiB")
        body = self.rfile.read(length) if length else b""
        if why := refusal(self.command, self.path, self.headers.get("Content-Type", ""), body):
            return self._answer(403, why)
        headers = [(k, v) for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP]
        backend = self.backends.take(self.timeout_s)
        if backend is None:
            return self._answer(503, f"every server was busy for {self.timeout_s:g} s; try again later")
        deadline = time.monotonic() + self.timeout_s
        answer = self.workers.submit(_forward, backend[1], self.command, self.path, headers, body)
        while True:
            try:
                status, reason, reply_headers, content = answer.result(timeout=0.05)
                break
            except concurrent.futures.TimeoutError:
                over, gone = time.monotonic() >= deadline, _client_gone(self.connection)
                if not (over or gone):
                    continue
                self.backends.replace(backend)
                concurrent.futures.wait([answer])
                if gone:
                    self.close_connection = True
                    return
                return self._answer(503, f"the query ran longer than {self.timeout_s:g} s and was stopped "
                                         "(kgraph serve --timeout)")
            except (OSError, http.client.HTTPException):
                self.backends.replace(backend)
                return self._answer(502, "the Oxigraph server stopped while answering; try again")
        self.backends.give_back(backend)
        self.send_response(status, reason)
        for name, value in reply_headers:
            if name.lower() not in _HOP_BY_HOP:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(content)

    def _answer(self, status: int, message: str) -> None:
        data = (message + "\n").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_OPTIONS = do_PATCH = _handle


class _FrontServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, bind: str, port: int) -> None:
        host = bind.strip("[]")
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, port), _Front)


def _serve_with_time_limit(source: Path, store: Path, folder: Path, bind: str, port: int, address: str,
                           timeout_s: float) -> int:
    backends = _Backends(store, folder, BACKENDS)
    try:
        handler = type("Handler", (_Front,), {"backends": backends, "timeout_s": timeout_s,
                                               "workers": concurrent.futures.ThreadPoolExecutor(64)})
        try:
            front = _FrontServer(bind, port)
        except OSError as error:
            raise InputError(address, f"the Oxigraph server could not start: {error.strerror or error}") from None
        front.RequestHandlerClass = handler
        with front:
            _say_serving(source, address, timeout_s)
            try:
                front.serve_forever(poll_interval=0.2)
            except KeyboardInterrupt:
                print("stopped", file=sys.stderr)
    finally:
        backends.close()
    return 0

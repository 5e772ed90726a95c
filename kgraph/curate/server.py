"""``kgraph review BUILD``: the review page, served on 127.0.0.1 only, appending to the curation file.

The page (``templates/review.*``) holds the queue as JSON; each button posts one decision
(``POST /decision``: the claim's id, the action, the corrected values), which the server names by
the claim's identity as extracted (``decisions.about``), stamps with the curator and the time, and
appends to the curation file under its lock (two tabs lose nothing). The server listens on the
loopback interface alone, answers only requests addressed to it (``Host``) and posts from its own
page (``Origin``), and sends a Content-Security-Policy that lets the page load nothing from elsewhere.
"""

from __future__ import annotations

import datetime
import http.server
import json
import os
import threading
from importlib import resources
from pathlib import Path

from kgraph.curate.decisions import CLAIM_VALUES, about, append_decisions, read_decisions
from kgraph.curate.queue import Item, read_queue
from kgraph.errors import InputError

HOST = "127.0.0.1"  # never another interface: the page writes to the curation file
MAX_BODY = 64 * 1024
PAGE_CLAIMS = 2000  # claims a page holds (those to review first); reloading it brings the next ones
ASSETS = {"/review.js": "application/javascript", "/review.css": "text/css"}
POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
          "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


def _template(name: str) -> str:
    return (resources.files("kgraph.curate") / "templates" / name).read_text(encoding="utf-8")


class Review:
    """The queue of one build and the curation file decisions go to (shared by the server's threads)."""

    def __init__(self, build: str | os.PathLike[str], curation: Path, curator: str) -> None:
        if not curator.strip():
            raise InputError("--curator", "give a name to record with each decision")
        if curation.exists():
            read_decisions(curation)  # a bad file is reported now, not after the first click
        self.build, self.curation, self.curator = str(build), curation, curator.strip()
        self.items: dict[int, Item] = {item.id: item for item in read_queue(build)}
        self.order = list(self.items)
        self.decided: dict[int, str] = {}  # id -> the action taken since the server started
        self.lock = threading.Lock()

    def progress(self) -> dict:
        with self.lock:
            reviewed = sum(1 for i in self.items.values() if i.claim.curation or i.id in self.decided)
            return {"reviewed": reviewed, "total": len(self.items), "decided": dict(self.decided)}

    def page(self) -> str:
        with self.lock:
            shown = sorted(self.order, key=lambda i: i in self.decided)[:PAGE_CLAIMS]  # a stable sort: in order
        data = {"build": self.build, "curator": self.curator, "curation": str(self.curation),
                "claims": [self.items[i].to_plain() for i in shown], **self.progress()}
        text = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
        return _template("review.html").replace("{{data}}", text)

    def decide(self, body: dict) -> dict:
        """Append the decision a page posted; ValueError saying what is wrong with it."""
        item = self.items.get(body.get("id")) if isinstance(body.get("id"), int) else None
        if item is None:
            raise ValueError("no such claim")
        action = body.get("action")
        values = body.get("set") or None
        if action not in ("accept", "reject", "correct"):
            raise ValueError("action must be accept, reject or correct")
        if values is not None and (not isinstance(values, dict) or set(values) - set(CLAIM_VALUES)):
            raise ValueError(f"'set' may give only {', '.join(CLAIM_VALUES)}")
        if values:
            values = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in values.items()}
        curation = item.claim.curation
        if action == "accept" and curation is not None and curation.original:
            # accepting a corrected claim accepts the curated values: it is the correction again (a
            # decision names a claim as extracted, so a plain accept would put the machine's back)
            action, values = "correct", {key: getattr(item.claim, key) for key in curation.original}
        at = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        decision = about(item.paper, "claim", item.claim, action, self.curator, at, values)
        append_decisions(self.curation, [decision])
        with self.lock:
            self.decided[item.id] = action
        return self.progress()


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # quiet: the terminal shows the address only
        pass

    def _send(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", POLICY)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, value: dict) -> None:
        self._send(status, json.dumps(value).encode("utf-8"), "application/json")

    def _addressed_to_us(self) -> bool:
        """Requests for another host name (DNS rebinding) or posted by another site's page are refused."""
        origin = f"http://{HOST}:{self.server.server_port}"
        hosts = {f"{HOST}:{self.server.server_port}", f"localhost:{self.server.server_port}"}
        return self.headers.get("Host") in hosts and self.headers.get("Origin", origin) in (
            origin, f"http://localhost:{self.server.server_port}")

    def do_GET(self) -> None:
        review = self.server.review
        if not self._addressed_to_us():
            self._json(403, {"error": "not addressed to this server"})
        elif self.path == "/":
            self._send(200, review.page().encode("utf-8"), "text/html; charset=utf-8")
        elif self.path in ASSETS:
            self._send(200, _template(self.path[1:]).encode("utf-8"), f"{ASSETS[self.path]}; charset=utf-8")
        elif self.path == "/progress":
            self._json(200, review.progress())
        elif self.path == "/favicon.ico":  # asked for by every browser: none, rather than a 404 in its console
            self._send(204, b"", "image/x-icon")
        else:
            self._json(404, {"error": "not found"})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if not self._addressed_to_us() or self.path != "/decision":
            self._json(403 if self.path == "/decision" else 404, {"error": "refused"})
            return
        if not 0 < length <= MAX_BODY or self.headers.get("Content-Type") != "application/json":
            self._json(400, {"error": "a JSON body of at most 64 KiB"})
            return
        try:
            self._json(200, self.server.review.decide(json.loads(self.rfile.read(length))))
        except (ValueError, AttributeError) as error:
            self._json(400, {"error": str(error)})


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, review: Review, port: int) -> None:
        self.review = review
        super().__init__((HOST, port), _Handler)


def review_server(build: str | os.PathLike[str], curation: Path, curator: str, port: int = 0) -> _Server:
    """The review server of ``build``, bound (``port`` 0: any free one) but not yet serving."""
    return _Server(Review(build, curation, curator), port)


def serve_review(build: str | os.PathLike[str], curation: Path, curator: str, port: int) -> int:
    try:
        server = review_server(build, curation, curator, port)
    except OSError as error:
        raise InputError(f"--port {port}", f"cannot listen on {HOST}: {error.strerror or error}") from None
    progress = server.review.progress()
    print(f"reviewing {progress['total'] - progress['reviewed']} unreviewed of {progress['total']} claims of {build} "
          f"as {server.review.curator} at http://{HOST}:{server.server_port}/ (decisions go to {curation}; "
          "Ctrl-C to stop, then build again to apply them)", flush=True)
    with server:
        server.serve_forever()
    return 0

"""A rebuild with nothing new, answered from the last build's record instead of being run again.

Run in full, a rebuild that finds nothing new still parses every input (from the kept
segments), reads the papers.jsonl index, the name tally, the state and the graph.ttl index,
resolves every name, copies papers.jsonl and graph.ttl onto themselves and writes every index
again: at 100,000 papers, 6-8 s to change nothing. Each build (``run.build``) therefore ends by
writing a record of

- what it was asked (``request``): a digest of each input's bytes, with the input's name as given
  (outputs name an input by it) and the options that change what is read, and of the curation
  file and the IRI registry given;
- what did the work: ``state.versions()``, the page's version and the build's limits;
- what it left: the size, modification and change times and inode of every file of the build
  folder and of its state folder (the outputs, every index, the state, the registry ...);
- what it reported.

A rebuild asked the same, by the same code, into a folder whose files are all as recorded,
would copy every line, write no RDF and keep the page (and it would find every one of those
files trusted, by the same sizes and times). It reports what the last build found, with no
work done. Any build that goes on deletes the record before it changes anything, so a build
that fails or is killed leaves none, and the next one runs in full.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path

from kgraph.build.page import page_version
from kgraph.build.state import versions
from kgraph.folder import BuildFolder
from kgraph.io import write_text

RECORD_FORMAT = "1"


def request(inputs: Iterable[str], options: Iterable[object], files: Iterable[Path | None]) -> str | None:
    """What a build is asked: each input (its name as given, a digest of its bytes), the options
    that change how inputs are read, and the other files it reads (a digest of each, or their
    absence); None if an input is not a regular file (the build says what is wrong with it)."""
    digest = hashlib.sha256(json.dumps([str(option) for option in options]).encode())
    try:
        for name in inputs:
            digest.update(f"\0input {name}\0{_file_digest(Path(name))}".encode())
        for path in files:
            there = path is not None and path.is_file()
            digest.update(f"\0file {path}\0{_file_digest(path) if there else 'none'}".encode())
    except OSError:
        return None
    return digest.hexdigest()


def _file_digest(path: Path) -> str:
    if not stat.S_ISREG(path.stat().st_mode):  # a FIFO would not even open without a writer
        raise OSError(f"{path} is not a regular file")
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _code(limits: object) -> str:
    return json.dumps([asdict(versions()), page_version(), repr(limits)])


def _files(folder: BuildFolder) -> dict[str, object]:
    """Every file of the build folder and of its state folder (but the lock and this record):
    size, modification time, change time (which no one can set back: an edit whose
    modification time was restored still shows) and inode (a file replaced); a folder is only there."""
    found: dict[str, object] = {}
    for where in (folder.path, folder.state_dir):
        with os.scandir(where) as entries:
            for entry in entries:
                path = Path(entry.path)
                if path in (folder.lock, folder.build_record):
                    continue
                status = entry.stat(follow_symlinks=False)
                found[str(path.relative_to(folder.path))] = ("folder" if entry.is_dir() else [
                    status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino])
    return found


def record(folder: BuildFolder, asked: str, limits: object, report: dict) -> None:
    """Note, last thing of a build, what it was asked, by which code, what it left and reported."""
    body = {"format": RECORD_FORMAT, "request": asked, "code": _code(limits), "report": report}
    body["files"] = _files(folder)
    write_text(folder.build_record, json.dumps(body))


def recorded(folder: BuildFolder, asked: str, limits: object) -> dict | None:
    """The last build's report if it was asked ``asked`` by this code, and the folder's files are
    as it left them (no build interrupted since: it would have deleted the record); else None."""
    try:
        body = json.loads(folder.build_record.read_bytes())
        same = (body["format"] == RECORD_FORMAT and body["request"] == asked and body["code"] == _code(limits)
                and body["files"] == _files(folder))
    except (OSError, ValueError, TypeError, KeyError):
        return None
    return body["report"] if same and isinstance(body["report"], dict) else None


def forget(folder: BuildFolder) -> None:
    """Delete the record, before a build changes anything."""
    folder.build_record.unlink(missing_ok=True)

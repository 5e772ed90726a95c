"""The rooms of kgraph import only what docs/architecture.md says they may."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "kgraph"
FLOOR = {"model", "schema", "errors", "io"}
ROOMS = ("build", "query", "viz", "rdf", "ingest", "extract", "curate")
# room -> the rooms it may import (besides itself)
ALLOWED = {
    "schema": set(),
    "model": {"schema"},
    "errors": set(),
    "io": {"errors"},
    "ingest": FLOOR,
    "extract": {"model", "schema"},
    "resolve": {"model"},
    "graph": {"model", "schema", "resolve"},
    "asof": {"model", "schema"},
    "conflicts": {"asof"},
    "rank": {"asof"},
    "rdf": FLOOR | {"asof", "conflicts", "rank"},
    "viz": FLOOR | {"asof", "conflicts", "rank"},
    "folder": FLOOR,
    "saved": FLOOR | {"folder", "graph", "resolve"},
    "predictions": FLOOR,
    "query": FLOOR | {"rdf", "folder", "saved", "graph", "resolve"},
    "curate": FLOOR | {"folder", "saved", "graph", "resolve", "predictions"},
    "build": FLOOR | {"kgraph", "ingest", "extract", "resolve", "graph", "asof", "conflicts", "rank", "rdf", "viz",
                      "folder", "saved", "curate"},
    "usage": set(),
    "api": FLOOR | {"query"},
    "cli": FLOOR | {"build", "query", "viz", "ingest", "extract", "folder", "saved", "predictions", "curate", "usage"},
    "__main__": {"cli"},
}


def _room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "kgraph":
            found.add(_room(node.module))
        elif isinstance(node, ast.Import):
            found |= {_room(alias.name) for alias in node.names if alias.name.split(".")[0] == "kgraph"}
    return found


def test_each_room_imports_only_what_it_may():
    wrong = {}
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        room = relative.parts[0] if len(relative.parts) > 1 else relative.stem
        if room == "__init__":
            continue
        extra = _imports(path) - ALLOWED[room] - {room}
        if extra:
            wrong[str(relative)] = sorted(extra)
    assert wrong == {}


def test_the_tree_shows_the_rooms():
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()} - {"ontology"}  # installed there
    assert packages == set(ROOMS)
    assert not [name for name, allowed in ALLOWED.items() if name != "cli" and "build" in allowed]

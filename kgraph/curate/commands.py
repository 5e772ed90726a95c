"""The curation commands: ``kgraph review``, ``kgraph curation orphans|export`` and ``build --curation``.

``cli`` adds them to its parser (``add_curation_commands``); each reads the build folder (its
papers.jsonl, curation file and ``.kgraph/curation.json``) and never the build's machinery.
"""

from __future__ import annotations

import argparse
import getpass
import json
import subprocess
from collections.abc import Callable
from pathlib import Path

from kgraph.errors import InputError
from kgraph.folder import BuildFolder
from kgraph.curate.ledger import Ledger

DEFAULT_REVIEW_PORT = 7879


def curation_file(given: str | None, build: str | Path) -> Path | None:
    """The curation file a command uses: the one given, else the build folder's if it has one."""
    if given is not None:
        return Path(given)
    default = BuildFolder(build).curation
    return default if default.exists() else None


def read_ledger(given: str | None, build: str | Path) -> Ledger:
    """The decisions of the curation file of a build (an InputError naming the line of a bad one)."""
    return Ledger.read(curation_file(given, build))


def curation_line(summary, output: str | Path) -> str | None:
    """What ``kgraph build`` prints of the curation (``build.curation_phase.CurationSummary``)."""
    if not summary.decisions and not summary.orphans:
        return None
    line = (f"curation: {summary.decisions} decisions in force, {summary.applied} applied "
            f"({summary.rejected} facts rejected), {len(summary.orphans)} orphans")
    if summary.orphans:
        line += f" (kgraph curation orphans {output} lists them)"
    if summary.rejected:
        line += f"; rejected facts kept in {BuildFolder(output).rejected}"
    return line


def saved_record(build: str | Path) -> dict:
    """What the last build of ``build`` found of its curation file (``.kgraph/curation.json``)."""
    path = BuildFolder(build).curation_record
    try:
        with path.open("rb") as handle:
            handle.readline()  # the header binding it to papers.jsonl
            return json.loads(handle.read())
    except FileNotFoundError:
        raise InputError(str(path), "no curation record: build the folder with a curation file first") from None
    except (OSError, ValueError) as error:
        raise InputError(str(path), f"not a kgraph curation record ({error})") from None


def cmd_orphans(args: argparse.Namespace) -> int:
    """List the decisions the last build could not apply; exit 1 when there are some."""
    record = saved_record(args.build)
    orphans = record.get("orphans", [])
    source = record.get("file") or "the curation file"
    print(f"{len(orphans)} orphan decisions in {source}")
    for line, why, what in orphans:
        print(f"  {source}:{line}: {what}: {why}")
    return 1 if orphans else 0


def cmd_export(args: argparse.Namespace) -> int:
    from kgraph.curate.gold import export_gold

    written, partial = export_gold(args.build, args.gold)
    print(f"wrote {written} reviewed papers to {args.gold}"
          + (f" ({partial} papers with claims still unreviewed left out)" if partial else ""))
    return 0


def curator_name(given: str | None) -> str:
    """Who reviews: ``--curator``, else ``git config user.name``, else the login name."""
    if given and given.strip():
        return given.strip()
    try:
        found = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        found = ""
    return found or getpass.getuser()


def cmd_review(args: argparse.Namespace) -> int:
    from kgraph.curate.server import serve_review

    target = Path(args.curation) if args.curation else BuildFolder(args.build).curation
    return serve_review(args.build, target, curator_name(args.curator), args.port)


def add_curation_commands(commands: argparse._SubParsersAction,
                          command: Callable[[argparse._SubParsersAction, str, str], argparse.ArgumentParser]) -> None:
    """``review`` and ``curation``, made by ``command`` (the command line's maker of subcommands with their usage)."""
    review = command(commands, "review", "serve the review page of a build's unreviewed claims on 127.0.0.1")
    review.add_argument("build", metavar="BUILD", help="a build folder")
    review.add_argument("--port", type=int, default=DEFAULT_REVIEW_PORT,
                        help=f"TCP port on 127.0.0.1 (default: {DEFAULT_REVIEW_PORT}; 0: any free one)")
    review.add_argument("--curator", help="your name, recorded with each decision (default: git config user.name)")
    review.add_argument("--curation", metavar="FILE", help="the curation file to append to (default: BUILD/curation.jsonl)")
    review.set_defaults(run=cmd_review)

    curation = command(commands, "curation", "what a build made of its curation file: orphans, gold export")
    actions = curation.add_subparsers(dest="action", required=True)
    orphans = actions.add_parser("orphans", help="list the decisions whose fact the last build no longer found")
    orphans.add_argument("build", metavar="BUILD", help="a build folder")
    orphans.set_defaults(run=cmd_orphans)
    export = actions.add_parser("export", help="write the reviewed papers as gold annotations")
    export.add_argument("build", metavar="BUILD", help="a build folder")
    export.add_argument("--gold", required=True, metavar="FILE", help="gold-format JSON Lines file to write")
    export.set_defaults(run=cmd_export)

"""Command line: ``kgraph build`` and ``kgraph extract``. It only wires the stages together."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from tqdm import tqdm

from kgraph.atomic import atomic_writer
from kgraph.errors import InputError
from kgraph.extract import extract_paper
from kgraph.graph import build_graph, summary
from kgraph.ingest import FORMATS, read_papers
from kgraph.model import Extraction, Paper
from kgraph.predictions import gold_record
from kgraph.rdf import write_turtle
from kgraph.resolve import resolve
from kgraph.viz import write_html

# Below this many papers the progress bar would only flicker.
PROGRESS_MIN_PAPERS = 50


def _extract_all(papers: list[Paper]) -> dict[str, Extraction]:
    bar = tqdm(papers, desc="extracting", unit="paper", disable=len(papers) < PROGRESS_MIN_PAPERS or None,
               file=sys.stderr)
    return {paper.key: extract_paper(paper) for paper in bar}


def _write_jsonl(path: Path, records: Sequence[dict]) -> None:
    with atomic_writer(path) as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")


def cmd_build(args: argparse.Namespace) -> int:
    papers = read_papers(args.inputs, args.format)
    extractions = _extract_all(papers)
    graph = build_graph(papers, extractions, resolve(extractions.values()))
    out = Path(args.output)
    _write_jsonl(out / "papers.jsonl",
                 [{"paper": p.to_dict(), "extraction": extractions[p.key].to_dict()} for p in papers])
    write_turtle(graph, out / "graph.ttl")
    write_html(graph, out / "graph.html")
    counts = summary(graph)
    print(f"papers: {counts.pop('Paper')}")
    claims = counts.pop("claims")
    print("entities: " + ", ".join(f"{count} {kind.lower()}s" for kind, count in counts.items()))
    print(f"claims (outperforms): {claims}")
    print(f"wrote {out / 'graph.ttl'}, {out / 'graph.html'}, {out / 'papers.jsonl'}")
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    papers = read_papers(args.inputs, args.format)
    extractions = _extract_all(papers)
    _write_jsonl(Path(args.output), [gold_record(p, extractions[p.key]) for p in papers])
    print(f"wrote {len(papers)} papers to {args.output}")
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="kgraph", description="Turn ML paper abstracts into a who-beats-whom knowledge graph.")
    commands = root.add_subparsers(dest="command", required=True)

    def inputs(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("inputs", nargs="+", help="Daily Papers .txt listings, .jsonl, .csv or arXiv Atom .xml files")
        sub.add_argument("--format", choices=FORMATS, help="input format (default: by extension, else sniffed)")

    build = commands.add_parser("build", help="build graph.ttl, graph.html and papers.jsonl")
    inputs(build)
    build.add_argument("-o", "--output", default="outputs", help="output folder (default: outputs)")
    build.set_defaults(run=cmd_build)

    extract = commands.add_parser("extract", help="write one gold-format JSON line per paper, for scoring")
    inputs(extract)
    extract.add_argument("-o", "--output", required=True, help="predictions .jsonl file")
    extract.set_defaults(run=cmd_extract)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except InputError as error:
        print(f"kgraph: error: {error}", file=sys.stderr)
        return 2
    except OSError as error:  # e.g. an output folder without write permission
        print(f"kgraph: error: {error.filename or ''}: {error.strerror or error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("kgraph: interrupted; no output was half-written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

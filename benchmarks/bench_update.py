"""What small updates cost, on the issue-20 scenario: the shared corpus 12 times (distinct titles).

    python benchmarks/bench_update.py [--copies 12] [--jobs 2] [--work /tmp/kgraph-update]

Prints the wall time of ``kgraph build`` (a process, as a user runs it) for the full build, a
rebuild with nothing new, and ``--update`` with about 1.5% new papers (one more copy of the
first listing), with the build's own counts of papers extracted and of papers whose RDF was
rewritten.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from kgraph.build import build
from kgraph.ingest import read_papers

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"


def write_copies(papers: list, copies: range, path: Path) -> int:
    with path.open("w", encoding="utf-8") as out:
        for n in copies:
            for paper in papers:
                out.write(json.dumps({"title": f"{paper.title} ({n})", "abstract": paper.abstract}) + "\n")
    return len(papers) * len(copies)


def timed_cli(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kgraph", "build", *args], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=12)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--work", type=Path, default=Path("/tmp/kgraph-update"))
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    corpus = read_papers(sorted(CORPUS.glob("*.txt")))
    first_listing = read_papers(sorted(CORPUS.glob("*.txt"))[0])
    base, extra = args.work / "base.jsonl", args.work / "new.jsonl"
    total = write_copies(corpus, range(args.copies), base)
    added = write_copies(first_listing, range(args.copies, args.copies + 1), extra)
    out, jobs = args.work / "out", ["-j", str(args.jobs)]
    full = timed_cli(str(base), "-o", str(out), *jobs)
    noops = [timed_cli(str(base), "-o", str(out), *jobs) for _ in range(3)]
    # the same two small builds in this process, for the build's own counts (the second on a copy)
    papers = read_papers([base])
    start = time.perf_counter()
    report = build(papers, out, jobs=args.jobs)
    print(f"no-op in-process: {time.perf_counter() - start:.2f} s; extracted {report.extracted}, names parsed "
          f"{report.names_parsed}, RDF rewritten {report.rewritten}, entities serialized "
          f"{report.entities_serialized}, page made {report.page_made}")
    grown = args.work / "grown"
    shutil.copytree(out, grown)
    report = build(papers + read_papers([extra]), grown, jobs=args.jobs)
    print(f"+{added} in-process: extracted {report.extracted}, names parsed {report.names_parsed}, "
          f"RDF rewritten {report.rewritten}, entities serialized {report.entities_serialized}")
    update = timed_cli(str(extra), "--update", str(out), *jobs)
    print(f"papers: {total} (+{added} new), --jobs {args.jobs}")
    print(f"full build:        {full:6.1f} s")
    print(f"no-op rebuild:     {', '.join(f'{s:.1f}' for s in noops)} s (three in a row)")
    print(f"--update +{added}:     {update:6.1f} s")


if __name__ == "__main__":
    main()

"""What curation costs a build: the shared corpus N times (distinct titles), built, then built again
with no curation, with a curation file of D decisions (first applied, then unchanged), and with
one decision more.

    python benchmarks/bench_curation.py [--copies 4] [--decisions 200] [--work /tmp/kgraph-curation]

Prints the wall time of each build (in this process, one job) with the build's own counts: papers
extracted, papers whose line was curated again, papers whose RDF was rewritten.
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

from kgraph.build import build
from kgraph.curate.decisions import about, append_decisions
from kgraph.curate.ledger import Ledger
from kgraph.ingest import read_papers
from kgraph.saved import read_saved

from bench_update import CORPUS, write_copies

AT = "2026-12-07T06:00:00Z"


def timed(papers, out: Path, curation: Path | None, label: str) -> None:
    start = time.perf_counter()
    report = build(papers, out, jobs=1, curation=Ledger.read(curation) if curation else None)
    seconds = time.perf_counter() - start
    print(f"{label:<44} {seconds:6.2f} s   extracted {report.extracted:5}   curated again "
          f"{report.curation.papers_curated:4}   RDF rewritten {report.rewritten:5}   "
          f"applied {report.curation.applied:4}   orphans {len(report.curation.orphans)}")


def decisions(out: Path, count: int) -> list:
    """Every n-th claim of the build: rejected, corrected (its margin) or accepted in turn."""
    saved, extractions = read_saved(out)
    claims = [(paper, claim) for paper in saved for claim in extractions[paper.key].claims]
    step = max(1, len(claims) // count)
    made = []
    for n, (paper, claim) in enumerate(claims[::step][:count]):
        action = ("reject", "correct", "accept")[n % 3]
        values = {"margin": "1.0%"} if action == "correct" else None
        made.append(about(paper, "claim", claim, action, "Bench", AT, values))
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--decisions", type=int, default=200)
    parser.add_argument("--work", type=Path, default=Path("/tmp/kgraph-curation"))
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    base = args.work / "base.jsonl"
    total = write_copies(read_papers(sorted(CORPUS.glob("*.txt"))), range(args.copies), base)
    papers = read_papers([base])
    out, curation = args.work / "out", args.work / "curation.jsonl"
    print(f"{total} papers")
    timed(papers, out, None, "full build")
    timed(papers, out, None, "rebuild, no curation")
    made = decisions(out, args.decisions)
    append_decisions(curation, made[1:])
    timed(papers, out, curation, f"rebuild, {len(made) - 1} decisions new")
    timed(papers, out, curation, "rebuild, the same decisions")
    append_decisions(curation, made[:1])
    timed(papers, out, curation, "rebuild, one decision more")


if __name__ == "__main__":
    main()

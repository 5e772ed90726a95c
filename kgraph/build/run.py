"""A whole build, streamed, in named phases passing small typed values:

1. read and extract (``extract_phase``): papers.jsonl, each paper's names counted;
2. plan (``plan``): resolve the names, fingerprint each paper, choose what the page shows and
   which papers' and entities' RDF is written again;
3. write the store and graph.ttl (``rdf_phase``) while a worker makes the page (``page``);
4. commit: graph.html into place, then the state the next build starts from (``state``).

Only papers whose facts or resolved entities changed since the last build are rewritten, which
makes ``kgraph build`` on a grown input, and ``--update``, incremental. The build folder's files
are ``kgraph.folder.BuildFolder``'s; what invalidates what is ``state.versions()``.
"""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from kgraph.build.curation_phase import Curating, CurationSummary
from kgraph.build.engine import POOL_MIN_PAPERS
from kgraph.build.extract_phase import ExtractCounts, Extracted, extract, save_for_next_build
from kgraph.build.page import lines_at, made_before, page_key, record_page, render_page
from kgraph.build.papers_index import read_papers_index
from kgraph.build.plan import (PAGE_ALL_PAPERS_LIMIT, PAGE_MAX_METHODS, PageChoice, Scan, choose_page,
                               entity_fingerprints, plan_rdf, scan)
from kgraph.build.rdf_phase import Chunking, RdfJob, write_rdf
from kgraph.build.state import BuildState, Versions, read_registry, versions
from kgraph.build import unchanged
from kgraph.build.workers import Workers
from kgraph.curate.ledger import Ledger
from kgraph.folder import BuildFolder
from kgraph.io import write_text
from kgraph.model import Paper
from kgraph.resolve import Registry, Resolution
from kgraph.schema import NODE_TYPES, PAPER_TYPE

Progress = Callable[[str, int], Callable[[int], None]]  # (stage, total) -> advance(n)


@dataclass(frozen=True)
class Limits:
    """Sizes a build works in: the defaults suit large corpora; tests make them small."""

    page_all_papers: int = PAGE_ALL_PAPERS_LIMIT  # above this many papers the page shows claim-making ones only
    page_max_methods: int = PAGE_MAX_METHODS
    pool_min_papers: int = POOL_MIN_PAPERS  # fewer papers to extract or to write as RDF stay in this process
    chunking: Chunking = Chunking()


@dataclass
class BuildReport:
    """What a build made (``counts``, ``notes``) and what it did, counted (the work an incremental build spares)."""

    counts: dict[str, int]
    extracted: int = 0  # papers extracted now (not from the cache)
    from_cache: int = 0  # papers whose extraction was read from the cache
    lines_copied: int = 0  # papers.jsonl lines copied from the last one
    names_counted: int = 0  # papers whose names were counted for resolution (not taken from the saved tally)
    names_parsed: int = 0  # papers whose names were resolved again (not taken as the last build found them)
    rewritten: int = 0  # papers whose RDF was (re)written
    entities_serialized: int = 0  # entities whose Turtle was made (not copied from the last graph.ttl)
    chunks_loaded: int = 0  # Turtle chunks bulk-loaded into the store
    store_deleted: int = 0  # papers deleted from the store before being written again (or for good)
    store_rebuilt: bool = False  # the store was built from nothing
    store_compacted: bool = False
    analysis_written: bool = False  # the conflicts and standings of all claims were made again
    page_made: bool = False  # graph.html was made (not kept: the last build's shows the same)
    curation: CurationSummary = field(default_factory=CurationSummary)  # what the curation file did
    papers_with_claims: int = 0  # papers that state at least one claim (users learn early how few do)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Options:
    jobs: int
    dask_address: str | None
    use_cache: bool
    progress: Progress | None
    limits: Limits
    iris: Path | None = None  # an IRI registry to start from (``kgraph build --iris``)
    curation: Ledger = field(default_factory=lambda: Ledger([]))  # the decisions applied

    def advance(self, stage: str, total: int) -> Callable[[int], None] | None:
        return self.progress(stage, total) if self.progress and total else None


def build(papers: list[Paper], output: Path, jobs: int = 1, dask_address: str | None = None,
          use_cache: bool = True, progress: Progress | None = None, limits: Limits = Limits(),
          iris: Path | None = None, curation: Ledger | None = None, request: str | None = None) -> BuildReport:
    """Build (or bring up to date) the outputs in ``output`` for these papers, the curation
    decisions of ``curation`` applied to their facts (``kgraph.curate``).

    Entity IRIs are those of the folder's registry (``.kgraph/iris.json``), else of ``iris`` (a
    registry exported from another build), for the names they hold; new names get new ones.
    ``request`` (``unchanged.request``: what these papers were read from) is recorded with the
    report, so that a rebuild asked the same is answered by ``unchanged_build``.

    What a build holds for long (the papers, then their names and resolution) is moved out of
    the garbage collector's sight as it is made (``gc.freeze``), until the build ends: each full
    collection would otherwise walk all of it again (at 100,000 papers, seconds of a rebuild
    that extracts a few). The end unfreezes everything, also what a caller may have frozen.
    """
    gc.freeze()
    folder = BuildFolder(output)
    try:
        with folder.locked():
            unchanged.forget(folder)  # before anything changes: a build that stops leaves no record
            folder.remove_leftovers()  # of a killed build (no other is running: this one holds the lock)
            report = _build(papers, folder, _Options(jobs, dask_address, use_cache, progress, limits, iris,
                                                     curation or Ledger([])))
            if request is not None and use_cache:
                unchanged.record(folder, request, limits, _findings(report))
            return report
    finally:
        gc.unfreeze()


def _findings(report: BuildReport) -> dict:
    """What a build found, as a rebuild with nothing new would report it (it does no work)."""
    curation = replace(report.curation, papers_curated=0)
    return {"counts": report.counts, "curation": asdict(curation), "papers_with_claims": report.papers_with_claims,
            "notes": report.notes}


def unchanged_build(output: Path, request: str, limits: Limits = Limits()) -> BuildReport | None:
    """The report of a rebuild asked ``request`` when the folder holds what the last build,
    asked the same by this code, left (``unchanged``), without running it: it would copy every
    line, write no RDF and keep the page. None: run ``build``."""
    folder = BuildFolder(output)
    if not folder.build_record.is_file():
        return None
    with folder.locked():  # not while another build is changing the folder
        found = unchanged.recorded(folder, request, limits)
    try:
        curation = found["curation"]
        orphans = [tuple(orphan) for orphan in curation.pop("orphans")]
        return BuildReport(counts=dict(found["counts"]), lines_copied=found["counts"][PAPER_TYPE],
                           curation=CurationSummary(**curation, orphans=orphans),
                           papers_with_claims=found["papers_with_claims"], notes=list(found["notes"]))
    except (TypeError, KeyError, ValueError):  # none, or not a report this version records
        return None


def saved_digests(output: Path) -> list[str] | None:
    """``Paper.digest`` of each paper in the build's papers.jsonl, in order, as its index holds
    them; None if the index is not of this papers.jsonl (or of another extractor)."""
    folder = BuildFolder(output)
    return list(read_papers_index(folder.papers_index, folder.papers, versions().lines)) or None


@dataclass
class _Resolved:
    """What phases 1 and 2 leave for the rest."""

    resolution: Resolution
    found: Scan
    curating: Curating
    state: BuildState | None
    placed: list[tuple[int, int]]  # where each paper's line lies in papers.jsonl
    registered: Registry  # the IRI registry as the build found it


def _build(papers: list[Paper], folder: BuildFolder, options: _Options) -> BuildReport:
    report = BuildReport(counts={})
    current = versions()
    registry = read_registry(folder.iris, options.iris)  # before any work: a bad one is an error
    resolved, extracted = _extract_and_resolve(papers, folder, current, options, report, registry)
    page = choose_page(resolved.found, options.limits.page_all_papers, options.limits.page_max_methods)
    report.notes += page.notes
    key = _page_key(resolved, page)
    kept_page_claims = made_before(folder, key)  # None: the page is made again
    report.page_made = kept_page_claims is None
    with contextlib.ExitStack() as stack:
        # Workers, when the RDF or the page is big enough to be worth starting them, hold the
        # resolution: one makes the page (the longest task left, so it starts first) while the
        # others, then it too, write the changed papers' RDF (or this process does, when they are few).
        workers = Workers(stack, options.jobs, resolved.resolution)
        render = (render_page, folder.papers, [resolved.placed[n] for n in sorted(page.lines)], page.keep)
        page_made = (_start_page(workers, render) if report.page_made and _worth_workers(options, len(page.lines))
                     else None)
        save_for_next_build(folder, current, extracted, resolved.curating)  # while the page is made
        del extracted  # its lines and names: all that phase 3 needs of them is ``resolved``
        plan = plan_rdf(folder, resolved.found, resolved.resolution, resolved.state, current.rdf)
        in_workers = _worth_workers(options, len(plan.changed))
        if in_workers and page_made is None and report.page_made:
            page_made = _start_page(workers, render)
        folder.updating.touch()  # before graph.ttl or the store change; removed once the state says what they hold
        job = RdfJob(folder, functools.partial(lines_at, folder.papers, resolved.placed), workers, in_workers,
                     options.jobs, options.limits.chunking, options.advance("writing RDF", len(plan.changed)))
        write_rdf(job, plan)
        page_claims = kept_page_claims
        if page_claims is None:
            page_claims, page_html = page_made.result() if page_made else workers.here(*render)
            write_text(folder.page, page_html)  # here, not by the worker: only a build that got this far replaces it
            record_page(folder, key, page_claims)
    _commit(folder, report, resolved, plan.entities, current, page_claims, options.limits)
    report.rewritten = len(plan.changed)
    _count_rdf(report, job)
    return report


def _extract_and_resolve(papers: list[Paper], folder: BuildFolder, current: Versions, options: _Options,
                         report: BuildReport, registry: Registry) -> tuple[_Resolved, Extracted]:
    """Phases 1 and 2: papers.jsonl written and its names counted, then resolved and scanned."""
    counts = ExtractCounts()
    curating = Curating(options.curation, folder, current.lines)
    extracted = extract(papers, folder, current, options.jobs, options.dask_address, options.use_cache,
                        options.advance("extracting", len(papers)), counts, options.limits.pool_min_papers, curating)
    report.curation = curating.summary()
    report.extracted, report.from_cache = counts.extracted, counts.from_cache
    report.lines_copied, report.names_counted = counts.copied, counts.names_counted
    gc.freeze()  # the lines, held to the end of the build
    resolution = extracted.tally.resolution(registry)
    state = BuildState.read(folder.state)
    found = scan(papers, extracted.lines, resolution, state, extracted.tally)
    report.names_parsed = found.names_parsed
    gc.freeze()  # the resolution and what the scan found
    return _Resolved(resolution, found, curating, state, extracted.placed(), registry), extracted


def _page_key(resolved: _Resolved, page: PageChoice) -> str:
    prints = list(resolved.found.fingerprints.values())
    entities = entity_fingerprints(resolved.resolution)
    return page_key((prints[n] for n in sorted(page.lines)), page.keep, (f"{e}={p}" for e, p in sorted(entities.items())))


def _worth_workers(options: _Options, papers: int) -> bool:
    return options.jobs > 1 and papers >= options.limits.pool_min_papers


def _start_page(workers: Workers, render: tuple) -> Future[tuple[int, str]]:
    workers.start()
    return workers.submit(*render)


def _commit(folder: BuildFolder, report: BuildReport, resolved: _Resolved, entities: dict[str, str],
            current: Versions, page_claims: int, limits: Limits) -> None:
    """The counts, then the state the next build starts from: written only once the store is
    consistent, and then the outputs are as it says (the ``updating`` marker goes)."""
    found = resolved.found
    report.counts = _counts(resolved.resolution, found, page_claims, limits)
    report.papers_with_claims = len(found.claimed)
    if resolved.resolution.registry != resolved.registered or not folder.iris.exists():
        write_text(folder.iris, resolved.resolution.registry.to_json())  # IRIs minted now are kept, whatever follows
    BuildState(found.fingerprints, entities, found.claimed, resolved.resolution.to_plain(), found.line_digests,
               current.rdf).write(folder.state)
    folder.updating.unlink()


def _count_rdf(report: BuildReport, job: RdfJob) -> None:
    counts = job.counts
    report.entities_serialized, report.chunks_loaded = counts.entities_serialized, counts.chunks_loaded
    report.store_deleted, report.store_rebuilt = counts.store_deleted, counts.store_rebuilt
    report.store_compacted, report.analysis_written = counts.store_compacted, counts.analysis_written


def _counts(resolution: Resolution, found: Scan, page_claims: int, limits: Limits) -> dict[str, int]:
    """The build's counts, which cover everything (the page's claims are all claims when it shows every paper)."""
    total = len(found.fingerprints)
    counts = {PAPER_TYPE: total, **{kind: 0 for kind in NODE_TYPES.values()}}
    for entity in resolution.entities.values():
        counts[NODE_TYPES[entity.kind]] += 1
    counts["claims"] = found.claim_count if total > limits.page_all_papers else page_claims
    return counts


__all__ = ["BuildReport", "Limits", "Progress", "build", "saved_digests", "unchanged_build"]

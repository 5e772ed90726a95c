"""The explorer on the corpus build, as a new reader meets it in Chromium at 1400x900 (issue 23):
a readable default view, filters that re-fit and relabel, the claims table (sort, evidence),
downloads whose content matches what is shown, and filters kept in the URL fragment."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CORPUS
from test_viz import READY

pytestmark = pytest.mark.browser

VIEWPORT = (1400, 900)
READABLE_PX = 12  # the bar: the smallest method name drawn at least this large
# The smallest name drawn, in screen pixels: the canvas scale times the smallest font of a shown method.
SMALLEST_NAME = ("() => kg.network.getScale() * Math.min(...kg.nodes.getIds()"
                 ".map(id => kg.network.body.nodes[id].options.font.size))")
# Every shown method's centre in the canvas, and the canvas' size, in screen pixels.
INSIDE = ("() => { const box = document.getElementById('kg-network'); return kg.nodes.getIds().every(id => {"
          " const p = kg.network.canvasToDOM(kg.network.getPosition(id));"
          " return p.x >= 0 && p.y >= 0 && p.x <= box.clientWidth && p.y <= box.clientHeight; }); }")
TABLE = ("() => Array.from(document.querySelectorAll('#kg-table tr[data-claim]'),"
         " tr => Array.from(tr.cells, td => td.textContent))")


@pytest.fixture(scope="module")
def corpus_page(tmp_path_factory) -> Path:
    """graph.html of the corpus build (the shared Daily Papers listings)."""
    listings = sorted(CORPUS.glob("*.txt"))
    if not listings:
        pytest.skip(f"the shared corpus is absent ({CORPUS})")
    out = tmp_path_factory.mktemp("corpus")
    # its own process: a build in this one would run beside Playwright's event loop
    subprocess.run([sys.executable, "-m", "kgraph", "build", *map(str, listings), "-o", str(out)], check=True,
                   capture_output=True)
    return out / "graph.html"


def _open(local_page, path: Path, viewport: tuple[int, int] = VIEWPORT, fragment: str = ""):
    page, log = local_page(path, viewport)
    if fragment:
        page.goto(path.resolve().as_uri() + fragment)
    page.wait_for_function(READY)
    return page, log


def _clean(log) -> None:
    assert log.console_errors == [] and log.page_errors == [] and log.external_requests == []


def _download(page, selector: str) -> bytes:
    with page.expect_download() as info:
        page.click(selector)
    return Path(info.value.path()).read_bytes()


def _number(text: str) -> float | None:
    found = re.search(r"[-+]?\d+(?:\.\d+)?", text.replace(",", ""))
    return float(found.group()) if found else None


@pytest.mark.parametrize("viewport", [VIEWPORT, (1920, 1080)])
def test_default_view_is_readable_at_a_glance(corpus_page, local_page, viewport):
    page, log = _open(local_page, corpus_page, viewport)
    assert page.evaluate(SMALLEST_NAME) >= READABLE_PX
    assert page.evaluate(INSIDE)
    shown = page.evaluate("() => kg.shown().methods.length")
    assert shown >= 15  # a view of the busiest groups, not one lonely pair
    with_claims = page.evaluate("() => new Set(kg.data.edges.flatMap(e => [e.from, e.to])).size")
    if shown < with_claims:
        assert "“Show all” for" in page.inner_text("#kg-status")
    _clean(log)


def test_a_benchmark_filter_refits_and_relabels_the_arrows(corpus_page, local_page):
    page, log = _open(local_page, corpus_page)
    busiest = page.evaluate("() => kg.data.benchmarks.slice().sort((a, b) => b.count - a.count)[0]")
    before = page.evaluate("() => kg.network.getScale()")
    page.select_option("#kg-benchmark", busiest["id"])
    assert page.evaluate(INSIDE)
    assert page.evaluate(SMALLEST_NAME) >= READABLE_PX
    assert page.evaluate("() => kg.network.getScale()") > before  # fewer methods, drawn larger
    shown = page.evaluate("() => kg.shown().methods")
    assert shown and page.evaluate(  # each shown method has a claim on that benchmark
        "([b, ids]) => ids.every(id => kg.current().live.some((ok, i) => ok && kg.claims[i].benchmark === b"
        " && (kg.claims[i].winner === id || kg.claims[i].loser === id)))", [busiest["id"], shown])
    # no arrow label names a benchmark any more (the filter names it), not even one of its other claims
    labels = page.evaluate("() => kg.edges.get().map(e => kg.network.body.edges[e.id].options.label || '')")
    names = [b["label"] for b in page.evaluate("() => kg.data.benchmarks")]
    assert labels and not [label for label in labels for name in names if name in label]
    _clean(log)


def test_claims_table_sorts_by_margin_and_date_and_opens_the_evidence(corpus_page, local_page):
    page, log = _open(local_page, corpus_page)
    page.click("#kg-tab-table")
    rows = page.evaluate(TABLE)
    live = page.evaluate("() => kg.current().live.filter(Boolean).length")
    assert len(rows) == live > 0
    page.click("#kg-table button[data-sort=margin]")
    margins = [_number(row[4]) for row in page.evaluate(TABLE)]
    known = [m for m in margins if m is not None]
    assert known == sorted(known) and margins[:len(known)] == known  # empty margins last
    page.click("#kg-table button[data-sort=margin]")
    known = [m for m in (_number(row[4]) for row in page.evaluate(TABLE)) if m is not None]
    assert known == sorted(known, reverse=True)
    assert page.get_attribute("#kg-table th:nth-child(5)", "aria-sort") == "descending"
    page.click("#kg-table button[data-sort=date]")
    dates = [row[6] for row in page.evaluate(TABLE) if row[6]]
    assert dates and dates == sorted(dates)
    page.click("#kg-table tr[data-claim]:first-child td:nth-child(1)")
    evidence = page.locator("#kg-table tr.evidence")
    assert evidence.count() == 1 and evidence.locator(".quote").count() == 1
    assert evidence.locator("a").count() >= 1  # the paper's page or a title search
    page.fill("#kg-table-query", rows[0][0])
    assert all(rows[0][0].lower() in " ".join(row).lower() for row in page.evaluate(TABLE))
    _clean(log)


def _unquoted(cell: str) -> str:
    """A CSV cell as the page showed it: without the apostrophe that keeps a spreadsheet from running it."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in "+-=@" else cell


def test_csv_downloads_hold_the_rows_shown(corpus_page, local_page):
    page, log = _open(local_page, corpus_page)
    page.click("#kg-tab-table")
    page.click("#kg-table button[data-sort=confidence]")
    shown = page.evaluate(TABLE)
    table = list(csv.reader(io.StringIO(_download(page, "#kg-table-csv").decode("utf-8"))))
    assert table[0][:8] == ["winner", "loser", "benchmark", "metric", "margin", "paper", "date", "confidence"]
    # the cells as shown; one a spreadsheet would run as a formula ("+1.7 mIoU") has an apostrophe before it
    unquoted = [[_unquoted(cell) for cell in row[:8]] for row in table[1:]]
    assert unquoted == shown
    assert all(row[8].startswith("https://") and row[9] for row in table[1:])  # paper link and evidence
    board = list(csv.reader(io.StringIO(_download(page, "#kg-board-csv").decode("utf-8"))))
    rendered = page.evaluate("() => Array.from(document.querySelectorAll('#kg-board tbody tr'),"
                             " tr => Array.from(tr.cells, td => td.textContent.trim()))")
    assert board[0][0] == "benchmark" and [[_unquoted(cell) for cell in row[1:]] for row in board[1:]] == rendered
    png = _download(page, "#kg-png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    _clean(log)


def test_the_url_fragment_keeps_the_filters_across_a_reload(corpus_page, local_page):
    page, log = _open(local_page, corpus_page)
    busiest = page.evaluate("() => kg.data.benchmarks.slice().sort((a, b) => b.count - a.count)[0].id")
    page.select_option("#kg-benchmark", busiest)
    page.evaluate("() => { const c = document.getElementById('kg-confidence'); c.value = 0.5;"
                  " c.dispatchEvent(new Event('input')); c.dispatchEvent(new Event('change')); }")
    page.click("#kg-tab-table")
    page.click("#kg-table button[data-sort=margin]")
    shown, rows = page.evaluate("() => kg.shown()"), page.evaluate(TABLE)
    url = page.url
    assert "#" in url and "b=" in url
    page.reload()
    page.wait_for_function(READY)
    assert page.input_value("#kg-benchmark") == busiest and page.input_value("#kg-confidence") == "0.5"
    assert page.evaluate("() => kg.shown()") == shown
    assert not page.is_hidden("#kg-view-table") and page.evaluate(TABLE) == rows
    # a link opened elsewhere (a fresh page) shows the same view
    other, other_log = _open(local_page, corpus_page, fragment="#" + url.split("#", 1)[1])
    assert other.evaluate("() => kg.shown()") == shown and other.evaluate(TABLE) == rows
    _clean(log)
    _clean(other_log)

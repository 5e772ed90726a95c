"""Take the explorer screenshots of the README and docs/explorer.md, in headless Chromium.

    kgraph build ../shared/corpus/*.txt -o /tmp/corpus
    kgraph build examples/listing.txt examples/papers.jsonl -o /tmp/examples
    python docs/screenshots.py /tmp/corpus/graph.html /tmp/examples/graph.html docs/

writes, from the corpus page, explorer-default.png (the page as it opens), explorer-table.png (the
claims table sorted by margin, the first claim's evidence open) and explorer-filtered.png (the
busiest benchmark), and from the examples' page explorer.png (the arrow RTD -> StarCoder clicked,
the pointer on HaloNorm), all at 1400x900. Needs the test extras (Playwright) and Debian's
chromium, like the browser tests.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from browser import screenshot  # noqa: E402

VIEWPORT = (1400, 900)
BUSIEST = "kg.data.benchmarks.slice().sort((a, b) => b.count - a.count)[0].id"
VIEWS = {
    "explorer-default.png": None,
    "explorer-table.png": "() => { document.getElementById('kg-tab-table').click();"
                          " const m = () => document.querySelector('#kg-table button[data-sort=margin]'); m().click(); m().click();"
                          " document.querySelector('#kg-table tr[data-claim]').click(); }",
    "explorer-filtered.png": f"() => kg.setFilters({{benchmark: {BUSIEST}}})",
}
# On the examples' page: select an arrow, then point at a method (its card shows as a tooltip).
ARROW = ("() => { const e = kg.edges.get().find(e => kg.methods.get(e.from).label === 'RTD'"
         " && kg.methods.get(e.to).label === 'StarCoder'); kg.network.selectEdges([e.id]);"
         " kg.network.body.emitter.emit('click', {nodes: [], edges: [e.id]}); }")
POINT_AT = ("() => { const id = kg.nodes.getIds().find(id => kg.methods.get(id).label === 'HaloNorm');"
            " const box = document.getElementById('kg-network').getBoundingClientRect();"
            " const p = kg.network.canvasToDOM(kg.network.getPosition(id)); return [box.left + p.x, box.top + p.y]; }")


def _examples(browser_page) -> None:
    browser_page.evaluate(ARROW)
    x, y = browser_page.evaluate(POINT_AT)
    browser_page.mouse.move(x, y, steps=4)
    browser_page.wait_for_timeout(300)


def _shoot(page: str, png: Path, before) -> None:
    log = screenshot(page, png, VIEWPORT, before)
    if log.console_errors or log.page_errors or log.external_requests:
        raise SystemExit(f"{png}: {log}")
    print(f"wrote {png}")


def main(corpus_page: str, examples_page: str, folder: str) -> None:
    for name, script in VIEWS.items():
        def before(browser_page, script=script) -> None:
            if script:
                browser_page.evaluate(script)
                browser_page.wait_for_timeout(200)
        _shoot(corpus_page, Path(folder) / name, before)
    _shoot(examples_page, Path(folder) / "explorer.png", _examples)


if __name__ == "__main__":
    main(*sys.argv[1:4])

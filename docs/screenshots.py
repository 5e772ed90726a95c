"""Take the explorer screenshots of docs/explorer.md from a built page, in headless Chromium.

    python docs/screenshots.py /tmp/usable-corpus/graph.html docs/

writes explorer-default.png (the page as it opens), explorer-table.png (the claims table sorted by
margin, the first claim's evidence open) and explorer-filtered.png (the busiest benchmark), all at
1400x900. Needs the test extras (Playwright) and Debian's chromium, like the browser tests.
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


def main(page: str, folder: str) -> None:
    for name, script in VIEWS.items():
        def before(browser_page, script=script) -> None:
            if script:
                browser_page.evaluate(script)
                browser_page.wait_for_timeout(200)
        log = screenshot(page, Path(folder) / name, VIEWPORT, before)
        if log.console_errors or log.page_errors or log.external_requests:
            raise SystemExit(f"{name}: {log}")
        print(f"wrote {Path(folder) / name}")


if __name__ == "__main__":
    main(*sys.argv[1:3])

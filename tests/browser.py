"""Headless Chromium for tests, driven by Playwright against the Debian ``chromium`` package.

``tests/conftest.py`` registers the fixtures (one Chromium for the whole session); use in a test::

    @pytest.mark.browser
    def test_page(local_page, tmp_path):
        page, log = local_page(tmp_path / "page.html")
        assert log.console_errors == []

``chromium`` (session scope) skips the test with a clear reason when the browser or Playwright
is missing; CI installs both. ``local_page(path)`` opens a file in a fresh context and records
console errors, uncaught page errors and every request, and aborts any request that is not
``file:`` or ``data:`` (so a page under test can never reach the network, but the attempt is
still recorded and fails the checks on ``log.external_requests``).

``screenshot(path, png)`` is a small helper for looking at a page by eye.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("KGRAPH_CHROMIUM", "/usr/bin/chromium"))
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")


@dataclass
class PageLog:
    """What a page did while it was open."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    @property
    def external_requests(self) -> list[str]:
        return [url for url in self.requests if not url.startswith(LOCAL_SCHEMES)]


def skip_reason() -> str | None:
    """Why browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return f"headless Chromium not found at {CHROMIUM} (install the Debian package 'chromium')"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package 'playwright' is not installed (pip install kgraph[test])"
    return None


@dataclass
class _Launched:
    """The session's one browser, and how many test modules' copies of ``chromium`` hold it."""

    playwright: object = None
    browser: object = None
    holders: int = 0


_LAUNCHED = _Launched()


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """A launched headless Chromium (playwright Browser), shared by the session.

    Each test module that imports this fixture has its own copy of it (pytest registers fixtures
    per module), but Playwright's sync API runs one instance per thread: the copies share one
    browser, started by the first and closed with the last.
    """
    reason = skip_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    if _LAUNCHED.browser is None:
        _LAUNCHED.playwright = sync_playwright().start()
        _LAUNCHED.browser = _LAUNCHED.playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
    _LAUNCHED.holders += 1
    try:
        yield _LAUNCHED.browser
    finally:
        _LAUNCHED.holders -= 1
        if not _LAUNCHED.holders:
            _LAUNCHED.browser.close()
            _LAUNCHED.playwright.stop()
            _LAUNCHED.browser = _LAUNCHED.playwright = None


def open_local(browser, path: str | os.PathLike[str], viewport: tuple[int, int] = (1280, 800),
               init_script: str | None = None):
    """Open ``path`` via file:// in a fresh context; returns (context, page, log).

    Listeners are attached before navigation, so the log covers the whole load; ``init_script``
    runs in the page before any of its own scripts.
    """
    log = PageLog()
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    if init_script:
        context.add_init_script(init_script)

    def route(route_request) -> None:
        if route_request.request.url.startswith(LOCAL_SCHEMES):
            route_request.continue_()
        else:
            route_request.abort()

    context.set_default_timeout(10_000)
    context.route("**/*", route)
    page = context.new_page()
    page.on("request", lambda request: log.requests.append(request.url))
    page.on("console", lambda message: log.console_errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: log.page_errors.append(str(error)))

    def on_dialog(dialog) -> None:  # alert(), confirm(): record and dismiss so nothing blocks
        log.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(Path(path).resolve().as_uri(), wait_until="load")
    return context, page, log


@pytest.fixture
def local_page(chromium) -> Iterator[Callable[..., tuple[object, PageLog]]]:
    """Factory: ``page, log = local_page(path)``; contexts are closed after the test."""
    contexts = []

    def factory(path: str | os.PathLike[str], viewport: tuple[int, int] = (1280, 800)):
        context, page, log = open_local(chromium, path, viewport)
        contexts.append(context)
        return page, log

    yield factory
    for context in contexts:
        context.close()


def screenshot(html_path: str | os.PathLike[str], png_path: str | os.PathLike[str],
               viewport: tuple[int, int] = (1280, 800), before: Callable[[object], None] | None = None) -> PageLog:
    """Render a local page to a PNG (outside pytest); ``before(page)`` may hover or click first."""
    reason = skip_reason()
    if reason:
        raise RuntimeError(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            context, page, log = open_local(browser, html_path, viewport)
            page.wait_for_timeout(300)
            if before is not None:
                before(page)
            page.screenshot(path=str(png_path))
            context.close()
            return log
        finally:
            browser.close()

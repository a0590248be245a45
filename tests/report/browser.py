"""Debian's Chromium driven by Playwright, offline: every request but the report's own file is
refused and recorded, and so are console errors, page errors and dialogs.

Playwright's own browsers are never downloaded (no ``playwright install``): the system's
Chromium at ``CHROMIUM`` is launched by path.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page, Route

CHROMIUM = Path(os.environ.get("MLMATURITY_CHROMIUM", "/usr/bin/chromium"))
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
VIEWPORT = {"width": 1400, "height": 1000}


def unavailable() -> str | None:
    """Why the browser cannot run here, or None."""
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[dev]')"
    return None


@contextmanager
def chromium() -> Iterator[BrowserContext]:
    """A headless Chromium with a fresh profile, closed afterwards."""
    from playwright.sync_api import sync_playwright

    with (
        tempfile.TemporaryDirectory(prefix="mlmaturity-chromium-") as profile,
        sync_playwright() as p,
    ):
        context = p.chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            headless=True,
            args=ARGS,
            viewport=VIEWPORT,  # type: ignore[arg-type]
            offline=True,
        )
        context.set_default_timeout(30_000)
        try:
            yield context
        finally:
            context.close()


@dataclass
class Visit:
    """What happened while a page was open."""

    page: Page
    url: str
    requests: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


def open_file(context: BrowserContext, path: Path) -> Visit:
    """Open ``path``; any request for anything else is refused and recorded."""
    page = context.new_page()
    url = path.resolve().as_uri()
    visit = Visit(page, url)

    def route(route: Route) -> None:
        if route.request.url == url:
            route.continue_()
        else:
            visit.refused.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.on("request", lambda request: visit.requests.append(request.url))
    page.on(
        "console",
        lambda message: (
            visit.console_errors.append(message.text) if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: visit.page_errors.append(str(error)))

    def dialog(d: object) -> None:
        visit.dialogs.append(getattr(d, "message", ""))
        d.dismiss()  # type: ignore[attr-defined]

    page.on("dialog", dialog)
    page.goto(url, wait_until="load")
    return visit

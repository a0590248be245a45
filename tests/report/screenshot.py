"""Screenshot an HTML report in headless Chromium, for the README.

    python -m tests.report.screenshot mlmaturity-demo/reports/report.html docs/images/report.png

(`make screenshot` does this for the demo). The page is opened exactly as the browser tests
open it: offline, every other request refused; a report that requests anything or logs an
error is refused too.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tests.report.browser import chromium, open_file, unavailable

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext


def screenshot(
    report: Path, out: Path, *, height: int = 1000, context: BrowserContext | None = None
) -> None:
    """Write the top ``height`` pixels of ``report`` (1400 wide) to ``out``."""
    if context is None:
        with chromium() as fresh:
            screenshot(report, out, height=height, context=fresh)
        return
    visit = open_file(context, report)
    problems = visit.refused + visit.console_errors + visit.page_errors + visit.dialogs
    if problems:
        raise SystemExit(f"{report}: not a clean page: {problems}")
    visit.page.set_viewport_size({"width": 1400, "height": height})
    out.parent.mkdir(parents=True, exist_ok=True)
    visit.page.screenshot(path=str(out), full_page=False)
    visit.page.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("report", type=Path, help="the HTML report")
    parser.add_argument("out", type=Path, help="the PNG to write")
    parser.add_argument("--height", type=int, default=1000, help="pixels of the page shown")
    args = parser.parse_args()
    reason = unavailable()
    if reason is not None:
        sys.exit(f"cannot take a screenshot: {reason}")
    if not args.report.is_file():
        sys.exit(f"{args.report}: no such report (run `make demo` first)")
    screenshot(args.report, args.out, height=args.height)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

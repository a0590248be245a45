"""The HTML report opened in headless Chromium: it renders every chart, loads nothing, runs no
script, prints without its navigation, and shows hostile names as text.

Under CI=true these tests must run; elsewhere they skip when Chromium is not installed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from mlmaturity.report import write_report
from mlmaturity.scoring import Assessment
from tests.report.browser import Visit, chromium, open_file, unavailable
from tests.report.conftest import BREAKOUT, HOSTILE, SCRIPT
from tests.report.screenshot import screenshot

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

CHARTS = """() => [...document.querySelectorAll('figure.chart')].map(f => {
  const svg = f.querySelector('svg');
  const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
  return {
    id: f.id,
    width: box.width,
    height: box.height,
    marks: svg ? svg.querySelectorAll('path, rect, line, text').length : 0,
    label: svg ? (svg.getAttribute('aria-label') || '') : '',
    role: svg ? svg.getAttribute('role') : null,
    title: svg && svg.querySelector('title') ? svg.querySelector('title').textContent : '',
    caption: f.querySelector('figcaption') ? f.querySelector('figcaption').innerText : '',
    rows: f.querySelectorAll('details table tbody tr').length,
  };
})"""


@pytest.fixture(scope="module")
def browser() -> Iterator[BrowserContext]:
    reason = unavailable()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the browser tests must run in CI: {reason}")
        pytest.skip(reason)
    with chromium() as context:
        yield context


@pytest.fixture(scope="module")
def acme_report(acme_history: list[Assessment], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    write_report(acme_history[-1], path, history=acme_history[:-1])
    return path


def _assert_quiet(visit: Visit) -> None:
    assert visit.requests == [visit.url], visit.requests
    assert visit.refused == []
    assert visit.console_errors == [] and visit.page_errors == []
    assert visit.dialogs == []


def test_the_report_renders_every_chart_offline_and_saves_a_screenshot(
    browser: BrowserContext, acme_report: Path, acme_history: list[Assessment], tmp_path: Path
):
    visit = open_file(browser, acme_report)
    _assert_quiet(visit)
    charts = visit.page.evaluate(CHARTS)
    ids = {c["id"] for c in charts}
    assert {"fig-heatmap", "fig-radar", "fig-stage-trend", "fig-team-trend"} <= ids
    assert {"fig-barriers", "fig-misalignments", "fig-kpi-trends"} <= ids
    for chart in charts:
        assert chart["width"] > 100 and chart["height"] > 50, chart
        assert chart["marks"] > 5, chart  # drawn, not an empty frame
        assert chart["role"] == "img" and chart["label"] and chart["title"] == chart["label"]
        assert chart["caption"].strip() and chart["rows"] > 0, chart
    shot = tmp_path / "report.png"
    screenshot(acme_report, shot, context=browser)  # as `make screenshot` takes the README's
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 20_000
    names = visit.page.locator("h1").inner_text()
    assert names == acme_history[-1].organization.name
    visit.page.close()


def test_the_print_stylesheet_hides_navigation_and_chart_tables(
    browser: BrowserContext, acme_report: Path
):
    visit = open_file(browser, acme_report)
    visit.page.emulate_media(media="print")
    hidden = visit.page.evaluate(
        "() => [getComputedStyle(document.querySelector('nav')).display,"
        " getComputedStyle(document.querySelector('details.chart-data')).display,"
        " getComputedStyle(document.querySelector('#overview')).breakBefore]"
    )
    assert hidden == ["none", "none", "page"]
    pdf = visit.page.pdf(format="A4")  # Chromium prints it too
    assert pdf.startswith(b"%PDF-")
    visit.page.close()


def test_hostile_names_run_nothing_inject_nothing_and_read_literally(
    browser: BrowserContext, hostile_history: list[Assessment], tmp_path: Path
):
    path = tmp_path / "hostile.html"
    write_report(hostile_history[-1], path, history=hostile_history[:-1])
    visit = open_file(browser, path)
    _assert_quiet(visit)  # no alert() dialog, no request for src=x
    page = visit.page
    injected = page.evaluate(
        """() => ({
          elements: document.querySelectorAll('script, img, iframe, object, embed, b').length,
          handlers: [...document.querySelectorAll('*')].flatMap(
            el => [...el.attributes].map(a => a.name)).filter(n => n.startsWith('on')),
        })"""
    )
    assert injected == {"elements": 0, "handlers": []}
    text = page.evaluate("() => document.body.textContent")
    for planted in HOSTILE:
        assert planted in text, planted
    assert page.locator("h1").inner_text() == hostile_history[-1].organization.name
    svg_text = page.evaluate(
        "() => [...document.querySelectorAll('svg text')].map(t => t.textContent).join(' ')"
    )
    assert SCRIPT in svg_text and BREAKOUT in svg_text
    for chart in page.evaluate(CHARTS):
        assert chart["width"] > 0 and chart["height"] > 0, chart
    page.close()


def test_the_guard_catches_a_page_that_loads_or_runs_something(
    browser: BrowserContext, tmp_path: Path
):
    """The checks above can fail: a page with a remote image and a script trips every one."""
    path = tmp_path / "leaky.html"
    path.write_text(
        '<!DOCTYPE html><img src="https://example.invalid/x.png">'
        "<script>console.error('boom'); alert(1); undefined_function();</script>"
    )
    visit = open_file(browser, path)
    assert visit.refused == ["https://example.invalid/x.png"]
    assert visit.dialogs == ["1"]
    assert visit.console_errors and visit.page_errors
    visit.page.close()

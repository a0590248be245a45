"""The HTML report as a document: its sections, charts, trends, offline promise and escaping.

What a browser makes of it (rendering, requests, scripts) is tests/report/test_html_browser.py.
"""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from typing import Any

import pytest

from mlmaturity.report import formats, render
from mlmaturity.report.context import build_context
from mlmaturity.report.html import html_document
from mlmaturity.report.trends import build_trends
from mlmaturity.scoring import Assessment
from tests.report.conftest import BREAKOUT, HOSTILE, RTL, SCRIPT

MAX_BYTES = 3 * 1024 * 1024


class Document(HTMLParser):
    """Every start tag with its attributes, the ids, and the text between tags."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def named(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]

    @property
    def ids(self) -> list[str]:
        return [a["id"] for _, a in self.tags if a.get("id")]  # type: ignore[misc]


def _svgs(html: str) -> list[str]:
    return re.findall(r"<svg .*?</svg>", html, re.S)


@pytest.fixture(scope="module")
def acme_html(acme_history: list[Assessment]) -> str:
    rendered = render(acme_history[-1], "html", history=acme_history[:-1])
    assert isinstance(rendered, str)
    return rendered


def test_html_is_registered_with_its_suffix():
    html = formats()["html"]
    assert html.suffix == ".html" and not html.binary


def test_the_report_holds_every_section_and_names_every_team(
    acme_html: str, acme_history: list[Assessment]
):
    doc = Document(acme_html)
    sections = [a["id"] for a in doc.named("section")]
    assert sections == [
        "summary",
        "overview",
        "trends",
        "barriers",
        "roadmap",
        "kpis",
        "misalignments",
        "conflicts",
        "teams",
        "evidence",
    ]
    text = " ".join(doc.text)
    current = acme_history[-1]
    assert current.organization.name in text
    for team in current.teams:
        assert team.name in text
    assert "1 Initial" in text and "25 November 2026" in text
    for landmark in ("header", "nav", "main", "footer"):
        assert len(doc.named(landmark)) == 1, landmark


def test_every_chart_is_inline_svg_with_a_text_alternative(acme_html: str):
    doc = Document(acme_html)
    figures = doc.named("figure")
    svgs = _svgs(acme_html)
    # heatmap, radar, two trends, barriers, misalignments and the KPIs' small charts
    assert len(figures) == len(svgs) == 7
    for svg in svgs:
        root = ET.fromstring(svg)  # well-formed XML, as WeasyPrint needs it
        assert root.get("role") == "img" and root.get("aria-label")
        assert root.find("{http://www.w3.org/2000/svg}title") is not None
    for figure in figures:
        assert figure["aria-labelledby"] == "cap-" + figure["id"].removeprefix("fig-")  # type: ignore[union-attr]
    assert len(doc.named("figcaption")) == len(figures)
    assert len(doc.named("details")) == len(figures)  # the data of every chart as a table


def test_ids_are_unique_across_the_inlined_charts(acme_html: str):
    ids = Document(acme_html).ids
    assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1]
    for target in re.findall(r'href="#([^"]+)"', acme_html):
        assert target in ids, target  # every link into the appendix lands


def test_the_report_is_offline_and_scriptless(acme_html: str):
    doc = Document(acme_html)
    assert not doc.named("script") and not doc.named("link") and not doc.named("img")
    assert not doc.named("iframe") and not doc.named("object")
    for tag, attrs in doc.tags:  # nothing that could load: in-page links and namespaces only
        assert not {"src", "srcset", "data", "poster", "action", "background"} & set(attrs), tag
        for name, value in attrs.items():
            if name in ("href", "xlink:href"):
                assert (value or "").startswith("#"), (tag, value)
            assert "url(" not in re.sub(r"url\(#[\w-]+\)", "", value or ""), (tag, name)
    style = acme_html.split("<style>", 1)[1].split("</style>", 1)[0]
    assert "url(" not in style and "@import" not in style and "@font-face" not in style
    csp = next(a for a in doc.named("meta") if a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in (csp["content"] or "")


def test_trends_span_the_history(acme_history: list[Assessment]):
    trends = build_trends(acme_history[-1], acme_history[:-1])
    assert [s.date for s in trends.snapshots] == [a.generated_at[:10] for a in acme_history]
    assert [s.label for s in trends.snapshots] == [
        "15 Jun 2026",
        "15 Aug 2026",
        "15 Oct 2026",
        "25 Nov 2026",
    ]
    assert trends.has_history
    assert {k.id for k in trends.kpis} >= {"deployment-frequency", "time-to-restore"}


def test_one_assessment_says_trends_come_later(acme_history: list[Assessment]):
    html = html_document(acme_history[0])
    assert "the stage and dimension trends appear from the next one" in html
    assert 'id="fig-stage-trend"' not in html and 'id="fig-heatmap"' in html


def test_the_demo_sized_report_stays_small_and_renders_quickly(acme_history: list[Assessment]):
    started = time.perf_counter()
    html = html_document(acme_history[-1], acme_history[:-1])
    elapsed = time.perf_counter() - started
    assert len(html.encode()) < MAX_BYTES
    assert elapsed < 20, elapsed


def test_hostile_names_are_text_everywhere_including_the_svg(hostile_history: list[Assessment]):
    html = html_document(hostile_history[-1], hostile_history[:-1])
    doc = Document(html)
    assert not doc.named("script") and not doc.named("img")
    assert not [a for _, attrs in doc.tags for a in attrs if a.startswith("on")]
    text = "".join(doc.text)
    for planted in HOSTILE:
        assert planted in text, planted
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html or "&quot;&gt;&lt;img" in html
    assert f"<bdi>{RTL}</bdi>" in html  # right-to-left names are isolated
    for svg in _svgs(html):
        root = ET.fromstring(svg)
        assert {el.tag.rsplit("}", 1)[-1] for el in root.iter()} <= {
            "svg",
            "g",
            "path",
            "rect",
            "line",
            "text",
            "tspan",
            "title",
            "defs",
            "clipPath",
            "circle",
        }
    svg_text = " ".join(
        "".join(el.itertext()) for svg in _svgs(html) for el in [ET.fromstring(svg)]
    )
    assert SCRIPT in svg_text and BREAKOUT.split(" ")[0] in svg_text  # drawn, as text


def test_control_characters_in_names_do_not_break_the_svg(hostile_history: list[Assessment]):
    current = hostile_history[-1]
    team = current.teams[0].model_copy(update={"name": "bell\x07 and\x00null"})
    broken = current.model_copy(update={"teams": [team, *current.teams[1:]]})
    for svg in _svgs(html_document(broken)):
        ET.fromstring(svg)


def test_each_criterion_is_shown_once_under_its_most_severe_barrier(
    acme_history: list[Assessment],
):
    ctx = build_context(acme_history[-1], acme_history[:-1])
    views = ctx.barrier_views
    shown = [c.id for view in views for c in view.criteria]
    assert shown and len(shown) == len(set(shown))
    for index, view in enumerate(views):
        failing = set(view.barrier.failing_criteria)
        assert {c.id for c in view.criteria} <= failing
        counted = len(view.criteria) + sum(n for _, n in view.shown_above) + view.more
        assert counted + view.later == len(failing)
        assert all(rank <= index for rank, _ in view.shown_above)  # ranks are 1-based
    anchors = {ref.anchor for group in ctx.evidence for ref in group.findings}
    cited = [
        ref
        for view in views
        for c in view.criteria
        for verdict in c.teams
        if verdict is not None and verdict.status.value == "unmet"
        for ref in verdict.findings
    ]
    assert cited and all(ref.anchor in anchors for ref in cited)
    assert all(ref.finding.outcome.value in ("fail", "error") for ref in cited)


def test_every_chart_spec_is_valid_vega_lite(
    acme_history: list[Assessment], monkeypatch: pytest.MonkeyPatch
):
    """The report skips Altair's validation for speed: every chart it draws is validated here."""
    from mlmaturity.report import barrier_charts, capability_charts, charts, trend_charts
    from mlmaturity.report.html import build_charts

    drawn: list[str] = []
    draw = charts.to_svg

    def validating(chart: Any, chart_id: str, label: str) -> Any:
        chart.to_dict(validate=True)  # raises on a spec Vega-Lite's schema rejects
        drawn.append(chart_id)
        return draw(chart, chart_id, label)

    for module in (capability_charts, barrier_charts, trend_charts):
        monkeypatch.setattr(module, "to_svg", validating)
    build_charts(build_context(acme_history[-1], history=acme_history[:-1]))
    assert set(drawn) == {
        "heatmap",
        "radar",
        "barriers",
        "stage-trend",
        "team-trend",
        "kpi-trends",
        "misalignments",
    }
    assert len(drawn) == 7  # one vl-convert call per chart: the KPIs are one chart of panels

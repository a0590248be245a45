"""The HTML report: one self-contained page a platform lead can send to leadership.

Offline by construction: the CSS is inline, the charts are inline SVG drawn by Vega-Altair
and vl-convert, there is no script, and a Content-Security-Policy forbids loading anything.
Every name from a repository, a store, the workspace or an answer goes through Jinja's
autoescape (and, where it runs inside text, a ``<bdi>`` so right-to-left names stay put).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from importlib.resources import files

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from mlmaturity.report.charts import Chart
from mlmaturity.report.context import ReportContext, build_context, template_filters
from mlmaturity.report.registry import report_format
from mlmaturity.report.trend_charts import KPI_LEGEND
from mlmaturity.scoring import Assessment

SHOWN_FINDINGS = 3
"""Findings named per team beside a criterion; the appendix has them all."""
ROADMAP_DETAILED = 10
"""Roadmap steps shown with why, barriers, tools and KPI; the rest are listed after them."""


@dataclass(frozen=True)
class Charts:
    heatmap: Chart
    radar: Chart
    barriers: Chart | None
    stage_trend: Chart | None
    team_trend: Chart | None
    kpis: list[Chart] = field(default_factory=list)
    misalignments: Chart | None = None


def build_charts(ctx: ReportContext) -> Charts:
    from mlmaturity.report import charts, trend_charts

    trends = ctx.trends
    history = trends is not None and trends.has_history
    teams = [t.name for t in ctx.assessment.teams]
    return Charts(
        heatmap=charts.heatmap(ctx),
        radar=charts.radar(ctx),
        barriers=charts.barrier_severity(ctx) if ctx.barriers else None,
        stage_trend=trend_charts.stage_trend(trends) if trends and history else None,
        team_trend=trend_charts.team_trend(trends, teams) if trends and history else None,
        kpis=[trend_charts.kpi_trend(k, n) for n, k in enumerate(trends.kpis) if k.points]
        if trends
        else [],
        misalignments=charts.misalignment_chart(ctx) if ctx.misalignments else None,
    )


def bidi(value: object) -> Markup:
    """A name inside running text: escaped, and isolated so right-to-left text stays put."""
    return Markup("<bdi>{}</bdi>").format(value)


def long_date(day: str) -> str:
    """``'25 November 2026'`` for ``'2026-11-25'`` (or an ISO time)."""
    try:
        parsed = datetime.fromisoformat(day)
    except ValueError:
        return day
    return f"{parsed.day} {parsed:%B %Y}"


def level_class(level: int | None) -> str:
    return "lv-none" if level is None else f"lv-{max(0, min(4, level))}"


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("mlmaturity.report", "templates"),
        undefined=StrictUndefined,
        autoescape=True,  # every value is escaped unless it is Markup we built
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(template_filters())
    env.filters.update(
        bidi=bidi,
        long_date=long_date,
        level_class=level_class,
    )
    return env


def stylesheet() -> Markup:
    """The report's own CSS (trusted: it ships with the package, no name goes into it)."""
    css = files("mlmaturity.report").joinpath("templates", "report.css").read_text("utf-8")
    if "</" in css:
        raise ValueError("report.css must not contain '</'")
    return Markup(css)


def html_document(assessment: Assessment, history: Sequence[Assessment] = ()) -> str:
    ctx = build_context(assessment, history)
    template = _environment().get_template("report.html.j2")
    return template.render(
        ctx=ctx,
        charts=build_charts(ctx),
        css=stylesheet(),
        shown_findings=SHOWN_FINDINGS,
        roadmap_detailed=ROADMAP_DETAILED,
        kpi_legend=KPI_LEGEND,
    )


@report_format(
    "html", suffix=".html", description="One self-contained page: charts, trends and evidence"
)
def render_html(
    assessment: Assessment, color: bool = False, *, history: Sequence[Assessment] = ()
) -> str:
    return html_document(assessment, history)

"""The HTML report: one self-contained page a platform lead can send to leadership.

Offline by construction: the CSS is inline, the charts are inline SVG drawn by Vega-Altair
and vl-convert, there is no script, and a Content-Security-Policy forbids loading anything.
Every name from a repository, a store, the workspace or an answer goes through Jinja's
autoescape (and, where it runs inside text, a ``<bdi>`` so right-to-left names stay put).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib.resources import files

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from mlmaturity.report.charts import Chart
from mlmaturity.report.context import ReportContext, build_context, template_filters
from mlmaturity.report.registry import report_format
from mlmaturity.report.summary import long_date
from mlmaturity.scoring import Assessment

SHOWN_FINDINGS = 3
"""Findings named per team beside a criterion; the appendix has them all."""
ROADMAP_DETAILED = 5
"""Roadmap steps shown with why, barriers, tools and KPI; the rest are listed after them."""


@dataclass(frozen=True)
class Charts:
    heatmap: Chart
    radar: Chart
    barriers: Chart | None
    stage_trend: Chart | None
    team_trend: Chart | None
    kpis: Chart | None = None
    misalignments: Chart | None = None


def build_charts(ctx: ReportContext) -> Charts:
    """Every chart of the report: seven calls to vl-convert at most (about 20 to 60 ms each)."""
    from mlmaturity.report import barrier_charts, capability_charts, trend_charts

    trends = ctx.trends
    history = trends is not None and trends.has_history
    return Charts(
        heatmap=capability_charts.heatmap(ctx),
        radar=capability_charts.radar(ctx),
        barriers=barrier_charts.barrier_severity(ctx) if ctx.barriers else None,
        stage_trend=trend_charts.stage_trend(trends) if trends and history else None,
        team_trend=trend_charts.team_trend(trends, ctx.team_labels) if trends and history else None,
        kpis=trend_charts.kpi_trends(trends, ctx.team_labels) if trends else None,
        misalignments=barrier_charts.misalignment_chart(ctx) if ctx.misalignments else None,
    )


def bidi(value: object) -> Markup:
    """A name inside running text: escaped, and isolated so right-to-left text stays put."""
    return Markup("<bdi>{}</bdi>").format(value)


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


def html_document(
    assessment: Assessment,
    history: Sequence[Assessment] = (),
    milestones: Mapping[str, str] | None = None,
) -> str:
    """The report of ``assessment`` with the trends of ``history`` (earlier assessments,
    oldest first); ``milestones`` names assessments by their ``generated_at``."""
    ctx = build_context(assessment, history, milestones)
    template = _environment().get_template("report.html.j2")
    return template.render(
        ctx=ctx,
        charts=build_charts(ctx),
        css=stylesheet(),
        shown_findings=SHOWN_FINDINGS,
        roadmap_detailed=ROADMAP_DETAILED,
    )


@report_format(
    "html", suffix=".html", description="One self-contained page: charts, trends and evidence"
)
def render_html(
    assessment: Assessment,
    color: bool = False,
    *,
    history: Sequence[Assessment] = (),
    milestones: Mapping[str, str] | None = None,
) -> str:
    return html_document(assessment, history, milestones)

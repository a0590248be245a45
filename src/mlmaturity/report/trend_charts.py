"""The HTML report's charts over time: the stage and dimension scores, the team stages and
each KPI, across the stored history (see ``report.trends`` for the series)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mlmaturity.report.charts import Chart, altair, clean, series_scales, to_svg
from mlmaturity.report.context import kpi_number
from mlmaturity.report.trends import KpiTrend, Trends


def _score(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def stage_trend(trends: Trends) -> Chart:
    """The organization's stage and dimension scores at each stored assessment."""
    dimensions = list(trends.snapshots[-1].dimensions)
    series = ["Stage", *(clean(d) for d in dimensions)]
    values = []
    for snap in trends.snapshots:
        if snap.organization_stage is not None:
            values.append({"date": snap.date, "series": "Stage", "value": snap.organization_stage})
        for name in dimensions:
            score = snap.dimensions.get(name)
            if score is not None:
                values.append({"date": snap.date, "series": clean(name), "value": score})
    chart = _time_lines(values, series, "Score (0-4)", [0, 4])
    title = "Organization stage and dimension scores over time"
    description = (
        f"Lines over {len(trends.snapshots)} assessments from {trends.snapshots[0].date} to "
        f"{trends.snapshots[-1].date}: the stage (weakest dimension) and each dimension's score."
    )
    rows = [
        [
            s.date,
            "n/a" if s.organization_stage is None else str(s.organization_stage),
            *(_score(s.dimensions.get(d)) for d in dimensions),
        ]
        for s in trends.snapshots
    ]
    svg = to_svg(chart, "stage-trend", f"{title}. {description}")
    return Chart("stage-trend", title, description, svg, ["Assessed", "Stage", *dimensions], rows)


def team_trend(trends: Trends, teams: Sequence[str]) -> Chart:
    """Each team's stage at each stored assessment."""
    values = [
        {"date": s.date, "series": clean(team), "value": stage}
        for s in trends.snapshots
        for team, stage in s.team_stages.items()
        if stage is not None and team in teams
    ]
    chart = _time_lines(values, [clean(t) for t in teams], "Stage (0-4)", [0, 4])
    title = "Team stages over time"
    description = (
        f"One line per team ({len(teams)}) over {len(trends.snapshots)} assessments: "
        "each team's stage from 0 to 4."
    )
    rows = [
        [s.date, *("n/a" if s.team_stages.get(t) is None else str(s.team_stages[t]) for t in teams)]
        for s in trends.snapshots
    ]
    svg = to_svg(chart, "team-trend", f"{title}. {description}")
    return Chart("team-trend", title, description, svg, ["Assessed", *teams], rows)


def _time_lines(
    values: list[dict[str, Any]], series: list[str], y_title: str, domain: list[int]
) -> Any:
    alt = altair()
    scales = series_scales(series)
    base = alt.Chart(alt.Data(values=values)).encode(
        x=alt.X(
            "date:T", title=None, axis=alt.Axis(format="%b %Y", labelAngle=0, labelOverlap=True)
        ),
        y=alt.Y(
            "value:Q", scale=alt.Scale(domain=domain), title=y_title, axis=alt.Axis(tickMinStep=1)
        ),
        color=alt.Color("series:N", scale=scales["color"], sort=series, title=None),
    )
    lines = base.mark_line(strokeWidth=2).encode(
        strokeDash=alt.StrokeDash("series:N", scale=scales["dash"], sort=series, title=None)
    )
    points = base.mark_point(filled=True, size=40).encode(
        shape=alt.Shape("series:N", scale=scales["shape"], sort=series, title=None)
    )
    return alt.layer(lines, points).properties(width=380, height=180)


KPI_SERIES = {"assessed": "latest at each assessment", "monthly": "monthly (this assessment)"}
KPI_LEGEND = "Solid line, circles: the latest value each assessment measured; dashed line, squares: this assessment's monthly values."


def kpi_trend(trend: KpiTrend, index: int) -> Chart:
    """One KPI: its latest value at each assessment, and this assessment's monthly values.

    The two series are told apart by colour, dash and shape; the report explains them once
    (``KPI_LEGEND``) instead of a legend under every small chart."""
    alt = altair()
    names = list(KPI_SERIES.values())
    values = [
        {"date": p.date, "series": KPI_SERIES[p.series], "value": p.value} for p in trend.points
    ]
    scales = series_scales(names)
    base = alt.Chart(alt.Data(values=values)).encode(
        x=alt.X(
            "date:T",
            title=None,
            axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount=3, labelOverlap=True),
        ),
        y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False), axis=alt.Axis(tickCount=4)),
        color=alt.Color("series:N", scale=scales["color"], sort=names, legend=None),
    )
    lines = base.mark_line(strokeWidth=2).encode(
        strokeDash=alt.StrokeDash("series:N", scale=scales["dash"], sort=names, legend=None)
    )
    points = base.mark_point(filled=True, size=36).encode(
        shape=alt.Shape("series:N", scale=scales["shape"], sort=names, legend=None)
    )
    chart = alt.layer(lines, points).properties(width=240, height=110)
    chart_id = f"kpi-{index}"
    latest = max(trend.points, key=lambda p: (p.date, p.series == "assessed"))
    unit = f" {trend.unit}" if trend.unit else ""
    description = (
        f"In {trend.unit or 'its own unit'}; latest {kpi_number(latest.value)}{unit} "
        f"({latest.period[:7]}). {sum(p.series == 'assessed' for p in trend.points)} "
        f"assessment value(s), {sum(p.series == 'monthly' for p in trend.points)} monthly."
    )
    rows = [[p.date, KPI_SERIES[p.series], p.period, kpi_number(p.value)] for p in trend.points]
    svg = to_svg(chart, chart_id, f"{trend.name}. {description}")
    columns = ["Date", "Series", "Period", "Value"]
    return Chart(chart_id, trend.name, description, svg, columns, rows)

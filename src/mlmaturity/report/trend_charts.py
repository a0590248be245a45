"""The HTML report's charts over time: the stage and dimension scores and the team stages at
each assessment, and every KPI month by month (see ``report.trends`` for the series).

The assessments are points on an ordinal axis, one tick each, labelled by milestone (else
date); the KPIs are drawn at their months, all in one chart of small panels (one call to
vl-convert instead of one per KPI), each panel described in a sentence of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlmaturity.report.charts import (
    LINES,
    Chart,
    altair,
    clean,
    lines,
    series_scales,
    to_svg,
)
from mlmaturity.report.context import kpi_number
from mlmaturity.report.trends import KpiTrend, Trends, short_date
from mlmaturity.words import plural

ORGANIZATION = "Organization"


def _score(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def _stage(value: int | None) -> str:
    return "n/a" if value is None else str(value)


def _span(trends: Trends) -> str:
    first, last = trends.snapshots[0], trends.snapshots[-1]
    return f"{plural(len(trends.snapshots), 'assessment')} from {first.label} to {last.label}"


def stage_trend(trends: Trends) -> Chart:
    """The organization's stage and dimension scores at each stored assessment."""
    dimensions = list(trends.dimension_names)
    names = [clean(trends.dimension_names[d]) for d in dimensions]
    series = ["Stage", *names]
    values = []
    for snap in trends.snapshots:
        if snap.organization_stage is not None:
            values.append({"at": snap.label, "series": "Stage", "value": snap.organization_stage})
        for dimension, name in zip(dimensions, names, strict=True):
            score = snap.dimensions.get(dimension)
            if score is not None:
                values.append({"at": snap.label, "series": name, "value": score})
    chart = _assessment_lines(values, series, [s.label for s in trends.snapshots], "Score (0-4)")
    title = "Organization stage and dimension scores over time"
    description = (
        f"Lines over {_span(trends)}: the stage (weakest dimension) and each dimension's score."
    )
    rows = [
        [
            s.label,
            _stage(s.organization_stage),
            *(_score(s.dimensions.get(d)) for d in dimensions),
        ]
        for s in trends.snapshots
    ]
    columns = ["Assessment", "Stage", *trends.dimension_names.values()]
    svg = to_svg(chart, "stage-trend", f"{title}. {description}")
    return Chart("stage-trend", title, description, svg, columns, rows)


def team_trend(trends: Trends, labels: Mapping[str, str]) -> Chart:
    """Each current team's stage at each stored assessment (``labels``: team id → name)."""
    values = [
        {"at": s.label, "series": labels[team], "value": stage}
        for s in trends.snapshots
        for team, stage in s.team_stages.items()
        if stage is not None and team in labels
    ]
    names = list(labels.values())
    chart = _assessment_lines(values, names, [s.label for s in trends.snapshots], "Stage (0-4)")
    title = "Team stages over time"
    description = (
        f"One line per team ({len(names)}) over {_span(trends)}: each team's stage from 0 to 4."
    )
    rows = [
        [
            s.label,
            *(
                "not assessed" if t not in s.team_stages else _stage(s.team_stages[t])
                for t in labels
            ),
        ]
        for s in trends.snapshots
    ]
    svg = to_svg(chart, "team-trend", f"{title}. {description}")
    return Chart("team-trend", title, description, svg, ["Assessment", *names], rows)


def _assessment_lines(
    values: list[dict[str, Any]], series: list[str], points: list[str], y_title: str
) -> Any:
    """Lines over the assessments: one tick per assessment, at its point, named by its label."""
    alt = altair()
    scales = series_scales(series)
    angle = 0 if len(points) <= 6 else -35
    base = alt.Chart(alt.Data(values=values)).encode(
        x=alt.X(
            "at:O",
            sort=points,
            title=None,
            scale=alt.Scale(type="point", padding=0.35, domain=points),
            axis=alt.Axis(labelAngle=angle, labelLimit=120, grid=True),
        ),
        y=alt.Y(
            "value:Q", scale=alt.Scale(domain=[0, 4]), title=y_title, axis=alt.Axis(tickMinStep=1)
        ),
        color=alt.Color("series:N", scale=scales["color"], sort=series, title=None),
    )
    lines_ = base.mark_line(strokeWidth=2).encode(
        strokeDash=alt.StrokeDash("series:N", scale=scales["dash"], sort=series, title=None)
    )
    points_ = base.mark_point(filled=True, size=40).encode(
        shape=alt.Shape("series:N", scale=scales["shape"], sort=series, title=None)
    )
    return alt.layer(lines_, points_).properties(width=380, height=180)


def _month(period: str) -> str:
    return short_date(period).split(" ", 1)[1]  # "Mar 2026"


def _with_unit(value: float, unit: str) -> str:
    """``'60 hours'``, ``'79.2%'``; a unit that is a phrase is left to the sentence."""
    text = kpi_number(value)
    if unit == "%":
        return f"{text}%"
    if value == 1 and unit.isalpha() and unit.endswith("s"):
        unit = unit[:-1]  # 1 model, 1 day
    return f"{text} {unit}" if unit and len(unit) <= 12 else text


def _part(trend: KpiTrend, labels: Mapping[str, str]) -> str:
    """One panel's text alternative: its unit, its months, where it started and ended."""
    unit = f" ({trend.unit})" if trend.unit else ""
    said = []
    for series in trend.series:
        points = series.points
        if not points:
            continue
        who = f"{labels.get(series.team, series.team)}: " if series.team else ""
        first, last = points[0], points[-1]
        low = min(points, key=lambda p: p.value)
        high = max(points, key=lambda p: p.value)
        span = (
            f"{_month(first.period)}"
            if len(points) == 1
            else f"{plural(len(points), 'month')} from {_month(first.period)}, "
            f"{_with_unit(first.value, trend.unit)}, to {_month(last.period)}, "
            f"{_with_unit(last.value, trend.unit)}"
        )
        extremes = (
            f" (lowest {kpi_number(low.value)} in {_month(low.period)}, highest "
            f"{kpi_number(high.value)} in {_month(high.period)})"
            if len(points) > 2
            else ""
        )
        if len(points) == 1:
            said.append(f"{who}{_with_unit(first.value, trend.unit)} in {span}")
        else:
            said.append(f"{who}{span}{extremes}")
    per_team = " per team: each team's models are measured by their own metric" * trend.per_team
    return f"{trend.name}{unit}{per_team}. " + "; ".join(said) + "."


PANEL_WIDTH = 250
PANEL_CHARACTERS = 38


def _panel_titles(trends: list[KpiTrend]) -> list[str]:
    """Each panel's header: the KPI's name and, under it, its unit (unique per panel)."""
    titles: list[str] = []
    for trend in trends:
        title = "\n".join(
            [*lines(trend.name, PANEL_CHARACTERS, 2), *lines(trend.unit, PANEL_CHARACTERS, 2)]
        )
        unique, n = title, 2
        while unique in titles:
            unique, n = f"{title} #{n}", n + 1
        titles.append(unique)
    return titles


def kpi_trends(trends: Trends, labels: Mapping[str, str]) -> Chart | None:
    """Every measured KPI as a small panel of monthly lines (the organization's, or one per
    team for a KPI the organization would average over different metrics)."""
    drawn = [k for k in trends.kpis if k.points]
    if not drawn:
        return None
    alt = altair()
    titles = _panel_titles(drawn)
    teams = [
        labels[t] for t in labels if any(s.team == t and s.points for k in drawn for s in k.series)
    ]
    series = [ORGANIZATION, *teams] if any(not k.per_team for k in drawn) else teams
    values = []
    rows = []
    for trend, title in zip(drawn, titles, strict=True):
        for line in trend.series:
            name = ORGANIZATION if line.team is None else labels.get(line.team, line.team)
            for p in line.points:
                values.append({"kpi": title, "month": p.period, "series": name, "value": p.value})
                rows.append([trend.name, _month(p.period), name, kpi_number(p.value), p.source])
    scales = series_scales(series)
    base = alt.Chart(alt.Data(values=values)).encode(
        x=alt.X(
            "month:T",
            title=None,
            scale=alt.Scale(type="utc", nice=False),
            axis=alt.Axis(
                format="%b %y",
                labelAngle=0,
                tickCount=alt.TimeIntervalStep(interval="month", step=3),
                labelOverlap=True,
            ),
        ),
        y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False), axis=alt.Axis(tickCount=4)),
        color=alt.Color(
            "series:N",
            scale=scales["color"],
            sort=series,
            title=None,
            legend=alt.Legend(orient="top") if teams else None,
        ),
    )
    chart = (
        alt.layer(
            base.mark_line(strokeWidth=2).encode(
                strokeDash=alt.StrokeDash(
                    "series:N", scale=scales["dash"], sort=series, legend=None
                )
            ),
            base.mark_point(filled=True, size=30).encode(
                shape=alt.Shape("series:N", scale=scales["shape"], sort=series, legend=None)
            ),
        )
        .properties(width=PANEL_WIDTH, height=110)
        .facet(
            facet=alt.Facet(
                "kpi:N",
                sort=titles,
                title=None,
                header=alt.Header(
                    labelExpr=LINES,
                    labelAlign="left",
                    labelAnchor="start",
                    labelLimit=PANEL_WIDTH + 20,
                    labelFontWeight="bold",
                    labelPadding=6,
                ),
            ),
            columns=3,
        )
        .resolve_scale(y="independent")
        .resolve_axis(x="independent", y="independent")
        .configure_facet(spacing=28)
    )
    title = "KPIs month by month"
    months = sorted({p.period for k in drawn for p in k.points})
    description = (
        f"{plural(len(drawn), 'small chart')}, one per KPI, from {_month(months[0])} to "
        f"{_month(months[-1])}: each month's value from the newest assessment that measured it"
        + (
            f"; {', '.join(sorted(k.name for k in drawn if k.per_team))} drawn per team"
            if teams
            else ""
        )
        + "."
    )
    parts = [_part(k, labels) for k in drawn]
    svg = to_svg(chart, "kpi-trends", f"{title}. {description}")
    columns = ["KPI", "Month", "Line", "Value", "Measured by"]
    return Chart("kpi-trends", title, description, svg, columns, rows, parts)

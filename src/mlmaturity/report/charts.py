"""The HTML report's charts: Vega-Altair specifications rendered to static SVG by vl-convert.

Every chart comes with its text alternative (a one-sentence description and the data as a
table). Names from repositories, stores and answers are only ever data values or titles,
never field names or expressions, and Vega escapes every text it writes into the SVG.
Altair and vl-convert are imported only when a chart is drawn (``mlmaturity --help`` stays fast).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from mlmaturity.report.context import ReportContext, number, percent

if TYPE_CHECKING:
    from types import ModuleType

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', 'DejaVu Sans', sans-serif"
INK = "#1f2933"
MUTED = "#616e7c"
GRID = "#e4e7eb"
LEVEL_COLORS = ["#f5f7fa", "#d9e2ec", "#9fb3c8", "#627d98", "#243b53"]
"""Levels 0-4 on one restrained blue-grey scale; every cell also prints its level."""
INCONCLUSIVE = "#ffffff"
SERIES_COLORS = ["#243b53", "#c05621", "#2f855a", "#6b46c1", "#975a16", "#4a5568", "#b83280"]
DASHES = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [4, 4], [10, 2], [1, 3]]
SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down", "wedge"]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Chart:
    """A rendered chart and its text alternative."""

    id: str
    title: str
    description: str
    svg: Markup
    columns: list[str]
    rows: list[list[str]]


def altair() -> ModuleType:
    import altair

    return altair


def clean(text: str) -> str:
    """A name as chart text: control characters (invalid in SVG) become spaces."""
    return _CONTROL.sub(" ", text)


def _config() -> dict[str, Any]:
    axis = {
        "labelColor": INK,
        "titleColor": MUTED,
        "gridColor": GRID,
        "domainColor": "#9aa5b1",
        "tickColor": "#9aa5b1",
        "labelFontSize": 11,
        "titleFontSize": 11,
        "titleFontWeight": "normal",
    }
    return {
        "font": FONT,
        "view": {"stroke": None},
        "axis": axis,
        "legend": {"labelColor": INK, "titleColor": MUTED, "labelFontSize": 11, "orient": "bottom"},
        "header": {"labelColor": INK, "titleColor": MUTED, "labelFontSize": 11},
        "background": "#ffffff",
    }


_IDS = re.compile(r'\bid="([^"]+)"')


def to_svg(chart: Any, chart_id: str, label: str) -> Markup:
    """The chart as inline SVG: ids made unique to the chart, the text alternative attached."""
    import vl_convert

    # Altair's schema validation costs a third of the report's time; the specs are ours and
    # the same for every report, so a test validates each kind (test_every_chart_spec_is_valid).
    spec = chart.to_dict(validate=False)
    given = spec.get("config", {})
    given.pop("view", None)  # Altair's default view size; ours has no frame
    spec["config"] = {**_config(), **given}
    svg = vl_convert.vegalite_to_svg(spec)
    for found in dict.fromkeys(_IDS.findall(svg)):
        unique = f"{chart_id}-{found}"
        svg = svg.replace(f'id="{found}"', f'id="{unique}"').replace(f"#{found})", f"#{unique})")
    if not svg.startswith("<svg "):
        raise ValueError("vl-convert returned something other than an SVG document")
    head, rest = svg.split(">", 1)
    label = clean(label)
    opening = f'{head} role="img" aria-label="{escape(label)}" focusable="false">'
    return Markup(f"{opening}<title>{escape(label)}</title>{rest}")


def series_scales(names: Sequence[str]) -> dict[str, Any]:
    alt = altair()
    domain = list(names)
    n = len(domain)
    cycle = [SERIES_COLORS[i % len(SERIES_COLORS)] for i in range(n)]
    return {
        "color": alt.Scale(domain=domain, range=cycle),
        "dash": alt.Scale(domain=domain, range=[DASHES[i % len(DASHES)] for i in range(n)]),
        "shape": alt.Scale(domain=domain, range=[SHAPES[i % len(SHAPES)] for i in range(n)]),
    }


def heatmap(ctx: ReportContext) -> Chart:
    """Capabilities (rows, grouped by dimension) by team (columns), coloured by level."""
    alt = altair()
    teams = [clean(t.name) for t in ctx.assessment.teams]
    dimensions = [clean(n) for n in ctx.dimension_names.values()]
    values = []
    for row in ctx.heatmap:
        for team, cell, level in zip(teams, row.cells, row.levels, strict=True):
            values.append(
                {
                    "capability": clean(row.name),
                    "dimension": clean(ctx.dimension_names.get(row.dimension, row.dimension)),
                    "team": team,
                    "level": -1 if level is None else level,
                    "label": cell,
                    "dark": level is not None and level >= 3,
                }
            )
    order = [clean(r.name) for r in ctx.heatmap]
    base = alt.Chart(alt.Data(values=values)).encode(
        x=alt.X(
            "team:N",
            sort=teams,
            title=None,
            axis=alt.Axis(orient="top", labelAngle=0, labelLimit=130),
        ),
        y=alt.Y("capability:N", sort=order, title=None, axis=alt.Axis(labelLimit=220)),
    )
    rects = base.mark_rect(stroke="#ffffff", strokeWidth=2).encode(
        color=alt.Color(
            "level:O",
            scale=alt.Scale(domain=[-1, 0, 1, 2, 3, 4], range=[INCONCLUSIVE, *LEVEL_COLORS]),
            legend=None,
        )
    )
    outline = base.transform_filter("datum.level < 0").mark_rect(
        fill=None, stroke="#9aa5b1", strokeDash=[3, 2], strokeWidth=1
    )
    labels = base.mark_text(fontSize=11).encode(
        text="label:N",
        color=alt.condition("datum.dark", alt.value("#ffffff"), alt.value(INK)),
    )
    chart = (
        alt.layer(rects, outline, labels)
        .properties(width=max(3, len(teams)) * 92, height=alt.Step(22))
        .facet(
            row=alt.Row(
                "dimension:N",
                sort=dimensions,
                title=None,
                header=alt.Header(
                    labelOrient="top",
                    labelAngle=0,
                    labelAlign="left",
                    labelAnchor="start",
                    labelFontWeight="bold",
                    labelPadding=4,
                ),
            )
        )
        .resolve_scale(y="independent")
        .configure_facet(spacing=10)
    )
    title = "Capability levels by team"
    description = (
        f"A grid of {len(ctx.heatmap)} capabilities by {len(teams)} team(s); each cell shows the "
        "team's level from 0 to 4, darker for higher; ≥N? marks an inconclusive capability "
        "proven up to level N."
    )
    rows = [[r.name, *r.cells] for r in ctx.heatmap]
    columns = ["Capability", *(t.name for t in ctx.assessment.teams)]
    svg = to_svg(chart, "heatmap", f"{title}. {description}")
    return Chart("heatmap", title, description, svg, columns, rows)


RADAR_MAX = 4
_RADAR_LABEL = 4.35


def _radar_point(index: int, count: int, radius: float) -> tuple[float, float]:
    angle = 2 * math.pi * index / count
    return round(radius * math.sin(angle), 4), round(radius * math.cos(angle), 4)


def _ring_label(ring: int, count: int) -> dict[str, Any]:
    """A ring's number, placed between the first two spokes so it crosses no line."""
    angle = math.pi / count
    return {"x": ring * math.sin(angle), "y": ring * math.cos(angle), "text": str(ring)}


def radar(ctx: ReportContext) -> Chart:
    """Each team's capability levels as a polygon: one spoke per capability, rings at 1-4.

    The geometry (spokes, rings, polygon corners) is computed here and drawn with Altair
    marks; an inconclusive capability is drawn at the level proven so far."""
    alt = altair()
    capabilities = [clean(r.name) for r in ctx.heatmap]
    count = len(capabilities)
    teams = [clean(t.name) for t in ctx.assessment.teams]
    outline: list[dict[str, Any]] = []
    for team, result in zip(teams, ctx.assessment.teams, strict=True):
        levels = {
            c.id: (c.level if c.level is not None else c.at_least) for c in result.capabilities
        }
        for index in [*range(count), 0]:
            capability = ctx.heatmap[index].capability
            x, y = _radar_point(index, count, levels.get(capability, 0))
            outline.append({"team": team, "x": x, "y": y, "step": len(outline)})
    rings: list[dict[str, Any]] = []
    for ring in range(1, RADAR_MAX + 1):
        for index in [*range(count), 0]:
            x, y = _radar_point(index, count, ring)
            rings.append({"ring": ring, "x": x, "y": y, "step": len(rings)})
    spokes = []
    labels = []
    for index, name in enumerate(capabilities):
        x, y = _radar_point(index, count, RADAR_MAX)
        spokes.append({"x": 0, "y": 0, "x2": x, "y2": y})
        lx, ly = _radar_point(index, count, _RADAR_LABEL)
        side = "left" if lx > 0.3 else "right" if lx < -0.3 else "center"
        labels.append(
            {
                "name": name,
                "x": lx,
                "y": ly + (0.15 if ly > 0 else -0.15) * (side == "center"),
                "side": side,
            }
        )
    scale = 40  # pixels per level, the same on both axes
    x_span, y_span = 9.5, 5.0
    x = alt.X("x:Q", scale=alt.Scale(domain=[-x_span, x_span]), axis=None)
    y = alt.Y("y:Q", scale=alt.Scale(domain=[-y_span, y_span]), axis=None)
    grid = (
        alt.Chart(alt.Data(values=rings))
        .mark_line(color=GRID, strokeWidth=1)
        .encode(x=x, y=y, detail="ring:N", order="step:Q")
    )
    spoke = (
        alt.Chart(alt.Data(values=spokes))
        .mark_rule(color=GRID)
        .encode(x=x, y=y, x2="x2:Q", y2="y2:Q")
    )
    ring_labels = (
        alt.Chart(alt.Data(values=[_ring_label(r, count) for r in range(1, RADAR_MAX + 1)]))
        .mark_text(align="center", baseline="middle", fontSize=9, color=MUTED)
        .encode(x=x, y=y, text="text:N")
    )
    text = [
        alt.Chart(alt.Data(values=labels))
        .transform_filter(f"datum.side == '{side}'")
        .mark_text(align=side, baseline="middle", fontSize=10, color=INK, limit=200)
        .encode(x=x, y=y, text="name:N")
        for side in ("left", "right", "center")
    ]
    scales = series_scales(teams)
    team_color = alt.Color("team:N", scale=scales["color"], title="Team", sort=teams)
    polygons = (
        alt.Chart(alt.Data(values=outline))
        .mark_line(strokeWidth=2)
        .encode(
            x=x,
            y=y,
            order="step:Q",
            color=team_color,
            strokeDash=alt.StrokeDash("team:N", scale=scales["dash"], title="Team", sort=teams),
        )
    )
    corners = (
        alt.Chart(alt.Data(values=outline))
        .mark_point(filled=True, size=28)
        .encode(
            x=x,
            y=y,
            color=alt.Color("team:N", scale=scales["color"], title="Team", sort=teams),
            shape=alt.Shape("team:N", scale=scales["shape"], title="Team", sort=teams),
        )
    )
    chart = (
        alt.layer(grid, spoke, ring_labels, *text, polygons, corners)
        .properties(width=round(2 * x_span * scale), height=round(2 * y_span * scale))
        .resolve_scale(color="shared")
    )
    title = "Capability profile by team"
    description = (
        f"A radar chart with one spoke per capability ({count}) and rings at levels 1 to 4; "
        f"each of the {len(teams)} team(s) is a closed line through its levels."
    )
    columns = ["Capability", *(t.name for t in ctx.assessment.teams)]
    rows = [[r.name, *r.cells] for r in ctx.heatmap]
    svg = to_svg(chart, "radar", f"{title}. {description}")
    return Chart("radar", title, description, svg, columns, rows)


def barrier_severity(ctx: ReportContext) -> Chart:
    """The organization's barriers as horizontal bars, most severe first."""
    alt = altair()
    values = [
        {"barrier": clean(b.name), "severity": b.severity or 0.0, "text": percent(b.severity)}
        for b in ctx.barriers
    ]
    order = [v["barrier"] for v in values]
    base = alt.Chart(alt.Data(values=values)).encode(
        y=alt.Y("barrier:N", sort=order, title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X(
            "severity:Q",
            scale=alt.Scale(domain=[0, 1]),
            title="Severity (shortfall below the next stage)",
            axis=alt.Axis(format="%", tickCount=5),
        ),
    )
    bars = base.mark_bar(color=LEVEL_COLORS[3], height=14)
    labels = base.mark_text(align="left", dx=4, fontSize=10, color=INK).encode(text="text:N")
    chart = alt.layer(bars, labels).properties(width=360, height=alt.Step(22))
    title = "Barriers by severity"
    description = (
        f"Horizontal bars for {len(values)} barrier(s), most severe first; severity runs from "
        "0% (no shortfall) to 100%."
    )
    rows = [[b.name, percent(b.severity), str(len(b.failing_criteria))] for b in ctx.barriers]
    svg = to_svg(chart, "barriers", f"{title}. {description}")
    return Chart(
        "barriers", title, description, svg, ["Barrier", "Severity", "Unmet criteria"], rows
    )


MISALIGNMENTS_DRAWN = 12


def misalignment_chart(ctx: ReportContext) -> Chart:
    """The widest disagreements: per subject, the highest and the lowest role's view."""
    alt = altair()
    shown = ctx.misalignments[:MISALIGNMENTS_DRAWN]
    values = []
    subjects = []
    for n, item in enumerate(shown, 1):
        m = item.misalignment
        subject = f"{n}. {clean(item.team)} · {clean(m.text)}"
        subjects.append(subject)
        for end, view in (("highest", m.highest), ("lowest", m.lowest)):
            values.append({"subject": subject, "end": end, "role": view.role, "level": view.level})
    spans = [
        {
            "subject": s,
            "low": item.misalignment.lowest.level,
            "high": item.misalignment.highest.level,
        }
        for s, item in zip(subjects, shown, strict=True)
    ]
    y = alt.Y("subject:N", sort=subjects, title=None, axis=alt.Axis(labelLimit=300))
    x_scale = alt.Scale(domain=[0, 4])
    rule = (
        alt.Chart(alt.Data(values=spans))
        .mark_rule(color="#9aa5b1", strokeWidth=2)
        .encode(
            y=y, x=alt.X("low:Q", scale=x_scale, title="Level the role sees (0-4)"), x2="high:Q"
        )
    )
    ends = ["highest", "lowest"]
    base = alt.Chart(alt.Data(values=values)).encode(y=y, x=alt.X("level:Q", scale=x_scale))
    points = base.mark_point(size=70, filled=True).encode(
        color=alt.Color(
            "end:N", scale=alt.Scale(domain=ends, range=[LEVEL_COLORS[4], "#c05621"]), title="View"
        ),
        shape=alt.Shape(
            "end:N", scale=alt.Scale(domain=ends, range=["circle", "square"]), title="View"
        ),
    )
    roles = base.mark_text(dy=-10, fontSize=9, color=MUTED).encode(text="role:N")
    chart = alt.layer(rule, points, roles).properties(width=300, height=alt.Step(30))
    title = "Where roles disagree most"
    description = (
        f"For the {len(shown)} widest disagreement(s), a line from the lowest to the highest "
        "level a role sees, each end named by its role."
    )
    rows = [
        [
            item.team,
            item.misalignment.text,
            f"{item.misalignment.highest.role} ({number(item.misalignment.highest.level)})",
            f"{item.misalignment.lowest.role} ({number(item.misalignment.lowest.level)})",
        ]
        for item in shown
    ]
    svg = to_svg(chart, "misalignments", f"{title}. {description}")
    columns = ["Team", "About", "Highest view", "Lowest view"]
    return Chart("misalignments", title, description, svg, columns, rows)

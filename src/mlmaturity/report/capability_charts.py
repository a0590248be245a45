"""The overview's charts of capability levels: the capability-by-team heatmap and the radar.

Teams are told apart by id and labelled by name (``charts.team_labels``: a name two teams
share still shows both), so two teams never fold into one column or one line.
"""

from __future__ import annotations

import math
from typing import Any

from mlmaturity.report.charts import (
    GRID,
    INCONCLUSIVE,
    INK,
    LEVEL_COLORS,
    LINES,
    MUTED,
    Chart,
    altair,
    clean,
    lines,
    series_scales,
    to_svg,
)
from mlmaturity.report.context import ReportContext
from mlmaturity.words import plural

NBSP = "\u00a0"
LINE_HEIGHT = 13


def column_step(teams: int) -> int:
    """Pixels per team column: wide for a few teams, narrower for many (8 fit a page)."""
    return 124 if teams <= 4 else 108 if teams <= 8 else 86


def column_headers(labels: list[str], step: int) -> list[str]:
    """Each label wrapped to the column (at most 3 lines), bottom-aligned: shorter ones get
    blank lines on top, so every header ends just above the grid."""
    width = max(8, int((step - 12) / 6.6))
    wrapped = [lines(label, width) for label in labels]
    tallest = max((len(w) for w in wrapped), default=1)
    return ["\n".join([NBSP] * (tallest - len(w)) + w) for w in wrapped]


def heatmap(ctx: ReportContext) -> Chart:
    """Capabilities (rows, grouped by dimension) by team (columns), coloured by level."""
    alt = altair()
    teams = ctx.assessment.teams
    step = column_step(len(teams))
    headers = column_headers([ctx.team_labels[t.id] for t in teams], step)
    tallest = headers[0].count("\n") + 1 if headers else 1
    dimensions = [clean(n) for n in ctx.dimension_names.values()]
    values = []
    for row in ctx.heatmap:
        for header, cell, level in zip(headers, row.cells, row.levels, strict=True):
            values.append(
                {
                    "capability": clean(row.name),
                    "dimension": clean(ctx.dimension_names.get(row.dimension, row.dimension)),
                    "team": header,
                    "level": -1 if level is None else level,
                    "label": cell,
                    "dark": level is not None and level >= 3,
                }
            )
    order = [clean(r.name) for r in ctx.heatmap]
    base = alt.Chart(alt.Data(values=values)).encode(
        x=alt.X(
            "team:N",
            sort=headers,
            title=None,
            axis=alt.Axis(
                orient="top",
                labelAngle=0,
                labelExpr=LINES,
                labelLimit=step - 6,
                labelLineHeight=LINE_HEIGHT,
                labelPadding=(tallest - 1) * LINE_HEIGHT + 5,
                ticks=False,
                domain=False,
            ),
        ),
        y=alt.Y("capability:N", sort=order, title=None, axis=alt.Axis(labelLimit=230)),
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
    labels = base.mark_text(fontSize=12).encode(
        text="label:N",
        color=alt.condition("datum.dark", alt.value("#ffffff"), alt.value(INK)),
    )
    chart = (
        alt.layer(rects, outline, labels)
        .properties(width=max(3, len(teams)) * step, height=alt.Step(24))
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
        f"A grid of {plural(len(ctx.heatmap), 'capability', 'capabilities')} by "
        f"{plural(len(teams), 'team')}; each cell shows the team's level from 0 to 4, darker "
        "for higher; ≥N? marks an inconclusive capability proven up to level N."
    )
    rows = [[r.name, *r.cells] for r in ctx.heatmap]
    columns = ["Capability", *(ctx.team_labels[t.id] for t in teams)]
    svg = to_svg(chart, "heatmap", f"{title}. {description}")
    return Chart("heatmap", title, description, svg, columns, rows)


RADAR_MAX = 4
_RADAR_LABEL = 4.35


def _radar_point(index: int, count: int, radius: float) -> tuple[float, float]:
    angle = 2 * math.pi * index / count
    return round(radius * math.sin(angle), 4), round(radius * math.cos(angle), 4)


def _ring_label(ring: int, count: int) -> dict[str, Any]:
    """A ring's number, between the first two spokes (where no corner sits); it is drawn
    over the lines on a white disc, so a team's line passing there does not hide it."""
    angle = math.pi / count
    return {"x": ring * math.sin(angle), "y": ring * math.cos(angle), "text": str(ring)}


def radar(ctx: ReportContext) -> Chart:
    """Each team's capability levels as a polygon: one spoke per capability, rings at 1-4.

    The geometry (spokes, rings, polygon corners) is computed here and drawn with Altair
    marks; an inconclusive capability is drawn at the level proven so far."""
    alt = altair()
    capabilities = [clean(r.name) for r in ctx.heatmap]
    count = len(capabilities)
    teams = [ctx.team_labels[t.id] for t in ctx.assessment.teams]
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
    ring_values = alt.Data(values=[_ring_label(r, count) for r in range(1, RADAR_MAX + 1)])
    ring_discs = (
        alt.Chart(ring_values)
        .mark_point(filled=True, color="#ffffff", opacity=0.9, size=150)
        .encode(x=x, y=y)
    )
    ring_labels = (
        alt.Chart(ring_values)
        .mark_text(align="center", baseline="middle", fontSize=10, color=MUTED)
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
    polygons = (
        alt.Chart(alt.Data(values=outline))
        .mark_line(strokeWidth=2)
        .encode(
            x=x,
            y=y,
            order="step:Q",
            color=alt.Color("team:N", scale=scales["color"], title="Team", sort=teams),
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
        alt.layer(grid, spoke, *text, polygons, corners, ring_discs, ring_labels)
        .properties(width=round(2 * x_span * scale), height=round(2 * y_span * scale))
        .resolve_scale(color="shared")
    )
    title = "Capability profile by team"
    description = (
        f"A radar chart with one spoke per capability ({count}) and rings at levels 1 to 4; "
        f"each team ({len(teams)}) is a closed line through its levels."
    )
    columns = ["Capability", *teams]
    rows = [[r.name, *r.cells] for r in ctx.heatmap]
    svg = to_svg(chart, "radar", f"{title}. {description}")
    return Chart("radar", title, description, svg, columns, rows)

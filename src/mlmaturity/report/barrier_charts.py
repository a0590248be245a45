"""The charts of what holds the organization back: the barriers by severity, and where the
roles of a team disagree most."""

from __future__ import annotations

from mlmaturity.report.charts import (
    INK,
    LEVEL_COLORS,
    MUTED,
    Chart,
    altair,
    clean,
    shorten,
    to_svg,
)
from mlmaturity.report.context import ReportContext, number, percent
from mlmaturity.words import plural


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
        f"Horizontal bars for {plural(len(values), 'barrier')}, most severe first; severity "
        "runs from 0% (no shortfall) to 100%."
    )
    rows = [[b.name, percent(b.severity), str(len(b.failing_criteria))] for b in ctx.barriers]
    svg = to_svg(chart, "barriers", f"{title}. {description}")
    return Chart(
        "barriers", title, description, svg, ["Barrier", "Severity", "Unmet criteria"], rows
    )


MISALIGNMENTS_DRAWN = 12
SUBJECT_SHOWN = 36
"""Characters of a question drawn beside its line; the table under the chart has it whole."""


def misalignment_chart(ctx: ReportContext) -> Chart:
    """The widest disagreements, widest first: per subject, the highest and the lowest view.
    Each is numbered as in the table under the chart, which gives the question in full."""
    alt = altair()
    shown = ctx.misalignments[:MISALIGNMENTS_DRAWN]
    values = []
    subjects = []
    for n, item in enumerate(shown, 1):
        m = item.misalignment
        subject = f"{n}. {shorten(ctx.team_labels.get(item.team_id, item.team), 22)} · "
        subject += shorten(m.text, SUBJECT_SHOWN)
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
    y = alt.Y("subject:N", sort=subjects, title=None, axis=alt.Axis(labelLimit=400))
    x_scale = alt.Scale(domain=[0, 4])
    rule = (
        alt.Chart(alt.Data(values=spans))
        .mark_rule(color="#9aa5b1", strokeWidth=2)
        .encode(
            y=y, x=alt.X("low:Q", scale=x_scale, title="Level the role sees (0-4)"), x2="high:Q"
        )
    )
    ends = ["highest", "lowest"]
    base = alt.Chart(alt.Data(values=values)).encode(
        y=y, x=alt.X("level:Q", scale=x_scale, axis=alt.Axis(tickCount=4))
    )
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
        f"The {plural(len(shown), 'widest disagreement')}, widest first, numbered as in the "
        "table: a line from the lowest to the highest level a role sees, each end named by "
        "its role."
    )
    rows = [
        [
            str(n),
            item.team,
            item.misalignment.text,
            f"{item.misalignment.highest.role} ({number(item.misalignment.highest.level)})",
            f"{item.misalignment.lowest.role} ({number(item.misalignment.lowest.level)})",
        ]
        for n, item in enumerate(shown, 1)
    ]
    svg = to_svg(chart, "misalignments", f"{title}. {description}")
    columns = ["#", "Team", "About", "Highest view", "Lowest view"]
    return Chart("misalignments", title, description, svg, columns, rows)

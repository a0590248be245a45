"""The terminal summary: the organization, the capability heatmap, and each team's next steps."""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from mlmaturity.model.stages import stage_label
from mlmaturity.report.context import (
    KpiRow,
    ReportContext,
    TeamView,
    build_context,
    percent,
    score_text,
)
from mlmaturity.report.registry import report_format
from mlmaturity.report.terminal import render_plain
from mlmaturity.scoring import Assessment
from mlmaturity.words import plural

WIDTH = 120
SHOWN = 10
"""Rows shown per table; the Markdown and JSON reports have them all."""
COMPARE = "each team's own KPIs below"
"""Where the organization's mean over different metrics sends the reader instead."""
_LEVEL_STYLES = {0: "bold red", 1: "red", 2: "yellow", 3: "green", 4: "bold green"}


def _level(cell: str, level: int | None) -> Text:
    return Text(cell, style=_LEVEL_STYLES.get(level, "dim") if level is not None else "dim italic")


def _overview(ctx: ReportContext) -> RenderableType:
    org = ctx.assessment.organization
    table = Table.grid(padding=(0, 2))
    table.add_row("Stage", Text(ctx.organization_stage, style="bold"))
    table.add_row("Lowest team stage", ctx.lowest_team_stage)
    for d in org.dimensions:
        table.add_row(d.name, score_text(d, "teams"))
    table.add_row("Decided by evidence", ctx.organization_confidence)
    if ctx.assessment.target_stage:
        table.add_row("Target stage", stage_label(ctx.assessment.target_stage))
    model = ctx.assessment.model
    title = f"{org.name} · model {model.name} {model.version}"
    return Panel(table, title=Text(title), title_align="left")


def _heatmap(ctx: ReportContext) -> RenderableType:
    table = Table(
        title="Capabilities by team (≥N? = inconclusive, proven up to N)", title_justify="left"
    )
    table.add_column("Capability")
    table.add_column("Dimension", style="dim")
    for team in ctx.assessment.teams:
        table.add_column(team.name, justify="center")
    table.add_column("Min–max")
    table.add_column("Laggard")
    for row in ctx.heatmap:
        cells = [_level(c, lv) for c, lv in zip(row.cells, row.levels, strict=True)]
        table.add_row(row.name, ctx.dimension_names[row.dimension], *cells, row.spread, row.laggard)
    return table


def _kpis(title: str, periods: list[str], rows: list[KpiRow]) -> RenderableType:
    table = Table(title=Text(title), title_justify="left")
    table.add_column("KPI")
    table.add_column("Unit", style="dim")
    for period in periods:
        table.add_column(period[:7], justify="right")
    for row in rows:
        table.add_row(row.name, row.unit, *row.cells)
    notes = [Text(f"{r.name}: {n}", style="dim") for r in rows if (n := r.notes(COMPARE))]
    return Group(table, *notes)


def _team(view: TeamView) -> RenderableType:
    team = view.team
    header = Text.assemble(
        (f"{team.name}: ", "bold"),
        (view.stage, "bold"),
        f" → next {view.next_stage} · "
        + " · ".join(f"{d.name} {score_text(d)}" for d in team.dimensions)
        + f" · {view.confidence} by evidence · {plural(team.respondents, 'respondent')}",
    )
    parts: list[RenderableType] = [header]
    if view.barriers:
        barriers = Table(
            "Barrier", "Severity", "Unmet criteria", title="Barriers", title_justify="left"
        )
        for b in view.barriers[:6]:
            barriers.add_row(b.name, percent(b.severity), str(len(b.failing_criteria)))
        parts.append(barriers)
    if team.roadmap:
        shown = team.roadmap[:SHOWN]
        roadmap = Table(
            "#",
            "Do this",
            "Capability",
            "KPI to watch",
            title=f"Roadmap to {view.next_stage} ({len(shown)} of {len(team.roadmap)})",
            title_justify="left",
        )
        for item in shown:
            statement = item.statement + (" (undecided)" if item.status == "inconclusive" else "")
            roadmap.add_row(
                str(item.order),
                statement,
                f"{item.capability_name} L{item.level}",
                item.kpi.name if item.kpi else "",
            )
        parts.append(roadmap)
    if view.kpi_rows:
        parts.append(_kpis("KPIs", view.kpi_periods, view.kpi_rows))
    if team.misalignments:
        disagreements = team.misalignments[:SHOWN]
        disagree = Table(
            "About",
            "Highest view",
            "Lowest view",
            "Spread",
            title=f"Where roles disagree ({len(disagreements)} of {len(team.misalignments)})",
            title_justify="left",
        )
        for m in disagreements:
            disagree.add_row(
                m.text,
                f"{m.highest.role} {m.highest.level:g}",
                f"{m.lowest.role} {m.lowest.level:g}",
                f"{m.spread:g}",
                style="magenta",
            )
        parts.append(disagree)
    for c in team.conflicts:
        parts.append(Text(f"{c.criterion}: {c.message}", style="yellow"))
    for note in team.notes:
        parts.append(Text(note, style="dim"))
    return Panel(Group(*parts), title=Text(team.name), title_align="left")


@report_format("text", suffix=".txt", description="A summary for the terminal")
def render_text(
    assessment: Assessment,
    color: bool = False,
    *,
    history: Sequence[Assessment] = (),
    milestones: Mapping[str, str] | None = None,
) -> str:
    """Colour means a terminal: then the text fits its width; otherwise it is WIDTH wide."""
    ctx = build_context(assessment)
    width = shutil.get_terminal_size((WIDTH, 24)).columns if color else WIDTH
    parts = [_overview(ctx), _heatmap(ctx)]
    if ctx.kpi_rows:
        parts.append(_kpis("KPIs across the organization", ctx.kpi_periods, ctx.kpi_rows))
    parts += [_team(view) for view in ctx.teams]
    return render_plain(parts, width=width, color=color)

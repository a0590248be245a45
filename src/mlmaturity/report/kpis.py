"""Output of `mlmaturity kpi`: per team (and the organization), each KPI by period."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from mlmaturity.kpi.compute import KpiValue
from mlmaturity.report.terminal import render_plain

KPI_SCHEMA_VERSION = 1


def _cell(value: KpiValue) -> Text:
    if value.value is None:
        return Text("n/a", style="dim")
    number = f"{value.value:.3g}" if abs(value.value) < 1000 else f"{value.value:,.0f}"
    return Text(number + (f" ({value.band})" if value.band else ""))


STAGES = ("baseline", "actionable", "optimized")
ARROW = {"higher": "↑", "lower": "↓"}
LEGEND = "↑ higher is better, ↓ lower is better; KPIs grouped by the stage where they matter"


def _unit(value: KpiValue) -> str:
    arrow = ARROW.get(value.better or "")
    return f"{value.unit} {arrow}" if arrow else value.unit


def _notes(name: str, row: dict[date, KpiValue], periods: int) -> list[str]:
    """Each note of a KPI once, with the periods it is about unless it is about them all
    ("handling days saved, 2026-01-01 and 2026-04-01: no value in the period")."""
    by_note: dict[str, list[date]] = {}
    for period, value in sorted(row.items()):
        if value.note:
            by_note.setdefault(value.note, []).append(period)
    lines = []
    for note, when in by_note.items():
        days = [d.isoformat() for d in when]
        which = (
            ""
            if len(when) == periods
            else ", " + (days[0] if len(days) == 1 else f"{', '.join(days[:-1])} and {days[-1]}")
        )
        lines.append(f"{name}{which}: {note}")
    return lines


def kpi_text(
    values: Sequence[KpiValue], teams: dict[str, str], color: bool = False, width: int = 120
) -> str:
    periods = sorted({v.period for v in values})
    parts: list[RenderableType] = []
    for team, title in [*teams.items(), (None, "Organization")]:
        table = Table(title=Text(title), title_justify="left")
        table.add_column("KPI")
        table.add_column("Unit", style="dim")
        for period in periods:
            table.add_column(period.strftime("%Y-%m-%d"), justify="right")
        mine = [v for v in values if v.team == team]
        notes: list[str] = []
        kpis = list(dict.fromkeys(v.kpi for v in mine))
        stage_of = {v.kpi: v.stage for v in mine}
        kpis.sort(key=lambda k: STAGES.index(s) if (s := stage_of[k]) in STAGES else len(STAGES))
        shown_stage: str | None = None
        for kpi in kpis:
            row = {v.period: v for v in mine if v.kpi == kpi}
            first = next(iter(row.values()))
            stage = first.stage or "business"
            if stage != shown_stage:
                table.add_row(Text(stage, style="bold dim"))
                shown_stage = stage
            cells = (_cell(row[p]) for p in periods if p in row)
            table.add_row(f"  {first.name}", _unit(first), *cells)
            notes.extend(_notes(first.name, row, len(periods)))
        parts.append(table)
        parts.extend(Text(n, style="yellow") for n in notes)
    parts.append(Text(LEGEND, style="dim"))
    return render_plain(parts, width=width, color=color)


def kpi_json(values: Sequence[KpiValue]) -> str:
    rows = [{**asdict(v), "period": v.period.isoformat()} for v in values]
    return json.dumps({"schema_version": KPI_SCHEMA_VERSION, "kpis": rows}, indent=2) + "\n"

"""Output of `mlmaturity kpi`: per team (and the organization), each KPI by period."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict

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
        notes = []
        for kpi in dict.fromkeys(v.kpi for v in mine):
            row = {v.period: v for v in mine if v.kpi == kpi}
            first = next(iter(row.values()))
            table.add_row(first.name, first.unit, *(_cell(row[p]) for p in periods if p in row))
            if first.note:
                notes.append(f"{first.name}: {first.note}")
        parts.append(table)
        parts.extend(Text(n, style="yellow") for n in dict.fromkeys(notes))
    return render_plain(parts, width=width, color=color)


def kpi_json(values: Sequence[KpiValue]) -> str:
    rows = [{**asdict(v), "period": v.period.isoformat()} for v in values]
    return json.dumps({"schema_version": KPI_SCHEMA_VERSION, "kpis": rows}, indent=2) + "\n"

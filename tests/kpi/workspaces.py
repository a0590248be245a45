"""Small workspaces for the event and KPI tests: event files and a workspace file listing them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

import yaml

from mlmaturity.events.store import EventStore
from mlmaturity.kpi.compute import KpiValue, compute_kpis

Teams = Mapping[str, Mapping[str, Sequence[str]]]


def make_workspace(root: Path, teams: Teams, files: Mapping[str, str], **settings: object) -> Path:
    """Write ``files`` and a workspace whose teams list them (team id -> kind -> entries)."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    spec = {
        "version": 1,
        "organization": "O",
        **settings,
        "teams": [
            {"id": team, "sources": {kind: list(entries) for kind, entries in sources.items()}}
            for team, sources in teams.items()
        ],
    }
    (root / "mlmaturity.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    return root


def kpis(
    root: Path,
    teams: Sequence[str],
    since: date,
    until: date,
    period: str = "month",
    today: date | None = None,
) -> dict[tuple[str, str | None, date], KpiValue]:
    """Every KPI value by (kpi, team or None for the organization, period start)."""
    extra = {} if today is None else {"today": today}
    store = EventStore.for_workspace(root)
    values = compute_kpis(store, list(teams), since, until, period, **extra)  # type: ignore[arg-type]
    return {(v.kpi, v.team, v.period): v for v in values}


def stored(root: Path, table: str) -> list[dict[str, object]]:
    """The rows of one stored event table, in stored order ([] when the table is absent)."""
    rows = EventStore.for_workspace(root).read(table)
    return [] if rows is None else rows.to_pylist()

"""Every KPI's query, per team and for the organization, as one query: one round trip.

A query sees two views of each stored table: ``tables[name]`` holds the rows whose time (the
table's ``time_column``) falls in [since, until]; ``tables[name + TO_DATE]`` every row up to
until, with an ``in_range`` flag, for what holds "as of" a period (models in production) or
looks back before it (the commit a deployment ships, the deployment a rollback undoes). Both
carry a ``period`` column: the start of the period the row's time falls in.
``tables["periods"]`` has one row per period: ``period``, and the first and last instants of
it that lie in the range, ``start`` and ``end``.

All KPIs, the teams each table records and the business metrics are one union, so the engine
plans them together (it scans a table once for several KPIs, it starts once on Spark) and
the rows come back in one transfer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from mlmaturity.events.store import EventStore
from mlmaturity.events.tables import TABLES
from mlmaturity.kpi.engine import Connection
from mlmaturity.kpi.registry import KpiDefinition, Tables

TO_DATE = "_to_date"
Key = tuple[str | None, date]
"""A team (None: the organization) and a period start."""


@dataclass
class Found:
    """What the one query found."""

    present: dict[str, set[str | None]] = field(default_factory=dict)
    """The teams each stored table has rows of (None: rows of no team)."""
    kpis: dict[str, dict[Key, tuple[float | None, str]]] = field(default_factory=dict)
    """Per KPI: value and note per team and period."""
    business: dict[str, dict[Key, tuple[float | None, str]]] = field(default_factory=dict)
    """Per business metric name: mean value and unit per team and period."""
    units: dict[str, dict[str | None, str]] = field(default_factory=dict)
    """Per KPI with ``unit_from``: the unit each team's data (None: the organization's) is
    in, where the data names one."""


@dataclass(frozen=True)
class Window:
    since: datetime
    until: datetime
    unit: str
    """The period as Ibis truncates to it: W, M or Q."""
    periods: Any
    """A pyarrow table: period, start, end."""


def query_all(
    con: Connection, store: EventStore, window: Window, definitions: Iterable[KpiDefinition]
) -> Found:
    """Run every measurable KPI (its tables stored) and the business metrics in one query."""
    import ibis

    tables = Tables(con.keep)
    found = Found()
    parts = []
    for name, spec in TABLES.items():
        path = store.path(name)
        if not path.exists():
            continue
        found.present[name] = set()
        table = con.read_parquet(path, name)
        parts.append(_row(table.select("team").distinct(), "present", name))
        column = table[spec.time_column]
        to_date = table.filter(column <= window.until).mutate(
            # The day first: truncating a date is cheaper than truncating an instant.
            period=column.date().truncate(window.unit),
            in_range=column >= window.since,
        )
        tables[name + TO_DATE] = to_date
        tables[name] = to_date.filter(to_date.in_range)
    tables["periods"] = ibis.memtable(window.periods)
    for definition in definitions:
        if all(t in tables for t in definition.needs):
            for by in (["team", "period"], ["period"]):
                parts.append(_row(definition.query(tables, by), "kpi", definition.id))
                if definition.unit_from is not None:
                    named = definition.unit_from(tables, by[:-1])
                    parts.append(_row(named.mutate(note=named.unit), "unit", definition.id))
    if "business_metrics" in tables:
        b = tables["business_metrics"]
        for by in (["name", "team", "period"], ["name", "period"]):
            means = b.group_by(by).aggregate(value=b.value.mean(), note=b.unit.max())
            parts.append(_row(means, "business", means.name))
    rows = ibis.union(*parts).to_pyarrow().to_pylist() if parts else []
    _collect(rows, found)
    return found


def _row(table: Any, kind: str, key: Any) -> Any:
    """One part of the union: kind, key, team, org (an organization row), period, value, note."""
    import ibis

    columns = table.columns
    return table.select(
        kind=ibis.literal(kind),
        key=ibis.literal(key) if isinstance(key, str) else key,
        team=table.team if "team" in columns else ibis.null("string"),
        org="team" not in columns,
        period=table.period if "period" in columns else ibis.null("date"),
        value=table.value.cast("float64") if "value" in columns else ibis.null("float64"),
        note=table.note.cast("string") if "note" in columns else ibis.null("string"),
    )


def _collect(rows: list[dict[str, Any]], found: Found) -> None:
    for row in rows:
        kind, key, team = row["kind"], row["key"], row["team"]
        if kind == "present":
            found.present.setdefault(key, set()).add(team)
            continue
        if not row["org"] and team is None:
            continue  # rows of no team (unallocated costs) count for the organization only
        if kind == "unit":
            if row["note"]:
                found.units.setdefault(key, {})[team] = row["note"]
            continue
        into = found.kpis if kind == "kpi" else found.business
        into.setdefault(key, {})[(team, row["period"])] = (row["value"], row["note"] or "")

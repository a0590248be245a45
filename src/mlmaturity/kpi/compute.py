"""Compute every KPI per team and for the organization, per period, over the event store."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from mlmaturity.errors import InputError
from mlmaturity.events.store import EventStore
from mlmaturity.events.tables import TABLES
from mlmaturity.kpi.registry import KpiDefinition, registered_kpis

Period = Literal["week", "month", "quarter"]
TIME_COLUMN = {
    "deployments": "at",
    "incidents": "opened_at",
    "ci_runs": "started_at",
    "changes": "at",
    "drift": "window_start",
    "costs": "period_start",
    "business_metrics": "at",
}
BUSINESS = "business-kpis"
_UNIT = {"week": "W", "month": "M", "quarter": "Q"}
PER_30_DAYS = {"deployment-frequency"}


@dataclass(frozen=True)
class KpiValue:
    kpi: str
    name: str
    team: str | None
    """None for the organization."""
    period: date
    value: float | None
    unit: str
    band: str | None = None
    note: str = ""


def _period_days(start: date, period: Period) -> int:
    if period == "week":
        return 7
    if period == "month":
        return calendar.monthrange(start.year, start.month)[1]
    end_month = start.month + 2
    return sum(calendar.monthrange(start.year, m)[1] for m in range(start.month, end_month + 1))


def _periods(since: date, until: date, period: Period) -> list[date]:
    """Period starts from the one holding ``since`` to the one holding ``until``."""
    if period == "week":
        start = since - timedelta(days=since.weekday())
        return [start + timedelta(weeks=i) for i in range((until - start).days // 7 + 1)]
    step = 1 if period == "month" else 3
    month = since.month - (since.month - 1) % step
    starts, current = [], date(since.year, month, 1)
    while current <= until:
        starts.append(current)
        total = current.month - 1 + step
        current = date(current.year + total // 12, total % 12 + 1, 1)
    return starts


def compute_kpis(
    store: EventStore, teams: list[str], since: date, until: date, period: Period = "month"
) -> list[KpiValue]:
    """Every registered KPI for each team and the organization, for each period in range."""
    import duckdb
    import ibis

    con = ibis.duckdb.connect()
    tables: dict[str, Any] = {}
    for name in TABLES:
        path = store.path(name)
        if not path.exists():
            continue
        try:
            table = con.read_parquet(path, table_name=name)
        except duckdb.Error as exc:
            hint = "delete it and run `mlmaturity collect` again"
            reason = str(exc).splitlines()[0]  # DuckDB appends the SQL it ran
            raise InputError.single(
                path, f"the event store file cannot be read: {reason}", hint=hint
            ) from None
        column = table[TIME_COLUMN[name]]
        start = datetime.combine(since, datetime.min.time(), UTC)
        end = datetime.combine(until + timedelta(days=1), datetime.min.time(), UTC)
        # Models in production need deployments before the range too; the rest only the range.
        if name != "deployments":
            table = table.filter((column >= start) & (column < end))
        tables[name] = table.mutate(period=column.truncate(_UNIT[period]).cast("date"))
    starts = _periods(since, until, period)
    tables["periods"] = ibis.memtable({"period": starts})
    results: list[KpiValue] = []
    for definition in registered_kpis().values():
        missing = [t for t in definition.needs if t not in tables]
        if missing:
            note = "not measurable: needs " + ", ".join(missing)
            results.extend(
                KpiValue(
                    definition.id, definition.name, team, start, None, definition.unit, None, note
                )
                for team in [*teams, None]
                for start in starts
            )
            continue
        results.extend(_evaluate(definition, tables, teams, starts, period))
    results.extend(_business(tables, teams, starts))
    return results


def _business(tables: dict[str, Any], teams: list[str], starts: list[date]) -> list[KpiValue]:
    """Each user-named business KPI: the mean of its values per period (one series per name)."""
    if "business_metrics" not in tables:
        note = "not measurable: needs business_metrics"
        return [
            KpiValue(BUSINESS, "Business KPIs", team, start, None, "", None, note)
            for team in [*teams, None]
            for start in starts
        ]
    b = tables["business_metrics"]
    by_team = b.group_by(["name", "team", "period"]).aggregate(
        value=b.value.mean(), unit=b.unit.max()
    )
    overall = b.group_by(["name", "period"]).aggregate(value=b.value.mean(), unit=b.unit.max())
    found = {(r["name"], r["team"], r["period"]): r for r in by_team.to_pyarrow().to_pylist()}
    found |= {(r["name"], None, r["period"]): r for r in overall.to_pyarrow().to_pylist()}
    values = []
    for name in sorted({key[0] for key in found}):
        unit = next(r["unit"] or "" for key, r in found.items() if key[0] == name)
        for team in [*teams, None]:
            for start in starts:
                row = found.get((name, team, start))
                value = None if row is None else row["value"]
                values.append(KpiValue(f"business:{name}", name, team, start, value, unit))
    return values


def _evaluate(
    definition: KpiDefinition,
    tables: dict[str, Any],
    teams: list[str],
    starts: list[date],
    period: Period,
) -> list[KpiValue]:
    scoped = dict(tables)
    found: dict[tuple[str | None, date], float | None] = {}
    for by, team_of in (
        (["team", "period"], lambda row: row["team"]),
        (["period"], lambda row: None),
    ):
        frame = definition.query(scoped, by).to_pyarrow().to_pylist()
        for row in frame:
            found[(team_of(row), row["period"])] = row["value"]
    values = []
    for team in [*teams, None]:
        for start in starts:
            value = found.get((team, start))
            if value is not None and definition.id in PER_30_DAYS:
                value = value * 30 / _period_days(start, period)
            band = definition.band(value) if definition.band and value is not None else None
            values.append(
                KpiValue(definition.id, definition.name, team, start, value, definition.unit, band)
            )
    return values

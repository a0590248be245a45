"""Compute every KPI per team and for the organization, per period, over the event store.

A query sees two views of each stored table: ``tables[name]`` holds the rows whose time (the
table's ``time_column``) falls in [since, until]; ``tables[name + TO_DATE]`` every row up to
until, with an ``in_range`` flag, for what holds "as of" a period (models in production) or
looks back before it (the commit a deployment ships, the deployment a rollback undoes). Both
carry a ``period`` column: the start of the period the row's time falls in.
``tables["periods"]`` has one row per period: ``period``, and the first and last instants of
it that lie in the range, ``start`` and ``end``.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

from mlmaturity.errors import InputError
from mlmaturity.events.store import EventStore
from mlmaturity.events.tables import TABLES
from mlmaturity.kpi.registry import KpiDefinition, registered_kpis

Period = Literal["week", "month", "quarter"]
BUSINESS = "business-kpis"
TO_DATE = "_to_date"
MAX_PERIODS = 1000
"""More periods than this is a mistyped range, not a report (and would take long to compute)."""
NOT_BEGUN = "the period has not begun"
_UNIT = {"week": "W", "month": "M", "quarter": "Q"}
_MONTHS = {"month": 1, "quarter": 3}


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
    better: str | None = None
    """Which way is better: higher or lower (None for business KPIs)."""
    stage: str | None = None
    """The maturity stage where the KPI matters: baseline, actionable or optimized."""


@dataclass(frozen=True)
class Span:
    """One period, cut to the range: the days a count in it is spread over."""

    period: date
    first: date
    last: date
    measured_days: int
    """Days from ``first`` to ``last`` that are not still to come (0: not begun)."""

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time.min, UTC)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last, time.max, UTC)


def _month(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def spans(since: date, until: date, period: Period, today: date) -> list[Span]:
    """The periods from the one holding ``since`` to the one holding ``until``, cut to the range."""
    if period == "week":
        first_start = since - timedelta(days=since.weekday())
        count = (until - first_start).days // 7 + 1
    else:
        step = _MONTHS[period]
        first_month = since.year * 12 + since.month - 1
        first_month -= first_month % step
        count = (until.year * 12 + until.month - 1 - first_month) // step + 1
    if count > MAX_PERIODS:
        raise InputError.single(
            "--since/--until",
            f"{count} periods of a {period}; at most {MAX_PERIODS} periods are computed",
            hint="narrow the range or choose a longer --period",
        )
    found = []
    for i in range(count):
        if period == "week":
            start = first_start + timedelta(weeks=i)
            days_left = (until - start).days
            last = until if days_left < 6 else start + timedelta(days=6)
        else:
            start = _month(first_month + i * step)
            end_month = _month(first_month + i * step + step - 1)
            month_end = end_month.replace(
                day=calendar.monthrange(end_month.year, end_month.month)[1]
            )
            last = min(month_end, until)
        first = max(start, since)
        measured = max((min(last, today) - first).days + 1, 0)
        found.append(Span(start, first, last, measured))
    return found


def compute_kpis(
    store: EventStore,
    teams: list[str],
    since: date,
    until: date,
    period: Period = "month",
    today: date | None = None,
) -> list[KpiValue]:
    """Every registered KPI for each team and the organization, for each period in range."""
    periods = spans(since, until, period, today or date.today())
    with store.locked(exclusive=False):
        return _compute(store, teams, periods, period)


def _compute(
    store: EventStore, teams: list[str], periods: list[Span], period: Period
) -> list[KpiValue]:
    import ibis
    import pyarrow as pa

    con = ibis.duckdb.connect()
    try:
        tables: dict[str, Any] = {}
        present: dict[str, set[str | None]] = {}
        since, until = periods[0].start, periods[-1].end
        for name, spec in TABLES.items():
            path = store.path(name)
            if not path.exists():
                continue
            table = _read(con, path, name)
            present[name] = set(table.select("team").distinct().to_pyarrow()["team"].to_pylist())
            column = table[spec.time_column]
            to_date = table.filter(column <= until).mutate(
                period=column.truncate(_UNIT[period]).cast("date"), in_range=column >= since
            )
            tables[name + TO_DATE] = to_date
            tables[name] = to_date.filter(to_date.in_range)
        span_table = pa.table(
            {
                "period": pa.array([s.period for s in periods], pa.date32()),
                "start": pa.array([s.start for s in periods], pa.timestamp("us", tz="UTC")),
                "end": pa.array([s.end for s in periods], pa.timestamp("us", tz="UTC")),
            }
        )
        tables["periods"] = ibis.memtable(span_table)
        results: list[KpiValue] = []
        for definition in registered_kpis().values():
            missing = [t for t in definition.needs if t not in tables]
            if missing:
                note = "not measurable: needs " + ", ".join(missing)
                results.extend(
                    _value(definition, team, s.period, None, note)
                    for team in [*teams, None]
                    for s in periods
                )
                continue
            results.extend(_evaluate(definition, tables, present, teams, periods))
        results.extend(_business(tables, teams, periods))
        return results
    finally:
        con.disconnect()


def _read(con: Any, path: Any, name: str) -> Any:
    import duckdb

    try:
        return con.read_parquet(path, table_name=name)
    except duckdb.Error as exc:
        hint = "delete it and run `mlmaturity collect` again"
        reason = str(exc).splitlines()[0]  # DuckDB appends the SQL it ran
        raise InputError.single(
            path, f"the event store file cannot be read: {reason}", hint=hint
        ) from None


def _value(
    definition: KpiDefinition,
    team: str | None,
    period: date,
    value: float | None,
    note: str = "",
    band: str | None = None,
) -> KpiValue:
    return KpiValue(
        definition.id,
        definition.name,
        team,
        period,
        value,
        definition.unit,
        band,
        note,
        definition.better,
        definition.stage,
    )


def _business(tables: dict[str, Any], teams: list[str], periods: list[Span]) -> list[KpiValue]:
    """Each user-named business KPI: the mean of its values per period (one series per name)."""
    if "business_metrics" not in tables:
        note = "not measurable: needs business_metrics"
        return [
            KpiValue(BUSINESS, "Business KPIs", team, s.period, None, "", None, note)
            for team in [*teams, None]
            for s in periods
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
            for s in periods:
                row = found.get((name, team, s.period))
                value = None if row is None else row["value"]
                values.append(KpiValue(f"business:{name}", name, team, s.period, value, unit))
    return values


def _evaluate(
    definition: KpiDefinition,
    tables: dict[str, Any],
    present: dict[str, set[str | None]],
    teams: list[str],
    periods: list[Span],
) -> list[KpiValue]:
    found: dict[tuple[str | None, date], tuple[float | None, str]] = {}
    for by in (["team", "period"], ["period"]):
        for row in definition.query(tables, by).to_pyarrow().to_pylist():
            team = row.get("team") if "team" in by else None
            if "team" in by and team is None:
                continue  # rows of no team (unallocated costs) count for the organization only
            found[(team, row["period"])] = (row["value"], row.get("note") or "")
    values = []
    for team in [*teams, None]:
        unrecorded = next(
            (t for t in definition.needs if not (team in present[t] if team else present[t])),
            None,
        )
        for span in periods:
            value, note = found.get((team, span.period), (None, ""))
            if span.measured_days == 0:
                value, note = None, NOT_BEGUN
            elif value is None and not note:
                if unrecorded:
                    note = f"no {unrecorded} recorded"
                elif definition.zero_if_empty:
                    value = 0.0
            if value is not None and definition.per_30_days:
                value = value * 30 / span.measured_days
            band = definition.band(value) if definition.band and value is not None else None
            values.append(_value(definition, team, span.period, value, note, band))
    return values

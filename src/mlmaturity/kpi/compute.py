"""Compute every KPI per team and for the organization, per period, over the event store.

The queries run as one (see mlmaturity.kpi.query); this module cuts the range into periods
and turns what they found into values: n/a or 0 where nothing was found, counts scaled to 30
days, DORA bands.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from mlmaturity.errors import InputError
from mlmaturity.events.store import EventStore
from mlmaturity.kpi.engine import Connection, Engine, chosen, connect
from mlmaturity.kpi.query import Found, Key, Window, query_all
from mlmaturity.kpi.registry import KpiDefinition, registered_kpis

Period = Literal["week", "month", "quarter"]
BUSINESS = "business-kpis"
MAX_PERIODS = 1000
"""More periods than this is a mistyped range, not a report (and would take long to compute)."""
NOT_BEGUN = "the period has not begun"
BUSINESS_NOT_RECORDED = "the team records no such metric"
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
    engine: Engine | None = None,
) -> list[KpiValue]:
    """Every registered KPI for each team and the organization, for each period in range.

    ``engine`` is the workspace's (``Engine.of(workspace)``); DuckDB when None.
    """
    periods = spans(since, until, period, today or date.today())
    engine = chosen(engine)
    with store.locked(exclusive=False), connect(engine) as con:
        return _compute(con, store, teams, periods, period)


def _compute(
    con: Connection, store: EventStore, teams: list[str], periods: list[Span], period: Period
) -> list[KpiValue]:
    import pyarrow as pa

    span_table = pa.table(
        {
            "period": pa.array([s.period for s in periods], pa.date32()),
            "start": pa.array([s.start for s in periods], pa.timestamp("us", tz="UTC")),
            "end": pa.array([s.end for s in periods], pa.timestamp("us", tz="UTC")),
        }
    )
    window = Window(periods[0].start, periods[-1].end, _UNIT[period], span_table)
    definitions = registered_kpis().values()
    found = query_all(con, store, window, definitions)
    results: list[KpiValue] = []
    for definition in definitions:
        missing = [t for t in definition.needs if t not in found.present]
        if missing:
            note = "not measurable: needs " + ", ".join(_said(t) for t in missing)
            results.extend(
                _value(definition, team, s.period, None, note)
                for team in [*teams, None]
                for s in periods
            )
            continue
        values = found.kpis.get(definition.id, {})
        evaluated = _evaluate(definition, values, found.present, teams, periods)
        units = found.units.get(definition.id, {})  # the data names it ("USD per model")
        results.extend(replace(v, unit=units[v.team]) if v.team in units else v for v in evaluated)
    results.extend(_business(found, teams, periods))
    return results


def _said(table: str) -> str:
    """An event table as a note names it: ``ci_runs`` → ``CI runs``."""
    words = table.replace("_", " ")
    return "CI" + words[2:] if words.startswith("ci ") else words


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


def _business(found: Found, teams: list[str], periods: list[Span]) -> list[KpiValue]:
    """Each user-named business KPI: the mean of its values per period (one series per name)."""
    if "business_metrics" not in found.present:
        note = "not measurable: needs " + _said("business_metrics")
        return [
            KpiValue(BUSINESS, "Business KPIs", team, s.period, None, "", None, note)
            for team in [*teams, None]
            for s in periods
        ]
    values = []
    for name, series in sorted(found.business.items()):
        unit = next(iter(series.values()))[1]
        recorded = {team for team, _ in series}
        for team in [*teams, None]:
            for s in periods:
                value = series.get((team, s.period), (None, ""))[0]
                note = ""
                if value is None:
                    note = "no value in the period" if team in recorded else BUSINESS_NOT_RECORDED
                values.append(
                    KpiValue(f"business:{name}", name, team, s.period, value, unit, note=note)
                )
    return values


def _evaluate(
    definition: KpiDefinition,
    found: dict[Key, tuple[float | None, str]],
    present: dict[str, set[str | None]],
    teams: list[str],
    periods: list[Span],
) -> list[KpiValue]:
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
                    note = f"no {_said(unrecorded)} recorded"
                elif definition.zero_if_empty:
                    value = 0.0
                else:
                    note = definition.empty
            if value is not None and definition.per_30_days:
                value = value * 30 / span.measured_days
            band = definition.band(value) if definition.band and value is not None else None
            values.append(_value(definition, team, span.period, value, note, band))
    return values

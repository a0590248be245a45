"""The KPI registry: each KPI registers itself with its metadata and the tables it needs."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

Better = Literal["higher", "lower"]
Stage = Literal["baseline", "actionable", "optimized"]
# (tables by name, the grouping columns) -> an Ibis table with the group columns and `value`
# (and, optionally, a `note` saying why a value is missing).
Query = Callable[[Mapping[str, Any], list[str]], Any]
Band = Callable[[float], str]


@dataclass(frozen=True)
class KpiDefinition:
    id: str
    name: str
    unit: str
    better: Better
    stage: Stage
    needs: tuple[str, ...]
    query: Query
    band: Band | None = None
    """DORA's band (elite / high / medium / low) where DORA defines one."""
    per_30_days: bool = False
    """A count per period, scaled to 30 days by the period's days in range and not to come."""
    zero_if_empty: bool = False
    """A count: a period without events is 0, not n/a, for a team that records the tables."""
    empty: str = "nothing in the period to measure it from"
    """Why a period is n/a when the team records every table the KPI needs but the query
    found nothing to measure in the period (never an empty note)."""
    unit_from: Query | None = None
    """Like ``query`` but grouped by the columns given without ``period``, with a ``unit``
    column: the unit each team's (or the organization's) data is in over the whole
    computation (a cost's currency), or null to keep ``unit``."""


class Tables(dict[str, Any]):
    """The tables KPI queries read, by name, and the relations several of them share."""

    def __init__(self, keep: Callable[[Any], Any]) -> None:
        super().__init__()
        self.keep = keep
        """Computes a relation once and keeps it on the engine for this computation."""
        self.shared: dict[str, Any] = {}


def shared(build: Callable[[Mapping[str, Any]], Any]) -> Callable[[Mapping[str, Any]], Any]:
    """A relation several KPI queries start from: computed once per computation, kept on the engine.

    Each KPI is queried per team and for the organization, and some KPIs start from the same
    relation (a window over every deployment): built once, it is read many times.
    """
    key = build.__qualname__

    def relation(tables: Mapping[str, Any]) -> Any:
        if not isinstance(tables, Tables):
            return build(tables)
        if key not in tables.shared:
            tables.shared[key] = tables.keep(build(tables))
        return tables.shared[key]

    return relation


_KPIS: dict[str, KpiDefinition] = {}


def kpi(
    id: str,
    *,
    name: str,
    unit: str,
    better: Better,
    stage: Stage,
    needs: tuple[str, ...],
    band: Band | None = None,
    per_30_days: bool = False,
    zero_if_empty: bool = False,
    empty: str = KpiDefinition.empty,
    unit_from: Query | None = None,
) -> Callable[[Query], Query]:
    def register(query: Query) -> Query:
        if id in _KPIS:
            raise ValueError(f"KPI '{id}' is registered twice")
        _KPIS[id] = KpiDefinition(
            id,
            name,
            unit,
            better,
            stage,
            needs,
            query,
            band,
            per_30_days,
            zero_if_empty,
            empty,
            unit_from,
        )
        return query

    return register


def registered_kpis() -> dict[str, KpiDefinition]:
    from mlmaturity.kpi import definitions  # noqa: F401  (registers the built-in KPIs)

    return dict(_KPIS)

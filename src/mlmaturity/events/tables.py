"""The event tables: columns, types and the natural key that makes collection idempotent.

Every row carries ``team`` and ``source`` (the collector or file it came from); times are UTC.
``TABLES`` is built on first use: importing pyarrow takes a tenth of a second that commands
which never touch events (listing checks, scanning a repository) should not pay.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass(frozen=True)
class EventTable:
    name: str
    schema: pa.Schema
    key: tuple[str, ...]
    """Columns that identify one fact: a source yielding it twice stores it once (the last wins)."""
    time_column: str
    """The time that places a row in a KPI period: the table's first time column."""
    accumulates: bool = False
    """The source yields only a recent window of facts that never change (git commits): rows
    collected before are kept while their source is listed. Other tables hold exactly what
    their sources yield at the last collection."""


def _table(
    name: str, key: tuple[str, ...], *fields: tuple[str, pa.DataType], accumulates: bool = False
) -> EventTable:
    import pyarrow as pa

    columns = [pa.field(n, t) for n, t in fields]
    columns += [pa.field("team", pa.string()), pa.field("source", pa.string())]
    time_column = next(n for n, t in fields if t == pa.timestamp("us", tz="UTC"))
    return EventTable(name, pa.schema(columns), key, time_column, accumulates)


@cache
def _tables() -> dict[str, EventTable]:
    import pyarrow as pa

    UTC_TIME = pa.timestamp("us", tz="UTC")
    S, F, B = pa.string(), pa.float64(), pa.bool_()
    return {
        t.name: t
        for t in (
            _table(
                "deployments",
                ("team", "model", "version", "environment", "at", "kind"),
                ("model", S), ("version", S), ("environment", S), ("at", UTC_TIME), ("kind", S),
                ("automated", B), ("commit", S),
            ),
            _table(
                "incidents",
                ("team", "model", "opened_at"),
                ("model", S), ("opened_at", UTC_TIME), ("resolved_at", UTC_TIME), ("severity", S),
            ),
            _table(
                "ci_runs",
                ("team", "repository", "run_id"),
                ("repository", S), ("workflow", S), ("run_id", S), ("status", S), ("conclusion", S),
                ("event", S), ("trigger", S), ("branch", S), ("commit", S),
                ("started_at", UTC_TIME), ("ended_at", UTC_TIME), ("url", S),
            ),
            _table(
                "drift",
                ("team", "model", "feature", "window_start", "statistic"),
                ("model", S), ("feature", S), ("window_start", UTC_TIME), ("window_end", UTC_TIME),
                ("statistic", S), ("value", F), ("threshold", F), ("drifted", B),
                ("onset_at", UTC_TIME), ("detected_at", UTC_TIME),
            ),
            _table(
                "costs",
                ("source", "line"),
                ("period_start", UTC_TIME), ("period_end", UTC_TIME), ("resource_id", S), ("service", S),
                ("model", S), ("cost", F), ("currency", S), ("category", S), ("line", pa.int64()),
            ),
            _table(
                "business_metrics",
                ("team", "name", "model", "at"),
                ("name", S), ("model", S), ("at", UTC_TIME), ("value", F), ("unit", S),
            ),
            _table(
                "training_runs",
                ("team", "source", "run_id"),
                ("run_id", S), ("model", S), ("started_at", UTC_TIME), ("ended_at", UTC_TIME),
                ("status", S), ("trigger", S), ("commit", S), ("user", S),
            ),
            _table(
                "evaluations",
                ("team", "source", "run_id", "model", "version", "metric"),
                ("at", UTC_TIME), ("model", S), ("version", S), ("run_id", S), ("metric", S),
                ("value", F), ("dataset_role", S), ("primary", B),
            ),
            _table(
                "model_versions",
                ("team", "source", "model", "version"),
                ("created_at", UTC_TIME), ("model", S), ("version", S), ("run_id", S),
                ("aliases", S), ("stage", S), ("status", S), ("in_production", B),
                ("collected_at", UTC_TIME),
            ),
            _table(
                "registry_snapshots",
                ("team", "source", "model", "version", "label", "collected_at"),
                ("collected_at", UTC_TIME), ("model", S), ("version", S), ("label", S),
            ),
            _table(
                "changes",
                ("team", "repository", "sha"),
                ("repository", S), ("sha", S), ("at", UTC_TIME), ("author", S),
                accumulates=True,
            ),
        )
    }  # fmt: skip


def __getattr__(name: str) -> dict[str, EventTable]:
    if name == "TABLES":
        return _tables()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

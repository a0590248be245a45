"""The built-in KPIs, each one Ibis query over the event tables (see docs/kpis.md).

A query gets the tables (each with a ``period`` column: the start of the period its time
falls in) and the grouping columns (``team`` and/or ``period``), and returns one row per group
with a ``value``. DORA bands use the 2023 State of DevOps performance clusters.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis

from mlmaturity.kpi.registry import kpi

PRODUCTION = "production"


def _bands(
    *limits: tuple[float, str], otherwise: str = "low", higher_is_better: bool = False
) -> Any:
    def band(value: float) -> str:
        for limit, name in limits:
            if (value >= limit) if higher_is_better else (value <= limit):
                return name
        return otherwise

    return band


def _production(tables: Mapping[str, Any]) -> Any:
    d = tables["deployments"]
    return d.filter(d.environment == PRODUCTION)


def _hours(later: Any, earlier: Any) -> Any:
    return (later.epoch_seconds() - earlier.epoch_seconds()) / 3600.0


@kpi(
    "deployment-frequency",
    name="Deployment frequency",
    unit="deployments per model per 30 days",
    better="higher",
    stage="actionable",
    needs=("deployments",),
    band=_bands((30, "elite"), (4, "high"), (1, "medium"), higher_is_better=True),
)
def deployment_frequency(tables: Mapping[str, Any], by: list[str]) -> Any:
    d = _production(tables)
    d = d.filter(d.kind == "deploy")
    # Per period: deployments per deployed model; compute scales it to 30 days.
    return d.group_by(by).aggregate(value=d.count() / d.model.nunique())


@kpi(
    "change-failure-rate",
    name="Change failure rate",
    unit="%",
    better="lower",
    stage="actionable",
    needs=("deployments",),
    band=_bands((5, "elite"), (10, "high"), (15, "medium")),
)
def change_failure_rate(tables: Mapping[str, Any], by: list[str]) -> Any:
    d = _production(tables)
    deploys = (d.kind == "deploy").cast("int64").sum()
    rollbacks = (d.kind == "rollback").cast("int64").sum()
    return d.group_by(by).aggregate(
        value=ibis.ifelse(deploys > 0, 100.0 * rollbacks / deploys, ibis.null())
    )


@kpi(
    "time-to-restore",
    name="Time to restore",
    unit="hours",
    better="lower",
    stage="actionable",
    needs=("incidents",),
    band=_bands((1, "elite"), (24, "high"), (168, "medium")),
)
def time_to_restore(tables: Mapping[str, Any], by: list[str]) -> Any:
    i = tables["incidents"]
    i = i.filter(i.resolved_at.notnull())
    return i.group_by(by).aggregate(value=_hours(i.resolved_at, i.opened_at).median())


@kpi(
    "lead-time",
    name="Lead time for model changes",
    unit="hours",
    better="lower",
    stage="actionable",
    needs=("deployments", "changes"),
    band=_bands((24, "elite"), (168, "high"), (720, "medium")),
)
def lead_time(tables: Mapping[str, Any], by: list[str]) -> Any:
    d = _production(tables)
    d = d.filter((d.kind == "deploy") & d.commit.notnull())
    c = tables["changes"]
    joined = d.join(c, (d.team == c.team) & (d.commit == c.sha))
    hours = _hours(joined.at, joined.at_right)
    return joined.group_by(by).aggregate(value=hours.median())


@kpi(
    "models-in-production",
    name="Models in production",
    unit="models",
    better="higher",
    stage="baseline",
    needs=("deployments",),
)
def models_in_production(tables: Mapping[str, Any], by: list[str]) -> Any:
    d = _production(tables)
    d = d.filter(d.kind == "deploy")
    first = d.group_by(["team", "model"]).aggregate(since=d.period.min())
    periods = tables["periods"]
    live = first.cross_join(periods).filter(lambda t: t.since <= t.period)
    return live.group_by(by).aggregate(value=live.model.nunique())


@kpi(
    "time-to-detect-drift",
    name="Time to detect drift",
    unit="hours",
    better="lower",
    stage="optimized",
    needs=("drift",),
)
def time_to_detect_drift(tables: Mapping[str, Any], by: list[str]) -> Any:
    d = tables["drift"]
    d = d.filter(d.drifted & d.onset_at.notnull() & d.detected_at.notnull())
    return d.group_by(by).aggregate(value=_hours(d.detected_at, d.onset_at).median())


@kpi(
    "cost-per-model",
    name="Infrastructure cost per model",
    unit="currency per model",
    better="lower",
    stage="optimized",
    needs=("costs",),
)
def cost_per_model(tables: Mapping[str, Any], by: list[str]) -> Any:
    c = tables["costs"]
    c = c.filter(c.model.notnull())
    return c.group_by(by).aggregate(value=c.cost.sum() / c.model.nunique())


@kpi(
    "ci-success-rate",
    name="CI success rate",
    unit="%",
    better="higher",
    stage="actionable",
    needs=("ci_runs",),
)
def ci_success_rate(tables: Mapping[str, Any], by: list[str]) -> Any:
    c = tables["ci_runs"]
    # Only runs that ran to an end count: cancelled and skipped runs say nothing about the code.
    c = c.filter(c.conclusion.isin(["success", "failure"]))
    succeeded = (c.conclusion == "success").cast("int64").sum()
    return c.group_by(by).aggregate(value=100.0 * succeeded / c.count())

"""The built-in KPIs, each one Ibis query over the event tables (see docs/kpis.md).

A query gets the tables (see mlmaturity.kpi.compute: each in range and ``_to_date``, with a
``period`` column; and ``periods``) and the grouping columns (``team`` and/or ``period``), and
returns one row per group with a ``value``. Per-model KPIs count a model per team: two teams'
models that share a name are two models. DORA bands use the 2023 State of DevOps performance
clusters, with DORA's own strict "less than" where it says so.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

import ibis

from mlmaturity.events.checks import SHA
from mlmaturity.events.rows import PRODUCTION
from mlmaturity.kpi.functions import unix_micros
from mlmaturity.kpi.registry import kpi, shared

_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _bands(*limits: tuple[str, float, str], otherwise: str = "low") -> Callable[[float], str]:
    """DORA's bands, best first: (comparison, limit, band); the first that holds names the value."""

    def band(value: float) -> str:
        return next((name for op, limit, name in limits if _COMPARE[op](value, limit)), otherwise)

    return band


def _production(table: Any) -> Any:
    return table.filter(table.environment == PRODUCTION)


def _hours(later: Any, earlier: Any) -> Any:
    return (unix_micros(later) - unix_micros(earlier)).cast("float64") / 3_600_000_000.0


def _model_key(table: Any) -> Any:
    """A model as its team knows it (a model name is unique within a team only)."""
    return ibis.coalesce(table.team, "") + "\x1f" + table.model


@shared
def _live_models(tables: Mapping[str, Any]) -> Any:
    """(team, model, period) for each model deployed to production by the period's end."""
    d = _production(tables["deployments_to_date"])
    d = d.filter(d.kind == "deploy")
    first = d.group_by(["team", "model"]).aggregate(first_at=d.at.min())
    live = first.cross_join(tables["periods"])
    live = live.filter(live.first_at <= live.end)
    return live.mutate(model_key=_model_key(live))


@kpi(
    "models-in-production",
    name="Models in production",
    unit="models",
    better="higher",
    stage="baseline",
    needs=("deployments",),
    zero_if_empty=True,
)
def models_in_production(tables: Mapping[str, Any], by: list[str]) -> Any:
    live = _live_models(tables)
    return live.group_by(by).aggregate(value=live.model_key.nunique().cast("float64"))


@kpi(
    "deployment-frequency",
    name="Deployment frequency",
    unit="deployments per model per 30 days",
    better="higher",
    stage="actionable",
    needs=("deployments",),
    # Per model (DORA's "service"): elite deploys more than daily, high between daily and
    # weekly, medium between weekly and monthly, low less than monthly.
    band=_bands((">", 30, "elite"), (">=", 30 / 7, "high"), (">=", 1, "medium")),
    per_30_days=True,
    zero_if_empty=True,
)
def deployment_frequency(tables: Mapping[str, Any], by: list[str]) -> Any:
    # Production deployments in the period over the models in production at its end;
    # compute scales it to 30 days.
    live = _live_models(tables)
    models = live.group_by(by).aggregate(models=live.model_key.nunique())
    d = _production(tables["deployments"])
    d = d.filter(d.kind == "deploy")
    counts = d.group_by(by).aggregate(deploys=d.count())
    joined = models.left_join(counts, by)
    deploys = ibis.coalesce(joined.deploys, 0)
    return joined.select(*by, value=deploys.cast("float64") / joined.models)


@kpi(
    "change-failure-rate",
    name="Change failure rate",
    unit="%",
    better="lower",
    stage="actionable",
    needs=("deployments",),
    band=_bands(("<=", 5, "elite"), ("<=", 10, "high"), ("<=", 15, "medium")),
    empty="no production deployment in the period",
)
def change_failure_rate(tables: Mapping[str, Any], by: list[str]) -> Any:
    # DORA: the share of production deployments that failed. A rollback fails the model's
    # latest production deployment before it, in whichever period that deployment was.
    d = _production(tables["deployments_to_date"])
    order = ibis.window(group_by=[d.team, d.model], order_by=[d.at, d.kind, d.version])
    d = d.mutate(failed=(d.kind.lead().over(order) == "rollback").fill_null(False))
    d = d.filter((d.kind == "deploy") & d.in_range)
    return d.group_by(by).aggregate(value=100.0 * d.failed.cast("int64").sum() / d.count())


@kpi(
    "time-to-restore",
    name="Time to restore",
    unit="hours",
    better="lower",
    stage="actionable",
    needs=("incidents",),
    band=_bands(("<", 1, "elite"), ("<", 24, "high"), ("<=", 168, "medium")),
    empty="no incident resolved in the period",
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
    band=_bands(("<", 24, "elite"), ("<=", 168, "high"), ("<=", 720, "medium")),
    empty="no production deployment in the period names a commit of the team's repositories",
)
def lead_time(tables: Mapping[str, Any], by: list[str]) -> Any:
    # A deployment's commit may be short: it names the one commit of the team it prefixes.
    # Commits before the range count (the deployment is in it, not its commit).
    d = _production(tables["deployments"])
    d = d.filter((d.kind == "deploy") & d.commit.re_search(SHA.pattern))
    c = tables["changes_to_date"]
    c = c.select(commit_team=c.team, sha=c.sha.lower(), committed_at=c.at)
    # Every SHA a deployment names has at least 7 digits: equal first 7 make the join a hash
    # join, the prefix test then decides (a prefix test alone compares every pair of a team).
    prefix = c.sha.substr(0, 7) == d.commit.substr(0, 7)
    joined = d.join(c, (d.team == c.commit_team) & prefix & c.sha.startswith(d.commit))
    deployment = ["team", "model", "version", "environment", "at", "period"]
    matched = joined.group_by(deployment).aggregate(
        first=joined.sha.min(), last=joined.sha.max(), committed_at=joined.committed_at.min()
    )
    unique = matched.filter(matched.first == matched.last)  # one commit (a count is slower)
    return unique.group_by(by).aggregate(value=_hours(unique.at, unique.committed_at).median())


@kpi(
    "time-to-detect-drift",
    name="Time to detect drift",
    unit="hours",
    better="lower",
    stage="optimized",
    needs=("drift",),
    empty="no drift alert in the period records both its onset and its detection",
)
def time_to_detect_drift(tables: Mapping[str, Any], by: list[str]) -> Any:
    d = tables["drift"]
    d = d.filter(d.drifted & d.onset_at.notnull() & d.detected_at.notnull())
    return d.group_by(by).aggregate(value=_hours(d.detected_at, d.onset_at).median())


def _cost_currency(tables: Mapping[str, Any], by: list[str]) -> Any:
    """``<currency> per model`` where all of a team's model-tagged costs in range are in one
    currency (for the organization: all teams' costs)."""
    c = tables["costs"]
    c = c.filter(c.model.notnull() & c.currency.notnull())
    one = (c.group_by(by) if by else c).aggregate(
        currencies=c.currency.nunique(), currency=c.currency.max()
    )
    unit = ibis.ifelse(one.currencies == 1, one.currency + " per model", ibis.null("string"))
    return one.select(*by, unit=unit)


@kpi(
    "cost-per-model",
    name="Infrastructure cost per model",
    unit="currency per model",
    better="lower",
    stage="optimized",
    needs=("costs",),
    empty="no cost in the period is tagged with a model",
    unit_from=_cost_currency,
)
def cost_per_model(tables: Mapping[str, Any], by: list[str]) -> Any:
    # Amounts in different currencies are never summed: such a period says so instead.
    c = tables["costs"]
    c = c.filter(c.model.notnull())
    totals = c.group_by(by).aggregate(
        total=c.cost.sum(),
        models=_model_key(c).nunique(),
        currencies=c.currency.collect(distinct=True).sort(),
    )
    mixed = totals.currencies.length() > 1
    return totals.select(
        *by,
        value=ibis.ifelse(mixed, ibis.null("float64"), totals.total / totals.models),
        note=ibis.ifelse(
            mixed,
            "mixed currencies (" + totals.currencies.join(", ") + "): not summed",
            ibis.null("string"),
        ),
    )


@kpi(
    "ci-success-rate",
    name="CI success rate",
    unit="%",
    better="higher",
    stage="actionable",
    needs=("ci_runs",),
    empty="no CI run in the period ran to success or failure",
)
def ci_success_rate(tables: Mapping[str, Any], by: list[str]) -> Any:
    c = tables["ci_runs"]
    # Only runs that ran to an end count: cancelled and skipped runs say nothing about the code.
    c = c.filter(c.conclusion.isin(["success", "failure"]))
    succeeded = (c.conclusion == "success").cast("int64").sum()
    return c.group_by(by).aggregate(value=100.0 * succeeded / c.count())


@shared
def _live_versions(tables: Mapping[str, Any]) -> Any:
    """(team, model, version, previous, period) for the version each model runs in production
    at each period's end: the one its latest production deployment or rollback left there,
    and the version that was there before it."""
    d = _production(tables["deployments_to_date"])
    order = ibis.window(group_by=[d.team, d.model], order_by=[d.at, d.kind, d.version])
    d = d.mutate(until=d.at.lead().over(order), previous=d.version.lag().over(order))
    p = tables["periods"]
    live = d.join(p, (d.at <= p.end) & (d.until.isnull() | (d.until > p.end)))
    return live.select(live.team, live.model, live.version, live.previous, period=live.period_right)


@shared
def _holdout(tables: Mapping[str, Any]) -> Any:
    """Each model version's headline held-out metric (see the MLflow collector)."""
    e = tables["evaluations_to_date"]
    e = e.filter((e.dataset_role == "holdout") & e.primary)
    return e.group_by(["team", "model", "version"]).aggregate(
        metric=e.metric.min(), score=e.value.mean()
    )


@kpi(
    "holdout-accuracy",
    name="Held-out accuracy",
    unit="primary held-out metric of the production versions (mean)",
    better="higher",
    stage="actionable",
    needs=("deployments", "evaluations"),
    empty="no production version at the period's end has a held-out metric",
)
def holdout_accuracy(tables: Mapping[str, Any], by: list[str]) -> Any:
    live = _live_versions(tables)
    scores = _holdout(tables)
    joined = live.join(scores, ["team", "model", "version"])
    return joined.group_by(by).aggregate(value=joined.score.mean())


@kpi(
    "holdout-accuracy-change",
    name="Held-out accuracy change vs the previous version",
    unit="difference of the primary held-out metric (mean)",
    better="higher",
    stage="actionable",
    needs=("deployments", "evaluations"),
    empty="no production version at the period's end replaced one measured with the same metric",
)
def holdout_accuracy_change(tables: Mapping[str, Any], by: list[str]) -> Any:
    # Only where both versions were measured with the same metric: a change of metric is not
    # a change of quality.
    live = _live_versions(tables)
    live = live.filter(live.previous.notnull() & (live.previous != live.version))
    now = _holdout(tables)
    before = now.select(
        team_before=now.team,
        model_before=now.model,
        previous=now.version,
        metric_before=now.metric,
        score_before=now.score,
    )
    joined = live.join(now, ["team", "model", "version"])
    joined = joined.join(
        before,
        (joined.team == before.team_before)
        & (joined.model == before.model_before)
        & (joined.previous == before.previous)
        & (joined.metric == before.metric_before),
    )
    return joined.group_by(by).aggregate(value=(joined.score - joined.score_before).mean())


@kpi(
    "automated-retraining-share",
    name="Models retrained automatically",
    unit="%",
    better="higher",
    stage="optimized",
    needs=("deployments", "model_versions", "training_runs"),
    empty="no production version at the period's end names a training run in the store",
)
def automated_retraining_share(tables: Mapping[str, Any], by: list[str]) -> Any:
    # Production versions whose training run nobody started by hand; versions whose run is
    # unknown are left out rather than counted either way.
    live = _live_versions(tables)
    v = tables["model_versions_to_date"]
    v = v.select(v.team, v.model, v.version, v.run_id).distinct()
    r = tables["training_runs_to_date"]
    r = r.select(r.team, r.run_id, r.trigger).distinct()
    known = live.join(v, ["team", "model", "version"]).join(r, ["team", "run_id"])
    automated = (known.trigger != "manual").cast("int64").sum()
    return known.group_by(by).aggregate(value=100.0 * automated / known.count())

"""Event rows from an MLflow store: training runs, evaluations, model versions, deployments.

MLflow keeps no history of aliases or stages. Each collection therefore stores a snapshot of
which versions are in production, and deployments are derived from the differences between
consecutive snapshots: a model's production version moving up is a deployment, moving back to
an older version is a rollback. The time of such a deployment is that of the collection that
first saw it (collect often to make it precise); a version tag naming its deployment time
(``deployed_at`` by default) is exact and wins. The first snapshot of a model dates its
production version by the version's last update in the registry, the best MLflow knows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from typing import Any

from mlmaturity.events.mlflowstore.records import (
    GIT_COMMIT_TAG,
    PARENT_RUN_TAG,
    SOURCE_TYPE_TAG,
    Run,
    StoreContents,
    Version,
    version_order,
)
from mlmaturity.workspace import MlflowSettings

TRIGGERS = ("manual", "scheduled", "drift", "ci", "automated")
"""How a training run started; ``automated`` is automation of an unknown kind (a service account)."""
NOTHING_IN_PRODUCTION = "none"
MAX_RUN_NESTING = 20
TRUE_VALUES = ("true", "yes", "1", "y")


def wanted_tags(settings: MlflowSettings) -> list[str]:
    """The run tags the collector reads; everything else stays in the store."""
    keys = {GIT_COMMIT_TAG, SOURCE_TYPE_TAG, PARENT_RUN_TAG, settings.trigger_tag}
    return sorted(keys | set(settings.scheduler_tags) | set(settings.ci_tags))


def metric_globs(settings: MlflowSettings) -> list[str]:
    """Metric names worth reading: the role patterns and the bare quality metric names."""
    globs = [
        *settings.holdout_metrics,
        *settings.validation_metrics,
        *settings.train_metrics,
        *settings.quality_metrics,
    ]
    return list(dict.fromkeys(globs))


class Triggers:
    """Who started a run: an explicit tag, then CI tags, scheduler tags, a job source, a
    service account; a person otherwise. A child run (a sweep's trial) without signs of its
    own was started by whatever started its parent."""

    def __init__(self, settings: MlflowSettings, runs: Mapping[str, Run] | None = None) -> None:
        self.tag = settings.trigger_tag
        self.ci = frozenset(settings.ci_tags)
        self.scheduler = frozenset(settings.scheduler_tags)
        self.service_accounts = re.compile(settings.service_accounts)
        self.runs = runs or {}

    def of(self, run: Run, depth: int = 0) -> str:
        own = self._own(run)
        parent = self.runs.get(run.tags.get(PARENT_RUN_TAG, ""))
        if own == "manual" and parent is not None and depth < MAX_RUN_NESTING:
            return self.of(parent, depth + 1)
        return own

    def _own(self, run: Run) -> str:
        tags = run.tags
        named = tags.get(self.tag, "").strip().lower()
        if named in TRIGGERS:
            return named
        if not self.ci.isdisjoint(tags):
            return "ci"
        if not self.scheduler.isdisjoint(tags):
            return "scheduled"
        if (tags.get(SOURCE_TYPE_TAG) or run.source_type).upper() == "JOB":
            return "scheduled"
        if run.user and self.service_accounts.search(run.user):
            return "automated"
        return "manual"


class MetricRoles:
    """Which data a metric was measured on: by its name, or by the run's input datasets.

    Stores hold thousands of runs logging the same few metric names: each name is matched
    against the settings' globs once.
    """

    def __init__(self, settings: MlflowSettings) -> None:
        self.settings = settings
        self.by_name: dict[str, str | None] = {}
        self.quality = list(dict.fromkeys(m.lower() for m in settings.quality_metrics))
        self.rank = {name: i for i, name in enumerate(self.quality)}
        self.primaries: dict[tuple[str, ...], str | None] = {}
        self.holdout_contexts = set(settings.holdout_contexts)

    def _by_name(self, name: str) -> str | None:
        lowered = name.lower()
        settings = self.settings
        for role, globs in (
            ("holdout", settings.holdout_metrics),
            ("validation", settings.validation_metrics),
            ("train", settings.train_metrics),
        ):
            if any(fnmatchcase(lowered, g.lower()) for g in globs):
                return role
        return None

    def primary(self, holdout: list[str]) -> str | None:
        """The run's headline held-out metric: the one measuring the quality metric listed
        first in the settings (``test_accuracy`` before ``test_f1``); None when no held-out
        metric measures a quality metric."""
        if not holdout:
            return None
        key = tuple(holdout)
        if key not in self.primaries:
            best = min(holdout, key=self._quality_order)
            self.primaries[key] = best if self.is_quality(best) else None
        return self.primaries[key]

    def _quality_order(self, metric: str) -> tuple[int, str]:
        lowered = metric.lower()
        rank = self.rank
        base = lowered if lowered in rank else _base_name(lowered, self.settings.holdout_metrics)
        return (rank.get(base, len(rank)), metric)

    def is_quality(self, metric: str) -> bool:
        """Whether a held-out metric measures one of the quality metrics (not a loss, an
        error or a latency, which would not average with accuracies)."""
        lowered = metric.lower()
        return (
            lowered in self.rank or _base_name(lowered, self.settings.holdout_metrics) in self.rank
        )

    def of(self, name: str, run: Run) -> str | None:
        try:
            role = self.by_name[name]
        except KeyError:
            role = self.by_name[name] = self._by_name(name)
        if role is not None:
            return role
        contexts = run.dataset_contexts
        if contexts and name.lower() in self.quality and self.holdout_contexts.issuperset(contexts):
            return "holdout"
        return None


def _base_name(metric: str, globs: Sequence[str]) -> str:
    """What a role glob leaves of a metric name: ``accuracy`` of ``test_accuracy``."""
    for glob in globs:
        if glob.count("*") == 1:
            head, _, tail = glob.lower().partition("*")
            if metric.startswith(head) and metric.endswith(tail) and len(metric) > len(head + tail):
                return metric[len(head) : len(metric) - len(tail)]
    return metric


def in_production(version: Version, settings: MlflowSettings) -> list[str]:
    """The labels that put a version in production (aliases, a legacy stage, a tag)."""
    labels = [f"alias:{a}" for a in version.aliases if a in settings.production_aliases]
    if version.stage in settings.production_stages:
        labels.append(f"stage:{version.stage}")
    tag = settings.production_tag
    if tag and version.tags.get(tag, "").strip().lower() in TRUE_VALUES:
        labels.append(f"tag:{tag}")
    return labels


def derive(
    contents: StoreContents,
    settings: MlflowSettings,
    team: str,
    source: str,
    earlier_snapshots: Sequence[dict[str, Any]],
) -> dict[str, list[dict[str, Any]]]:
    """Every event row one collection of a store yields, given the snapshots stored before."""
    common = {"team": team, "source": source}
    commit_of_run = {
        r.run_id: r.tags[GIT_COMMIT_TAG] for r in contents.runs if r.tags.get(GIT_COMMIT_TAG)
    }
    commits = {
        (v.model, v.version): commit_of_run[v.run_id]
        for v in contents.versions
        if v.run_id in commit_of_run
    }
    triggers = Triggers(settings, {r.run_id: r for r in contents.runs})
    model_of_run: dict[str, str] = {}
    versions_of_run: dict[str, list[Version]] = {}
    for version in contents.versions:
        if version.run_id:
            model_of_run.setdefault(version.run_id, version.model)
            versions_of_run.setdefault(version.run_id, []).append(version)
    training = [
        {
            "run_id": run.run_id,
            "model": model_of_run.get(run.run_id),
            "started_at": run.started_at,
            "ended_at": run.ended_at,
            "status": run.status,
            "trigger": triggers.of(run),
            "commit": run.tags.get(GIT_COMMIT_TAG),
            "user": run.user,
            "team": team,
            "source": source,
        }
        for run in contents.runs
    ]
    # Tens of thousands of runs: this loop is kept plain on purpose.
    evaluations = []
    roles = MetricRoles(settings)
    unregistered = [("", "")]
    for run in contents.runs:
        if not run.metrics:
            continue
        found = {m: roles.of(m, run) for m in sorted(run.metrics)}
        primary = roles.primary([m for m, role in found.items() if role == "holdout"])
        produced = versions_of_run.get(run.run_id)
        made = [(v.model, v.version) for v in produced] if produced else unregistered
        at = run.ended_at or run.started_at
        for metric, role in found.items():
            if role is None:
                continue
            value, is_primary = run.metrics[metric], metric == primary
            for model, number in made:
                evaluations.append(
                    {
                        "at": at,
                        "model": model,
                        "version": number,
                        "run_id": run.run_id,
                        "metric": metric,
                        "value": value,
                        "dataset_role": role,
                        "primary": is_primary,
                        "team": team,
                        "source": source,
                    }
                )
    now = contents.collected_at
    versions = []
    snapshot = []
    for version in contents.versions:
        labels = in_production(version, settings)
        versions.append(
            {
                "created_at": version.created_at,
                "model": version.model,
                "version": version.version,
                "run_id": version.run_id,
                "aliases": ",".join(version.aliases),
                "stage": version.stage,
                "status": version.status,
                "in_production": bool(labels),
                "collected_at": now,
                **common,
            }
        )
        snapshot += [
            {
                "collected_at": now,
                "model": version.model,
                "version": version.version,
                "label": label,
            }
            for label in labels
        ]
    # A model with nothing in production, or gone from the registry since, is marked so.
    before = _latest_states(earlier_snapshots)
    in_use = {row["model"] for row in snapshot}
    snapshot += [
        {"collected_at": now, "model": model, "version": "", "label": NOTHING_IN_PRODUCTION}
        for model in sorted(({v.model for v in contents.versions} | set(before)) - in_use)
    ]
    # Only what changed is stored: collecting hourly must not grow the table by the hour.
    now_states = _latest_states(snapshot)
    changed = {model for model, state in now_states.items() if before.get(model) != state}
    snapshots = [dict(row) for row in earlier_snapshots] + [
        {**r, **common} for r in snapshot if r["model"] in changed
    ]
    return {
        "training_runs": training,
        "evaluations": evaluations,
        "model_versions": versions,
        "registry_snapshots": snapshots,
        "deployments": deployments(contents.versions, snapshots, settings, common, commits),
    }


def _latest_states(snapshots: Iterable[Mapping[str, Any]]) -> dict[str, frozenset[tuple[str, str]]]:
    """Each model's (version, label) pairs at the last collection that recorded it."""
    latest: dict[str, Any] = {}
    states: dict[str, set[tuple[str, str]]] = {}
    for row in snapshots:
        model, at = row["model"], row["collected_at"]
        if model not in latest or at > latest[model]:
            latest[model], states[model] = at, set()
        if at == latest[model]:
            states[model].add((row["version"], row["label"]))
    return {model: frozenset(state) for model, state in states.items()}


def _parse_time(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def deployments(
    versions: Iterable[Version],
    snapshots: Sequence[dict[str, Any]],
    settings: MlflowSettings,
    common: dict[str, str],
    commits: dict[tuple[str, str], str],
) -> list[dict[str, Any]]:
    """Production deployments and rollbacks: from version tags, and from snapshot differences.
    ``commits`` gives the commit each version was trained from, for lead times."""
    rows: list[dict[str, Any]] = []
    registered = {(v.model, v.version): v.created_at for v in versions}
    tagged: set[tuple[str, str]] = set()
    for entry in versions:
        at = _parse_time(entry.tags.get(settings.deployed_at_tag, ""))
        if at is not None:
            tagged.add((entry.model, entry.version))
            commit = commits.get((entry.model, entry.version))
            rows.append(_deployment(entry.model, entry.version, at, "deploy", common, commit))
    # The production version of each model at each collection: the newest one labelled.
    timeline: dict[str, dict[datetime, str]] = {}
    for row in snapshots:
        at, model, version = row["collected_at"], row["model"], row["version"]
        current = timeline.setdefault(model, {}).get(at)
        if current is None or version_order(version) > version_order(current):
            timeline[model][at] = version
    dated: set[tuple[str, str]] = set()  # tagged versions whose first deployment the tag dates
    for model, by_time in timeline.items():
        previous: str | None = None  # the production version at the collection before
        for index, at in enumerate(sorted(by_time)):
            version = by_time[at]
            if version in ("", previous):
                previous = version
                continue
            kind = (
                "rollback"
                if previous and version_order(version) < version_order(previous)
                else "deploy"
            )
            # Seen at the very first collection: dated by its registration, a stable lower bound.
            when = (registered.get((model, version)) or at) if index == 0 else at
            if kind == "deploy" and (model, version) in tagged - dated:
                dated.add((model, version))
            else:
                commit = commits.get((model, version))
                rows.append(_deployment(model, version, when, kind, common, commit))
            previous = version
    return sorted(rows, key=lambda r: (r["model"], r["at"], r["version"]))


def _deployment(
    model: str,
    version: str,
    at: datetime,
    kind: str,
    common: dict[str, str],
    commit: str | None,
) -> dict[str, Any]:
    return {
        "model": model,
        "version": version,
        "environment": "production",
        "at": at,
        "kind": kind,
        "automated": None,
        "commit": commit,
        **common,
    }

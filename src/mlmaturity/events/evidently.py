"""Evidently drift reports (JSON) to drift rows: one per column test, one for the whole dataset.

Three shapes are read, told apart by their keys:

- legacy reports (Evidently 0.4-0.6, and ``evidently.legacy`` since): ``Report.json()`` or
  ``save_json`` - ``{"version", "timestamp", "metrics": [{"metric": "DataDriftTable", "result"}]}``;
- 0.7 snapshots: ``Snapshot.json()`` or ``save_json`` - ``{"metrics": [{"metric_name",
  "config", "value"}], "tests"}``;
- 0.7 stored snapshots: ``Snapshot.dumps()`` and Evidently workspaces - ``{"timestamp",
  "metadata", "metric_results": {...}}``.

A report names neither its model nor (0.7 ``json()``) its time, so both may come from the file
name: ``fraud-scoring.2026-06-15.json`` is model ``fraud-scoring`` on 2026-06-15 (UTC).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, FiniteFloat, ValidationError

from mlmaturity.errors import InputError, Problem
from mlmaturity.events.formats import event_format
from mlmaturity.events.jsonfile import JsonItem, read_json, validation_problems
from mlmaturity.events.rows import DriftRow, UtcTime

WHAT = "an Evidently report or snapshot saved as JSON"
DATASET_STATISTIC = "share of drifted columns"
P_VALUE_TESTS = frozenset(
    {
        "anderson",
        "anderson-darling",
        "chisquare",
        "cramer_von_mises",
        "cramer-von mises",
        "empirical_mmd",
        "epps-singleton",
        "es",
        "fisher's exact test",
        "fisher_exact",
        "g_test",
        "ks",
        "mann-whitney u-rank test",
        "mannw",
        "t_test",
        "total-variation-distance",
        "tvd",
        "z",
    }
)
"""Evidently's statistical tests (name and display name) whose score is a p-value: they find
drift below the threshold; distances (psi, wasserstein, jensenshannon …) at or above it."""
_DATE_IN_NAME = re.compile(r"\d{4}-\d{2}-\d{2}")
_EXPLICIT_ID = re.compile(r"^(?P<type>\w+)\((?P<args>.*)\)$")


class _Part(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _ColumnDrift(_Part):
    """A legacy ColumnDriftMetric result, or one column of a DataDriftTable."""

    column_name: str
    stattest_name: str = ""
    stattest_threshold: FiniteFloat | None = None
    drift_score: FiniteFloat
    drift_detected: bool


class _DriftTable(_Part):
    drift_by_columns: dict[str, _ColumnDrift]


class _DatasetDrift(_Part):
    drift_share: FiniteFloat | None = None
    share_of_drifted_columns: FiniteFloat
    dataset_drift: bool


class _ValueDrift(_Part):
    """A 0.7 ValueDrift: its configuration and its score."""

    column: str
    method: str
    threshold: FiniteFloat
    value: FiniteFloat


class _DriftedColumns(_Part):
    """A 0.7 DriftedColumnsCount: the share of drifted columns against ``drift_share``."""

    drift_share: FiniteFloat
    share: FiniteFloat


class _LegacyMetric(_Part):
    metric: str
    result: dict[str, Any]


class _LegacyReport(_Part):
    timestamp: UtcTime | None = None
    metrics: list[_LegacyMetric]


class _Metric(_Part):
    metric_name: str = ""
    metric_id: str = ""
    """Before ``metric_name`` and ``config``, 0.7 releases wrote only this explicit id."""
    config: dict[str, Any] | None = None
    value: Any = None


class _Snapshot(_Part):
    metrics: list[_Metric]


class _StoredSnapshot(_Part):
    timestamp: UtcTime | None = None
    metadata: dict[str, Any] = {}
    metric_results: dict[str, dict[str, Any]]


class _Row:
    """What every drift row of one report shares: the model and the time it measured."""

    def __init__(self, model: str, at: datetime) -> None:
        self.model, self.at = model, at

    def __call__(
        self, feature: str, statistic: str, value: float, threshold: float | None, drifted: bool
    ) -> DriftRow:
        return DriftRow(
            model=self.model,
            feature=feature,
            window_start=self.at,
            statistic=statistic,
            value=value,
            threshold=threshold,
            drifted=drifted,
            detected_at=self.at if drifted else None,
        )


def drifted(method: str, value: float, threshold: float) -> bool:
    """Evidently's own rule: a p-value drifts below its threshold, a distance at or above it."""
    name = method.strip().lower()
    if name in P_VALUE_TESTS or "p_value" in name:
        return value < threshold
    return value >= threshold


def _model_from_name(path: Path) -> str:
    return path.name.split(".", 1)[0]


def _time_from_name(path: Path) -> datetime | None:
    match = _DATE_IN_NAME.search(path.name)
    if match is None:
        return None
    try:
        return datetime.combine(date.fromisoformat(match[0]), datetime.min.time(), UTC)
    except ValueError:
        return None


def _when(path: Path, stamped: datetime | None) -> datetime:
    at = stamped or _time_from_name(path)
    if at is None:
        hint = "name the file <model>.<YYYY-MM-DD>.json (the date of the data it compares)"
        raise InputError.single(path, "the report has no timestamp and its name no date", hint=hint)
    return at


class _Reader:
    """Collects the rows and the problems of one report; a part that fails is named by path."""

    def __init__(self, path: Path, document: JsonItem) -> None:
        self.path, self.document = path, document
        self.rows: list[DriftRow] = []
        self.problems: list[Problem] = []

    def validate(self, model: type[BaseModel], value: Any, where: str) -> Any:
        try:
            return model.model_validate(value)
        except ValidationError as exc:
            self.problems.extend(validation_problems(self.path, self.document, exc, where))
            return None

    def problem(self, message: str, where: str) -> None:
        self.problems.append(self.document.problem(self.path, message, where))

    def legacy(self, report: _LegacyReport, row: _Row) -> None:
        for i, metric in enumerate(report.metrics):
            where = f"metrics[{i}].result"
            if metric.metric == "DataDriftTable":
                table = self.validate(_DriftTable, metric.result, where)
                columns = table.drift_by_columns.values() if table else []
            elif metric.metric == "ColumnDriftMetric":
                column = self.validate(_ColumnDrift, metric.result, where)
                columns = [column] if column else []
            elif metric.metric == "DatasetDriftMetric":
                dataset = self.validate(_DatasetDrift, metric.result, where)
                if dataset:
                    self.rows.append(
                        row(
                            "",
                            DATASET_STATISTIC,
                            dataset.share_of_drifted_columns,
                            dataset.drift_share,
                            dataset.dataset_drift,
                        )
                    )
                continue
            else:
                continue  # quality, classification … metrics: not drift
            self.rows.extend(
                row(
                    c.column_name,
                    c.stattest_name,
                    c.drift_score,
                    c.stattest_threshold,
                    c.drift_detected,
                )
                for c in columns
            )

    def metric(
        self, kind: str, config: Mapping[str, Any], value: Any, where: str, row: _Row
    ) -> None:
        """One 0.7 metric, from a snapshot's ``metrics`` or a stored snapshot's results."""
        if kind == "ValueDrift":
            drift = self.validate(_ValueDrift, {**config, "value": value}, where)
            if drift:
                verdict = drifted(drift.method, drift.value, drift.threshold)
                self.rows.append(
                    row(drift.column, drift.method, drift.value, drift.threshold, verdict)
                )
        elif kind == "DriftedColumnsCount":
            share = value.get("share") if isinstance(value, dict) else None
            counted = self.validate(_DriftedColumns, {**config, "share": share}, where)
            if counted:
                verdict = counted.share >= counted.drift_share
                self.rows.append(
                    row("", DATASET_STATISTIC, counted.share, counted.drift_share, verdict)
                )

    def snapshot(self, snapshot: _Snapshot, row: _Row) -> None:
        for i, metric in enumerate(snapshot.metrics):
            where = f"metrics[{i}]"
            if metric.config is not None:
                kind = str(metric.config.get("type", "")).rsplit(":", 1)[-1]
                config: Mapping[str, Any] = metric.config
            else:
                parsed = _explicit_id(metric.metric_name or metric.metric_id)
                if parsed is None:
                    continue
                kind, config = parsed
            self.metric(kind, config, metric.value, where, row)

    def stored(self, snapshot: _StoredSnapshot, row: _Row) -> None:
        for key, result in snapshot.metric_results.items():
            where = f"metric_results.{key}"
            location = result.get("metric_value_location")
            metric = location.get("metric") if isinstance(location, dict) else None
            params = metric.get("params") if isinstance(metric, dict) else None
            if not isinstance(params, dict):
                continue  # not a metric result this reader knows
            kind = str(params.get("type", "")).rsplit(":", 1)[-1]
            share = result.get("share")
            value = (
                {"share": share.get("value")} if isinstance(share, dict) else result.get("value")
            )
            self.metric(kind, params, value, where, row)


def _explicit_id(text: str) -> tuple[str, dict[str, str]] | None:
    """``ValueDrift(column=amount,method=K-S p_value,threshold=0.05)`` as (type, params)."""
    match = _EXPLICIT_ID.match(text.strip())
    if match is None:
        return None
    args = [a for a in re.split(r",(?=\w+=)", match["args"]) if "=" in a]
    return match["type"], dict(a.split("=", 1) for a in args)


def _shape(document: Mapping[str, Any]) -> str:
    if "metric_results" in document:
        return "stored"
    metrics = document.get("metrics")
    if isinstance(metrics, list) and metrics and isinstance(metrics[0], dict):
        return "legacy" if "metric" in metrics[0] else "snapshot"
    return "legacy" if "version" in document else "snapshot"


_SHAPES: dict[str, type[BaseModel]] = {
    "legacy": _LegacyReport,
    "snapshot": _Snapshot,
    "stored": _StoredSnapshot,
}


@event_format("drift", ".json")
def read_evidently(path: Path) -> list[DriftRow]:
    """The drift rows of one Evidently report; every bad part is reported, none kept if one is bad."""
    document = read_json(path, WHAT)
    if document.is_array or not isinstance(document.items[0].value, dict):
        raise InputError.single(path, f"expected {WHAT}: a JSON object with `metrics`")
    item = document.items[0]
    reader = _Reader(path, item)
    model = _SHAPES[_shape(item.value)]
    report = reader.validate(model, item.value, "")
    if report is None:
        raise InputError(reader.problems)
    metadata = report.metadata if isinstance(report, _StoredSnapshot) else {}
    name = str(metadata.get("model_id") or metadata.get("model") or _model_from_name(path))
    if not name:
        raise InputError.single(path, "no model: the file name should start with it")
    row = _Row(name, _when(path, getattr(report, "timestamp", None)))
    if isinstance(report, _LegacyReport):
        reader.legacy(report, row)
    elif isinstance(report, _Snapshot):
        reader.snapshot(report, row)
    else:
        reader.stored(report, row)
    if reader.problems:
        raise InputError(reader.problems)
    if not reader.rows:
        hint = "include DataDriftPreset (or DataDriftTable, ColumnDriftMetric, ValueDrift)"
        raise InputError.single(path, "the report holds no drift result", hint=hint)
    return reader.rows

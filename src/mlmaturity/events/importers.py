"""Importers: event files (CSV or JSON Lines) to event rows, every bad row named by file and row.

Each importer is the collector of one source kind. A file with bad rows is reported whole (all
its problems at once) and nothing from it is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from mlmaturity.errors import InputError, Problem
from mlmaturity.events.checks import EventFiles
from mlmaturity.events.formats import reader_for
from mlmaturity.events.records import read_records, validate_records
from mlmaturity.events.rows import BusinessMetricRow, DeploymentRow, DriftRow, IncidentRow
from mlmaturity.evidence.collectors import Collected, TeamSources, collector
from mlmaturity.evidence.registry import registered_checks

R = TypeVar("R", bound=BaseModel)


def read_rows(path: Path, model: type[R]) -> list[R]:
    """The validated rows of one CSV or JSON Lines event file."""
    return [row for _, row in validate_records(path, read_records(path), model)]


def _importer(table: str, model: type[BaseModel]) -> Callable[[TeamSources], Collected]:
    def collect(sources: TeamSources) -> Collected:
        rows: list[Any] = []
        events: list[dict[str, Any]] = []
        problems: list[Problem] = []
        for entry in sources.entries:
            path = sources.base / entry
            other_format = reader_for(sources.kind, path)  # e.g. DevLake or Evidently JSON
            try:
                read = other_format(path) if other_format else read_rows(path, model)
            except InputError as exc:
                problems.extend(exc.problems)
                continue
            rows.extend(read)
            events.extend({**r.model_dump(), "team": sources.team, "source": entry} for r in read)
        if problems:
            raise InputError(problems)
        listed = frozenset(sources.settings.get("source_kinds", ()))
        evidence = EventFiles(files=list(sources.entries), rows=rows, listed=listed)
        findings = [
            spec.finding(evidence, table) for spec in registered_checks(sources.kind).values()
        ]
        return Collected(findings=findings, events={table: events})

    return collect


collect_deployments = collector("deployments")(_importer("deployments", DeploymentRow))
collect_incidents = collector("incidents")(_importer("incidents", IncidentRow))
collect_drift = collector("drift")(_importer("drift", DriftRow))
collect_business_metrics = collector("business_metrics")(
    _importer("business_metrics", BusinessMetricRow)
)

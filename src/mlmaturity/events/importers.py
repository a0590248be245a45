"""Importers: event files (CSV or JSON Lines) to event rows, every bad row named by file and row.

Each importer is the collector of one source kind. A file with bad rows is reported whole (all
its problems at once) and nothing from it is kept.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from mlmaturity.errors import InputError, Problem, read_user_text
from mlmaturity.events.checks import EventFiles
from mlmaturity.events.formats import reader_for
from mlmaturity.events.rows import BusinessMetricRow, DeploymentRow, DriftRow, IncidentRow
from mlmaturity.evidence.collectors import Collected, TeamSources, collector
from mlmaturity.evidence.registry import registered_checks

MAX_EVENT_FILE_BYTES = 256 * 1024 * 1024
R = TypeVar("R", bound=BaseModel)


def _records(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line, record) pairs of a CSV (header row first) or JSON Lines file."""
    text = read_user_text(path, MAX_EVENT_FILE_BYTES, "CSV or JSON Lines file")
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        records = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except ValueError as exc:
                raise InputError.single(path, f"not valid JSON: {exc}", line=number) from None
            if not isinstance(value, dict):
                raise InputError.single(path, "expected a JSON object per line", line=number)
            records.append((number, value))
        return records
    if path.suffix.lower() != ".csv":
        raise InputError.single(path, "unknown file type", hint="use .csv or .jsonl")
    return _csv(text)


def _csv(text: str) -> list[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    # Empty cells mean "not given", as in most exports.
    return [
        (reader.line_num, {k: v for k, v in row.items() if v not in ("", None)}) for row in reader
    ]


def csv_records(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line, record) pairs of a CSV file with a header row."""
    return _csv(read_user_text(path, MAX_EVENT_FILE_BYTES, "CSV file"))


def read_rows(path: Path, model: type[R]) -> list[R]:
    rows, problems = [], []
    for line, record in _records(path):
        try:
            rows.append(model.model_validate(record))
        except ValidationError as exc:
            for error in exc.errors():
                field = ".".join(str(p) for p in error["loc"])
                problems.append(Problem(str(path), str(error["msg"]), line, field))
    if problems:
        raise InputError(problems)
    return rows


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
        evidence = EventFiles(files=list(sources.entries), rows=rows)
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

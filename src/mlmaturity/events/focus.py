"""FinOps FOCUS cost exports (CSV or Parquet) to cost rows allocated to models and teams.

EffectiveCost is what is allocated. A line's model comes from its tags (the workspace's
``cost_allocation.model_tags``) or from an explicit ResourceId → model map; its team from the
team tags, else the team whose sources list the file. Lines that name no model stay
unallocated and are reported as such, never dropped.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from mlmaturity.errors import InputError, Problem
from mlmaturity.events.checks import EventFiles
from mlmaturity.events.importers import MAX_EVENT_FILE_BYTES, csv_records
from mlmaturity.events.rows import CostRow, UtcTime
from mlmaturity.evidence.collectors import Collected, TeamSources, collector
from mlmaturity.evidence.registry import registered_checks
from mlmaturity.workspace import CostAllocation


class FocusLine(BaseModel):
    """The FOCUS columns we use; the rest of a line is ignored."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    period_start: UtcTime = Field(alias="ChargePeriodStart")
    period_end: UtcTime = Field(alias="ChargePeriodEnd")
    cost: float = Field(alias="EffectiveCost")
    resource_id: str | None = Field(default=None, alias="ResourceId")
    service: str | None = Field(default=None, alias="ServiceName")
    category: str | None = Field(default=None, alias="ChargeCategory")
    currency: str | None = Field(default=None, alias="BillingCurrency")
    tags: dict[str, Any] = Field(default={}, alias="Tags")

    @field_validator("tags", mode="before")
    @classmethod
    def _parse_tags(cls, value: Any) -> Any:
        if value in (None, ""):
            return {}
        if isinstance(value, str):
            return json.loads(value)  # a ValueError becomes a validation error naming the column
        return value


def _records(path: Path) -> list[tuple[int, dict[str, Any]]]:
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        try:
            if path.stat().st_size > MAX_EVENT_FILE_BYTES:
                raise InputError.single(path, f"file is larger than {MAX_EVENT_FILE_BYTES} bytes")
            table = pq.read_table(path)
        except OSError as exc:
            raise InputError.single(path, f"not a readable Parquet file: {exc}") from None
        # Parquet rows have no line numbers: number them from 1 like a CSV without its header.
        rows: list[dict[str, Any]] = table.to_pylist()
        return list(enumerate(rows, start=1))
    return csv_records(path)


def read_focus(path: Path) -> list[tuple[int, FocusLine]]:
    lines, problems = [], []
    for number, record in _records(path):
        try:
            lines.append((number, FocusLine.model_validate(record)))
        except ValidationError as exc:
            for error in exc.errors():
                field = ".".join(str(p) for p in error["loc"])
                problems.append(Problem(str(path), str(error["msg"]), number, field))
    if problems:
        raise InputError(problems)
    return lines


def allocate(
    line: FocusLine, rules: CostAllocation, default_team: str
) -> tuple[str | None, str, bool]:
    """The (model, team) a cost line belongs to, and whether its own tags said so."""
    tags = {str(k): str(v) for k, v in line.tags.items()}
    tagged_model = next((tags[k] for k in rules.model_tags if tags.get(k)), None)
    tagged_team = next((tags[k] for k in rules.team_tags if tags.get(k)), None)
    model = tagged_model or (rules.resources.get(line.resource_id) if line.resource_id else None)
    return model, tagged_team or default_team, bool(tagged_model or tagged_team)


@collector("costs")
def collect_costs(sources: TeamSources) -> Collected:
    rules = sources.settings.get("cost_allocation") or CostAllocation()
    rows: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for entry in sources.entries:
        try:
            lines = read_focus(sources.base / entry)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        for number, line in lines:
            model, team, tagged = allocate(line, rules, sources.team)
            rows.append(
                {
                    **line.model_dump(exclude={"tags"}),
                    "model": model,
                    "team": team,
                    "source": entry,
                    "line": number,
                    "tagged": tagged,  # for the checks; not a column of the costs table
                }
            )
    if problems:
        raise InputError(problems)
    evidence = EventFiles(files=list(sources.entries), rows=[CostRow.of(r) for r in rows])
    findings = [spec.finding(evidence, "costs") for spec in registered_checks("costs").values()]
    return Collected(findings=findings, events={"costs": rows})

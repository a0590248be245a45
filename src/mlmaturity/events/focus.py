"""FinOps FOCUS cost exports (CSV or Parquet) to cost rows allocated to models and teams.

EffectiveCost is what is allocated. A line's model comes from its tags (the workspace's
``cost_allocation.model_tags``) or from an explicit ResourceId → model map; its team from the
team tags when they name a team of the workspace, else the team that lists the file when only
one team does. A file several teams list is stored once. Lines that name no model, or no team,
stay unallocated and are reported as such, never dropped.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, FiniteFloat, field_validator

from mlmaturity.errors import InputError, Problem
from mlmaturity.events.checks import EventFiles
from mlmaturity.events.records import read_records, source_name, validate_records
from mlmaturity.events.rows import CostRow, UtcTime, not_before
from mlmaturity.evidence.collectors import Collected, TeamSources, collector
from mlmaturity.evidence.registry import registered_checks
from mlmaturity.words import plural
from mlmaturity.workspace import CostAllocation

FOCUS_FORMATS = (".csv", ".parquet")


def _tag_value(value: Any) -> Any:
    """Numbers and booleans are written as text; nested objects and lists are refused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict | list):
        raise ValueError("tag values must be text (or a number or boolean), not an object or list")
    return value


TagValue = Annotated[str, BeforeValidator(_tag_value)]


class FocusLine(BaseModel):
    """The FOCUS columns we use; the rest of a line is ignored."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, str_strip_whitespace=True)

    period_start: UtcTime = Field(alias="ChargePeriodStart")
    period_end: UtcTime = Field(alias="ChargePeriodEnd")
    cost: FiniteFloat = Field(alias="EffectiveCost")
    resource_id: str | None = Field(default=None, alias="ResourceId")
    service: str | None = Field(default=None, alias="ServiceName")
    category: str | None = Field(default=None, alias="ChargeCategory")
    currency: str | None = Field(default=None, alias="BillingCurrency")
    tags: dict[str, TagValue] = Field(default={}, alias="Tags")

    _period = field_validator("period_end")(
        not_before("period_start", "ChargePeriodEnd is before ChargePeriodStart")
    )

    @field_validator("tags", mode="before")
    @classmethod
    def _parse_tags(cls, value: Any) -> Any:
        if value in (None, ""):
            return {}
        if isinstance(value, str):
            value = json.loads(value)  # a ValueError becomes a validation error naming the column
            if not isinstance(value, dict):
                raise ValueError("Tags must be a JSON object")
        if isinstance(value, list):  # a Parquet map<string, string> reads as (key, value) pairs
            return dict(value)
        return value


def read_focus(path: Path) -> list[tuple[int, FocusLine]]:
    return validate_records(path, read_records(path, FOCUS_FORMATS), FocusLine)


@dataclass(frozen=True)
class Allocation:
    model: str | None
    team: str | None
    tagged: bool
    """Whether the line's own tags named its model or team."""
    unknown_team: str | None = None
    """A team tag naming no team of the workspace."""


def allocate(
    line: FocusLine, rules: CostAllocation, default_team: str | None, teams: Collection[str]
) -> Allocation:
    """The model and team a cost line belongs to."""
    tags = line.tags
    tagged_model = next((tags[k] for k in rules.model_tags if tags.get(k)), None)
    tagged_team = next((tags[k] for k in rules.team_tags if tags.get(k)), None)
    model = tagged_model or (rules.resources.get(line.resource_id) if line.resource_id else None)
    tagged = bool(tagged_model or tagged_team)
    if tagged_team is None:
        return Allocation(model, default_team, tagged)
    if tagged_team in teams:
        return Allocation(model, tagged_team, tagged)
    return Allocation(model, None, tagged, unknown_team=tagged_team)


def _notes(
    source: str, listed_by: list[str], lines: list[tuple[FocusLine, Allocation]]
) -> list[str]:
    """What could not be allocated to a team, and currencies that must not be summed."""
    notes = []
    unknown = Counter(a.unknown_team for _, a in lines if a.unknown_team)
    for team, count in sorted(unknown.items()):
        notes.append(
            f"{source}: {plural(count, 'cost line')} tagged with team '{team}', which is not a team of "
            "the workspace: left unallocated to a team"
        )
    untagged = sum(a.team is None and a.unknown_team is None for _, a in lines)
    if untagged:
        teams = " and ".join(listed_by)
        notes.append(
            f"{source}: listed by teams {teams}: {plural(untagged, 'cost line')} without a team tag "
            "allocated to no team"
        )
    currencies = sorted({line.currency for line, _ in lines if line.currency})
    if len(currencies) > 1:
        notes.append(
            f"{source}: costs in {len(currencies)} currencies ({', '.join(currencies)}) are "
            "reported apart, never summed"
        )
    return notes


@collector("costs")
def collect_costs(sources: TeamSources) -> Collected:
    rules = sources.settings.get("cost_allocation") or CostAllocation()
    teams: Collection[str] = sources.settings.get("teams") or [sources.team]
    shared: Mapping[str, list[str]] = sources.settings.get("cost_files") or {}
    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    problems: list[Problem] = []
    for entry in sources.entries:
        try:
            lines = read_focus(sources.base / entry)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        source = source_name(sources.base, entry)
        listed_by = shared.get(source, [sources.team])
        default_team = sources.team if len(listed_by) == 1 else None
        allocated = [(line, allocate(line, rules, default_team, teams)) for _, line in lines]
        notes.extend(_notes(source, listed_by, allocated))
        for (number, line), (_, allocation) in zip(lines, allocated, strict=True):
            rows.append(
                {
                    **line.model_dump(exclude={"tags"}),
                    "model": allocation.model,
                    "team": allocation.team,
                    "source": source,
                    "line": number,
                    "tagged": allocation.tagged,  # for the checks; not a column of the costs table
                }
            )
    if problems:
        raise InputError(problems)
    evidence = EventFiles(files=list(sources.entries), rows=[CostRow.of(r) for r in rows])
    findings = [spec.finding(evidence, "costs") for spec in registered_checks("costs").values()]
    return Collected(findings=findings, notes=notes, events={"costs": rows})

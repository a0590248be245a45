"""What an evidence check concludes about one subject, as a value (never an exception)."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


class Outcome(StrEnum):
    """A check's verdict; missing evidence is ``inconclusive``, never ``fail``."""

    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"
    INCONCLUSIVE = "inconclusive"
    ERROR = "error"


Effort = Literal["low", "medium", "high"]


class Location(BaseModel):
    """Where the evidence is: a file and line, a run id, a table row."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str
    line: int | None = None
    snippet: Annotated[str, Field(max_length=200)] = ""


class Finding(BaseModel):
    """One check's outcome for one subject (a repository, a model, an MLflow experiment)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    check: str
    subject: str
    outcome: Outcome
    detail: str = ""
    locations: list[Location] = []
    remediation: str = ""
    effort: Effort | None = None
    annotation: str | None = Field(
        default=None, description="Why a person marked it not applicable or accepted, if they did."
    )
    original_outcome: Outcome | None = Field(
        default=None, description="What the check said before an annotation set it aside."
    )
    anchor: str | None = Field(
        default=None,
        description="A file of the subject to point at when the finding has no location (SARIF).",
    )


class Verdict(BaseModel):
    """What a check function returns; the registry adds the check id, subject and remediation."""

    model_config = ConfigDict(frozen=True)

    outcome: Outcome
    detail: str = ""
    locations: list[Location] = []


def _verdict(outcome: Outcome, detail: str, locations: tuple[Location, ...]) -> Verdict:
    return Verdict(outcome=outcome, detail=detail, locations=distinct(locations)[:MAX_LOCATIONS])


def distinct(locations: Iterable[Location]) -> list[Location]:
    """Each place once, in first-seen order: a line two keywords (or two rules) found is one
    location. A line is told by path and number; a location without a line by its snippet too."""
    seen: set[tuple[str, int | None, str]] = set()
    kept = []
    for where in locations:
        key = (where.path, where.line, "" if where.line is not None else where.snippet)
        if key not in seen:
            seen.add(key)
            kept.append(where)
    return kept


MAX_LOCATIONS = 20
"""Locations kept per finding: enough to act on, bounded for huge repositories."""


def passed(detail: str, *locations: Location) -> Verdict:
    return _verdict(Outcome.PASS, detail, locations)


def failed(detail: str, *locations: Location) -> Verdict:
    return _verdict(Outcome.FAIL, detail, locations)


def not_applicable(detail: str, *locations: Location) -> Verdict:
    return _verdict(Outcome.NOT_APPLICABLE, detail, locations)


def inconclusive(detail: str, *locations: Location) -> Verdict:
    return _verdict(Outcome.INCONCLUSIVE, detail, locations)


def at_path_locations(paths: Iterable[str]) -> list[Location]:
    """One location per path (whole-file evidence)."""
    return [Location(path=p) for p in paths]

"""What an evidence check concludes about one subject, as a value (never an exception)."""

from __future__ import annotations

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

"""Rows of the event files users export (deployments, incidents), validated one by one."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    FiniteFloat,
    ValidationInfo,
    field_validator,
)

_NUMBER = re.compile(r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$")


def _not_a_number(value: Any) -> Any:
    """Epoch numbers are ambiguous (seconds? milliseconds?): ask for ISO 8601 instead."""
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    if numeric or (isinstance(value, str) and _NUMBER.match(value)):
        raise ValueError("a number is not a time: write it in ISO 8601, like 2026-03-01T12:00:00Z")
    return value


def _utc(value: datetime) -> datetime:
    """Times without a zone are taken as UTC (the contract of every event table)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("out of range once converted to UTC (years 1 to 9999)") from None


UtcTime = Annotated[datetime, BeforeValidator(_not_a_number), AfterValidator(_utc)]


def not_before(field: str, message: str = "") -> Any:
    """A validator: this time may not come before ``field`` (a duration is never negative)."""

    def check(value: datetime | None, info: ValidationInfo) -> datetime | None:
        earlier = info.data.get(field)
        if value is not None and earlier is not None and value < earlier:
            raise ValueError(message or f"{info.field_name} is before {field}")
        return value

    return check


PRODUCTION = "production"
_ENVIRONMENT_ALIASES = {"prod": PRODUCTION}


def _environment(value: str) -> str:
    """``Production``, ``PROD`` and ``production`` are one environment."""
    name = value.lower()
    return _ENVIRONMENT_ALIASES.get(name, name)


def _commit(value: str | None) -> str | None:
    """Git prints SHAs in lowercase; exports may not. An empty value names no commit."""
    return value.lower() if value else None


class _Row(BaseModel):
    # Exports from other systems carry columns of their own: ignore them, require ours.
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class DeploymentRow(_Row):
    model: Annotated[str, Field(min_length=1)]
    version: str = ""
    environment: Annotated[str, AfterValidator(_environment)] = PRODUCTION
    at: UtcTime
    kind: Literal["deploy", "rollback"] = "deploy"
    automated: bool = False
    commit: Annotated[str | None, AfterValidator(_commit)] = None


class DriftRow(_Row):
    """A drift alert or a windowed drift measurement (Evidently, NannyML, whylogs exports …)."""

    model: Annotated[str, Field(min_length=1)]
    feature: str = ""
    window_start: UtcTime
    window_end: UtcTime | None = None
    statistic: str = ""
    value: FiniteFloat | None = None
    threshold: FiniteFloat | None = None
    drifted: bool = True
    onset_at: UtcTime | None = None
    detected_at: UtcTime | None = None

    _window = field_validator("window_end")(not_before("window_start"))
    _detection = field_validator("detected_at")(not_before("onset_at"))


class BusinessMetricRow(_Row):
    """One value of a business KPI a model is meant to move (conversion, fraud losses …)."""

    name: Annotated[str, Field(min_length=1)]
    model: str = ""
    at: UtcTime
    value: FiniteFloat
    unit: str = ""


class IncidentRow(_Row):
    model: Annotated[str, Field(min_length=1)]
    opened_at: UtcTime
    resolved_at: UtcTime | None = None
    severity: str | None = None

    _restored = field_validator("resolved_at")(not_before("opened_at"))


class CostRow(_Row):
    """An allocated cost line, as the cost checks see it."""

    cost: float
    currency: str | None
    model: str | None
    team: str | None
    """None when no team of the workspace can be told from the line."""
    tagged: bool
    period_start: datetime

    @classmethod
    def of(cls, row: dict[str, Any]) -> CostRow:
        return cls.model_validate({k: row[k] for k in cls.model_fields})

"""Rows of the event files users export (deployments, incidents), validated one by one."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def _utc(value: datetime) -> datetime:
    """Times without a zone are taken as UTC (the contract of every event table)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


UtcTime = Annotated[datetime, AfterValidator(_utc)]


class _Row(BaseModel):
    # Exports from other systems carry columns of their own: ignore them, require ours.
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class DeploymentRow(_Row):
    model: Annotated[str, Field(min_length=1)]
    version: str = ""
    environment: str = "production"
    at: UtcTime
    kind: Literal["deploy", "rollback"] = "deploy"
    automated: bool = False
    commit: str | None = None


class DriftRow(_Row):
    """A drift alert or a windowed drift measurement (Evidently, NannyML, whylogs exports …)."""

    model: Annotated[str, Field(min_length=1)]
    feature: str = ""
    window_start: UtcTime
    window_end: UtcTime | None = None
    statistic: str = ""
    value: float | None = None
    threshold: float | None = None
    drifted: bool = True
    onset_at: UtcTime | None = None
    detected_at: UtcTime | None = None


class BusinessMetricRow(_Row):
    """One value of a business KPI a model is meant to move (conversion, fraud losses …)."""

    name: Annotated[str, Field(min_length=1)]
    model: str = ""
    at: UtcTime
    value: float
    unit: str = ""


class IncidentRow(_Row):
    model: Annotated[str, Field(min_length=1)]
    opened_at: UtcTime
    resolved_at: UtcTime | None = None
    severity: str | None = None


class CostRow(_Row):
    """An allocated cost line, as the cost checks see it."""

    cost: float
    model: str | None
    team: str
    tagged: bool
    period_start: datetime

    @classmethod
    def of(cls, row: dict[str, Any]) -> CostRow:
        return cls(
            cost=row["cost"],
            model=row["model"],
            team=row["team"],
            tagged=row["tagged"],
            period_start=row["period_start"],
        )

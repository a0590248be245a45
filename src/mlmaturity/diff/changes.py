"""The changes between two assessments, as pydantic models (``AssessmentDiff`` is the JSON
of ``mlmaturity diff --format json``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from mlmaturity.evidence.finding import Finding
from mlmaturity.scoring.result import DecidedBy, DimensionResult, Status, SurveyBasis

DIFF_SCHEMA_VERSION: Literal[1] = 1


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Side(_Frozen):
    """Which assessment a side of the diff is; ``label`` is how the caller named it."""

    label: str = ""
    generated_at: str
    model_id: str
    model_version: str
    tool_version: str


class StageChange(_Frozen):
    team: str | None
    """None for the organization."""
    name: str
    before: int | None
    after: int | None
    present: Literal["both", "before", "after"] = "both"

    @property
    def changed(self) -> bool:
        return self.before != self.after or self.present != "both"


class ScoreChange(_Frozen):
    """A dimension whose score or level changed, or that one side's model does not have."""

    team: str | None
    dimension: str
    name: str
    before: DimensionResult | None
    """None: the older assessment's model has no such dimension (see ``present``)."""
    after: DimensionResult | None
    """None: the dimension was dropped from the newer assessment's model."""
    present: Literal["both", "before", "after"] = "both"


class LevelChange(_Frozen):
    team: str
    capability: str
    name: str
    dimension: str
    before: int | None
    """None: inconclusive (or absent, see ``present``)."""
    after: int | None
    present: Literal["both", "before", "after"] = "both"


class Decision(_Frozen):
    """How a criterion was decided on one side, with its evidence."""

    status: Status
    decided_by: DecidedBy | None
    findings: list[Finding]
    answers: list[SurveyBasis]


class CriterionFlip(_Frozen):
    team: str
    criterion: str
    capability: str
    level: int
    statement: str
    before: Decision | None
    """None: the criterion was not in the older assessment's model."""
    after: Decision | None


class BarrierChange(_Frozen):
    """``new``: above zero now, not before; ``gone``: zero (or not in the model) now;
    ``undecided``: nothing to measure it by now; ``changed``: another severity."""

    team: str | None
    barrier: str
    name: str
    change: Literal["new", "gone", "changed", "undecided"]
    severity_before: float | None
    severity_after: float | None


class KpiChange(_Frozen):
    """A KPI's latest measured value on each side (the last period that has a value)."""

    team: str | None
    kpi: str
    name: str
    unit: str
    period_before: str | None
    value_before: float | None
    band_before: str | None
    period_after: str | None
    value_after: float | None
    band_after: str | None
    change: float | None


class ConflictChange(_Frozen):
    team: str
    criterion: str
    statement: str
    kind: str
    message: str
    change: Literal["new", "resolved"]


class AssessmentDiff(_Frozen):
    schema_version: Literal[1] = DIFF_SCHEMA_VERSION
    old: Side
    new: Side
    notes: list[str]
    stages: list[StageChange]
    """The organization first, then every team of either side (changed or not)."""
    dimensions: list[ScoreChange]
    capabilities: list[LevelChange]
    criteria: list[CriterionFlip]
    barriers: list[BarrierChange]
    kpis: list[KpiChange]
    conflicts: list[ConflictChange]

    @property
    def unchanged(self) -> bool:
        return not (
            any(s.changed for s in self.stages)
            or self.dimensions
            or self.capabilities
            or self.criteria
            or self.barriers
            or self.conflicts
            or any(
                (k.value_before, k.band_before) != (k.value_after, k.band_after) for k in self.kpis
            )
        )

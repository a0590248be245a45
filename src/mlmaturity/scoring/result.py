"""The assessment: what scoring concludes, with the provenance of every conclusion.

These models are the JSON report's contract (``SCHEMA_VERSION``); every other report
format renders the same data.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mlmaturity.evidence.finding import Finding
from mlmaturity.model.schema import ToolHints
from mlmaturity.survey.consensus import Misalignment, QuestionConsensus

SCHEMA_VERSION: Literal[1] = 1


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Status(StrEnum):
    MET = "met"
    UNMET = "unmet"
    INCONCLUSIVE = "inconclusive"


DecidedBy = Literal["evidence", "survey"]


class SurveyBasis(_Frozen):
    """How one question's consensus compares with the level the criterion needs."""

    question: str
    consensus: int | None = Field(description="The team's median answer level; null if unanswered.")
    needed: int
    respondents: list[str] = []


class CriterionResult(_Frozen):
    id: str
    capability: str
    level: int
    statement: str
    status: Status
    decided_by: DecidedBy | None
    evidence: Status | None = Field(description="What the evidence checks say, if anything.")
    survey: Status | None = Field(description="What the survey says, if anything.")
    findings: list[Finding] = Field(description="The findings of this criterion's checks.")
    unevaluated_checks: list[str] = Field(
        description="Checks named by the criterion that produced no pass or fail here."
    )
    answers: list[SurveyBasis] = []
    conflict: bool = False


class CapabilityResult(_Frozen):
    id: str
    name: str
    dimension: str
    level: int | None = Field(description="The decided level, or null when inconclusive.")
    at_least: int = Field(description="The highest level every criterion up to which is met.")
    inconclusive: bool
    next_level_blockers: list[str] = Field(
        description="Criteria of the next level that are unmet or undecided."
    )
    criteria: list[CriterionResult]


class DimensionResult(_Frozen):
    id: str
    name: str
    score: float | None = Field(
        description="Mean of decided capability levels, cut to one decimal."
    )
    level: int | None
    decided: int
    inconclusive: int


class Conflict(_Frozen):
    """The survey and the evidence disagree about a criterion; the evidence wins."""

    criterion: str
    capability: str
    statement: str
    kind: Literal["claimed-not-evidenced", "evidenced-not-claimed"]
    message: str


class BarrierResult(_Frozen):
    id: str
    name: str
    severity: float | None = Field(description="0 (no shortfall) to 1; null if nothing decided.")
    capability_shortfall: float | None
    misalignment: float | None = None
    capabilities: list[str]
    failing_criteria: list[str]


class KpiRef(_Frozen):
    id: str
    name: str
    stage: str
    unit: str = ""


class RoadmapItem(_Frozen):
    order: int
    criterion: str
    statement: str
    why: str
    capability: str
    capability_name: str
    level: int
    status: Status
    barriers: list[str]
    tools: ToolHints
    kpi: KpiRef | None


class KpiResult(_Frozen):
    """One KPI for one period; ``value`` is null when it could not be measured (see ``note``)."""

    id: str
    name: str
    period: str = Field(description="The first day of the period (YYYY-MM-DD).")
    value: float | None
    unit: str
    band: str | None = Field(default=None, description="DORA's band, where DORA defines one.")
    note: str = ""


class TeamAssessment(_Frozen):
    id: str
    name: str
    stage: int | None
    next_stage: int
    confidence: float | None = Field(description="Share of decided criteria decided by evidence.")
    criteria_decided: int
    criteria_total: int
    respondents: int
    dimensions: list[DimensionResult]
    capabilities: list[CapabilityResult]
    conflicts: list[Conflict]
    barriers: list[BarrierResult]
    roadmap: list[RoadmapItem]
    consensus: list[QuestionConsensus]
    misalignments: list[Misalignment]
    findings: list[Finding] = Field(default=[], description="Every evidence finding, once.")
    kpis: list[KpiResult] = Field(default=[], description="KPIs of the last periods, oldest first.")
    notes: list[str] = Field(
        default=[],
        description="About collection: what could not be collected and why, repository activity.",
    )


class CapabilityRollup(_Frozen):
    id: str
    name: str
    dimension: str
    min: int | None
    median: float | None
    max: int | None
    laggard: str | None = Field(description="The team at the minimum (first in workspace order).")
    levels: dict[str, int | None]


class OrganizationResult(_Frozen):
    name: str
    stage: int | None
    lowest_team_stage: int | None
    confidence: float | None
    dimensions: list[DimensionResult]
    capabilities: list[CapabilityRollup]
    barriers: list[BarrierResult]
    kpis: list[KpiResult] = []


class ModelRef(_Frozen):
    id: str
    name: str
    version: str
    source: str


class Assessment(_Frozen):
    """One assessment of a workspace at a time, against one model version."""

    schema_version: Literal[1] = SCHEMA_VERSION
    tool_version: str
    generated_at: str
    workspace: str
    model: ModelRef
    target_stage: int | None
    organization: OrganizationResult
    teams: list[TeamAssessment]

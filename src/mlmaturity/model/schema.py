"""The maturity model file, as pydantic models: unknown keys are errors, nothing is guessed.

The shape: dimensions → capabilities → four cumulative levels → criteria. A criterion is
decided by evidence checks (``checks``), by survey questions (``questions``), or both.
Barriers, KPIs and references are declared once and linked from capabilities by id.
Cross-references (ids that must exist, levels that must be complete) are checked in
``rules.py`` so that all problems are reported together.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=80)]
LevelNumber = Annotated[int, Field(ge=1, le=4)]
KpiStage = Literal["baseline", "actionable", "optimized"]
Signal = Literal["role-misalignment"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Dimension(Strict):
    id: Id
    name: str
    description: str = ""


class Reference(Strict):
    """A published source whose facts a capability's levels draw on."""

    id: Id
    title: str
    publisher: str
    url: str


class Barrier(Strict):
    """A recurring obstacle; its severity comes from the capabilities that link to it."""

    id: Id
    name: str
    description: str = ""
    signals: list[Signal] = Field(
        default=[], description="Other signals that raise this barrier, beside capability levels."
    )


class Kpi(Strict):
    id: Id
    name: str
    stage: KpiStage = Field(description="baseline, actionable or optimized: when the KPI matters.")
    unit: str = ""
    description: str = ""


class Choice(Strict):
    """One answer to a survey question, and the level it stands for (0 = not at all)."""

    id: Id
    label: str
    level: Annotated[int, Field(ge=0, le=4)]


class Question(Strict):
    id: Id
    text: str
    help: str = ""
    choices: Annotated[list[Choice], Field(min_length=2)]


class Criterion(Strict):
    """One observable statement; met when its checks pass or, with no check, the survey says so."""

    id: Id
    statement: str
    why: str = ""
    checks: list[Id] = Field(default=[], description="Evidence check ids that decide it.")
    questions: list[Id] = Field(default=[], description="Survey question ids that decide it.")
    evidence: Literal["all", "any"] = Field(
        default="all",
        description="'all': every subject a check saw must pass; 'any': one passing is enough.",
    )
    after: list[Id] = Field(default=[], description="Criteria to do first (roadmap order).")
    kpi: Id | None = Field(default=None, description="The KPI that shows progress on it.")


class ToolHints(Strict):
    """Vendor-neutral suggestions: open-source tools and managed services."""

    open_source: list[str] = []
    managed: list[str] = []


class Level(Strict):
    summary: str
    criteria: list[Criterion]
    tools: ToolHints = ToolHints()


class Capability(Strict):
    id: Id
    name: str
    dimension: Id
    description: str = ""
    references: list[Id] = []
    barriers: list[Id] = []
    kpis: list[Id] = []
    questions: list[Question] = []
    levels: dict[LevelNumber, Level]


class MaturityModel(Strict):
    """A whole maturity model file (after ``extends`` has been applied)."""

    version: Literal[1]
    extends: Literal["default"] | None = Field(
        default=None, description="Start from the bundled default model and change it."
    )
    id: Id
    name: str
    model_version: str = Field(default="1", description="The version of this model's content.")
    description: str = ""
    target_stage: LevelNumber | None = None
    disable: list[Id] = Field(default=[], description="Criterion or capability ids to leave out.")
    dimensions: list[Dimension]
    references: list[Reference] = []
    barriers: list[Barrier] = []
    kpis: list[Kpi] = []
    capabilities: list[Capability]

"""A validated model with the look-ups scoring and reports need, computed once."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from mlmaturity.model.schema import Capability, Criterion, Kpi, MaturityModel, Question


@dataclass(frozen=True)
class PlacedCriterion:
    """A criterion with the capability and level it belongs to."""

    criterion: Criterion
    capability: Capability
    level: int


@dataclass
class Model:
    """A maturity model ready for scoring: disabled parts removed, everything indexed by id."""

    spec: MaturityModel
    source: str
    target_stage: int | None = field(default=None)

    def __post_init__(self) -> None:
        if self.target_stage is None:
            self.target_stage = self.spec.target_stage

    @cached_property
    def capabilities(self) -> list[Capability]:
        """Enabled capabilities, in file order."""
        return [c for c in self.spec.capabilities if c.id not in self.disabled]

    @cached_property
    def capability(self) -> dict[str, Capability]:
        """Enabled capabilities by id."""
        return {c.id: c for c in self.capabilities}

    @cached_property
    def disabled(self) -> frozenset[str]:
        return frozenset(self.spec.disable)

    def criteria(self, capability: Capability, level: int) -> list[Criterion]:
        """The enabled criteria of one level of one capability."""
        return [c for c in capability.levels[level].criteria if c.id not in self.disabled]

    @cached_property
    def placed_criteria(self) -> dict[str, PlacedCriterion]:
        return {
            criterion.id: PlacedCriterion(criterion, capability, level)
            for capability in self.capabilities
            for level in sorted(capability.levels)
            for criterion in self.criteria(capability, level)
        }

    @cached_property
    def questions(self) -> dict[str, Question]:
        return {q.id: q for c in self.spec.capabilities for q in c.questions}

    @cached_property
    def active_questions(self) -> set[str]:
        """Questions of enabled capabilities: the only ones that count (answers to others are kept)."""
        return {q.id for c in self.capabilities for q in c.questions}

    @cached_property
    def question_capability(self) -> dict[str, Capability]:
        return {q.id: c for c in self.spec.capabilities for q in c.questions}

    @cached_property
    def capability_names(self) -> dict[str, str]:
        """Capability names by id, disabled ones included (they may still own questions)."""
        return {c.id: c.name for c in self.spec.capabilities}

    @cached_property
    def kpis(self) -> dict[str, Kpi]:
        return {k.id: k for k in self.spec.kpis}

    @cached_property
    def check_ids(self) -> set[str]:
        """Every evidence check id an enabled criterion names."""
        return {check for p in self.placed_criteria.values() for check in p.criterion.checks}

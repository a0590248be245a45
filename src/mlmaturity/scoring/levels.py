"""Capability levels (cumulative), dimension scores (mean, cut to one decimal) and the stage."""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

from mlmaturity.model import Model
from mlmaturity.model.schema import Capability, Dimension
from mlmaturity.scoring.result import CapabilityResult, CriterionResult, DimensionResult, Status


def capability_level(criteria: Sequence[CriterionResult]) -> tuple[int | None, int]:
    """``(level, at_least)``: the highest level whose criteria, and all below, are met.

    Walking up the levels, an unmet criterion decides the level (the one below); an
    undecided one, with nothing unmet beside it, leaves the capability inconclusive
    (``level`` None) with ``at_least`` the highest level proven so far.
    """
    reached = 0
    for number in (1, 2, 3, 4):
        statuses = {c.status for c in criteria if c.level == number}
        if Status.UNMET in statuses:
            return reached, reached
        if Status.INCONCLUSIVE in statuses:
            return None, reached
        reached = number
    return reached, reached


def score_capability(capability: Capability, criteria: list[CriterionResult]) -> CapabilityResult:
    level, at_least = capability_level(criteria)
    blockers = [c.id for c in criteria if c.level == at_least + 1 and c.status != Status.MET]
    return CapabilityResult(
        id=capability.id,
        name=capability.name,
        dimension=capability.dimension,
        level=level,
        at_least=at_least,
        inconclusive=level is None,
        next_level_blockers=blockers,
        criteria=criteria,
    )


def truncated_mean(values: Sequence[int | float | Fraction]) -> float | None:
    """The mean cut (not rounded) to one decimal, so its floor is the level users see."""
    if not values:
        return None
    exact = [v if isinstance(v, Fraction) else Fraction(str(v)) for v in values]  # 2.3 stays 2.3
    mean = sum(exact, Fraction(0)) / len(exact)
    return math.floor(mean * 10) / 10


def dimension_result(
    dimension: Dimension, values: Sequence[int | Fraction], counted: int
) -> DimensionResult:
    """A dimension's score from its decided values (levels, or team means) out of ``counted``."""
    score = truncated_mean(values)
    return DimensionResult(
        id=dimension.id,
        name=dimension.name,
        score=score,
        level=None if score is None else math.floor(score),
        decided=len(values),
        inconclusive=counted - len(values),
    )


def dimension_results(
    model: Model, capabilities: Sequence[CapabilityResult]
) -> list[DimensionResult]:
    results = []
    for dimension in model.spec.dimensions:
        members = [c for c in capabilities if c.dimension == dimension.id]
        levels = [c.level for c in members if c.level is not None]
        results.append(dimension_result(dimension, levels, len(members)))
    return results


def overall_stage(dimensions: Sequence[DimensionResult]) -> int | None:
    """The weakest link: the lowest dimension level; unknown if any dimension is undecided."""
    levels = [d.level for d in dimensions]
    if not levels or any(level is None for level in levels):
        return None
    return min(level for level in levels if level is not None)

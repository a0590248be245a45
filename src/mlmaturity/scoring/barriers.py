"""Barrier severity: how far the linked capabilities fall short of the next stage.

For each decided capability linked to a barrier, its shortfall is ``(next - level) / next``
(0 when at or above the next stage); the barrier's capability shortfall is their mean.
A barrier that listens to role misalignment also takes the share of surveyed capabilities
on which roles disagree; its severity is the larger of the two. Both lie in 0..1.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import fmean

from mlmaturity.model import Model
from mlmaturity.scoring.result import BarrierResult, CapabilityResult, Status
from mlmaturity.survey.consensus import Misalignment, QuestionConsensus


def capability_shortfall(levels: Sequence[int], next_stage: int) -> float | None:
    if not levels:
        return None
    return round(fmean(max(0, next_stage - level) / next_stage for level in levels), 2)


def misalignment_share(
    consensus: Sequence[QuestionConsensus], misalignments: Sequence[Misalignment]
) -> float | None:
    """Share of capabilities answered by two or more roles on which some roles disagree."""
    surveyed = {c.capability for c in consensus if len(c.roles) >= 2}
    if not surveyed:
        return None
    disagreed = {m.capability for m in misalignments} & surveyed
    return round(len(disagreed) / len(surveyed), 2)


def barrier_results(
    model: Model,
    capabilities: Sequence[CapabilityResult],
    next_stage: int,
    consensus: Sequence[QuestionConsensus],
    misalignments: Sequence[Misalignment],
) -> list[BarrierResult]:
    """Every barrier with its severity, most severe first (undecided ones last)."""
    share = misalignment_share(consensus, misalignments)
    results = []
    for barrier in model.spec.barriers:
        linked = [c for c in capabilities if barrier.id in model.capability[c.id].barriers]
        shortfall = capability_shortfall(
            [c.level for c in linked if c.level is not None], next_stage
        )
        listens = "role-misalignment" in barrier.signals
        parts = [p for p in (shortfall, share if listens else None) if p is not None]
        failing = [
            criterion.id
            for c in linked
            for criterion in c.criteria
            if criterion.level <= next_stage and criterion.status == Status.UNMET
        ]
        results.append(
            BarrierResult(
                id=barrier.id,
                name=barrier.name,
                severity=max(parts) if parts else None,
                capability_shortfall=shortfall,
                misalignment=share if listens else None,
                capabilities=[c.id for c in linked],
                failing_criteria=failing,
            )
        )
    return sorted(results, key=lambda b: (b.severity is None, -(b.severity or 0.0)))

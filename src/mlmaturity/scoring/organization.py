"""The organization roll-up: per capability min / median / max across teams and the laggard."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from statistics import fmean, median

from mlmaturity.model import Model
from mlmaturity.scoring.levels import dimension_result, overall_stage
from mlmaturity.scoring.result import (
    BarrierResult,
    CapabilityRollup,
    DimensionResult,
    OrganizationResult,
    TeamAssessment,
)


def capability_rollup(model: Model, teams: Sequence[TeamAssessment]) -> list[CapabilityRollup]:
    rollups = []
    for capability in model.capabilities:
        levels: dict[str, int | None] = {}
        for team in teams:
            result = next(c for c in team.capabilities if c.id == capability.id)
            levels[team.id] = result.level
        decided = {team: level for team, level in levels.items() if level is not None}
        lowest = min(decided.values(), default=None)
        rollups.append(
            CapabilityRollup(
                id=capability.id,
                name=capability.name,
                dimension=capability.dimension,
                min=lowest,
                median=median(decided.values()) if decided else None,
                max=max(decided.values(), default=None),
                laggard=next((t for t, lv in decided.items() if lv == lowest), None)
                if len(set(decided.values())) > 1
                else None,
                levels=levels,
            )
        )
    return rollups


def organization_dimensions(model: Model, teams: Sequence[TeamAssessment]) -> list[DimensionResult]:
    """Each dimension's score is the mean of the teams' exact dimension means, cut once."""
    results = []
    for dimension in model.spec.dimensions:
        means = []
        for team in teams:
            levels = [
                c.level
                for c in team.capabilities
                if c.dimension == dimension.id and c.level is not None
            ]
            if levels:
                means.append(Fraction(sum(levels), len(levels)))
        results.append(dimension_result(dimension, means, len(teams)))
    return results


def organization_barriers(teams: Sequence[TeamAssessment]) -> list[BarrierResult]:
    """Each barrier's severity across teams is the mean of the teams' severities."""
    if not teams:
        return []
    merged = []
    for barrier in teams[0].barriers:
        same = [b for t in teams for b in t.barriers if b.id == barrier.id]
        severities = [b.severity for b in same if b.severity is not None]
        shortfalls = [b.capability_shortfall for b in same if b.capability_shortfall is not None]
        shares = [b.misalignment for b in same if b.misalignment is not None]
        merged.append(
            barrier.model_copy(
                update={
                    "severity": round(fmean(severities), 2) if severities else None,
                    "capability_shortfall": round(fmean(shortfalls), 2) if shortfalls else None,
                    "misalignment": round(fmean(shares), 2) if shares else None,
                    "failing_criteria": sorted({c for b in same for c in b.failing_criteria}),
                }
            )
        )
    return sorted(merged, key=lambda b: (b.severity is None, -(b.severity or 0.0)))


def score_organization(
    model: Model, name: str, teams: Sequence[TeamAssessment]
) -> OrganizationResult:
    dimensions = organization_dimensions(model, teams)
    decided = sum(t.criteria_decided for t in teams)
    by_evidence = sum(
        c.decided_by == "evidence" for t in teams for cap in t.capabilities for c in cap.criteria
    )
    team_stages = [t.stage for t in teams if t.stage is not None]
    return OrganizationResult(
        name=name,
        stage=overall_stage(dimensions),
        lowest_team_stage=min(team_stages) if len(team_stages) == len(teams) and teams else None,
        confidence=round(by_evidence / decided, 2) if decided else None,
        dimensions=dimensions,
        capabilities=capability_rollup(model, teams),
        barriers=organization_barriers(teams),
    )

"""The comparisons, section by section: ``diff_assessments(old, new)`` is pure.

Teams are matched by id, dimensions, capabilities and criteria by id within a team (or the
organization), barriers and KPIs by id within a team (or the organization). A criterion
*flips* when its status (met, unmet, inconclusive) differs, or when it exists on one side
only; each flip carries the findings and answers that decided it before and now. A barrier is
*present* when its severity is above zero. What one side's model lacks is said: a dimension or
capability present on one side only, a criterion absent before or after.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Literal, TypeVar

from mlmaturity.diff.changes import (
    AssessmentDiff,
    BarrierChange,
    ConflictChange,
    CriterionFlip,
    Decision,
    KpiChange,
    LevelChange,
    ScoreChange,
    Side,
    StageChange,
)
from mlmaturity.scoring.result import (
    Assessment,
    BarrierResult,
    CriterionResult,
    DimensionResult,
    KpiResult,
    TeamAssessment,
)

T = TypeVar("T")


def _either(after: T | None, before: T | None) -> T:
    """The newer of two versions of one thing, or the older when it is gone."""
    found = after if after is not None else before
    assert found is not None  # every key comes from one side or the other
    return found


def _side(assessment: Assessment) -> Side:
    return Side(
        generated_at=assessment.generated_at,
        model_id=assessment.model.id,
        model_version=assessment.model.version,
        tool_version=assessment.tool_version,
    )


def _presence(before: object, after: object) -> Literal["both", "before", "after"]:
    if before is None:
        return "after"
    return "before" if after is None else "both"


def _stages(old: Assessment, new: Assessment) -> list[StageChange]:
    changes = [
        StageChange(
            team=None,
            name=new.organization.name,
            before=old.organization.stage,
            after=new.organization.stage,
        )
    ]
    before = {t.id: t for t in old.teams}
    after = {t.id: t for t in new.teams}
    for team_id in dict.fromkeys([*after, *before]):
        b, a = before.get(team_id), after.get(team_id)
        changes.append(
            StageChange(
                team=team_id,
                name=_either(a, b).name,
                before=b.stage if b else None,
                after=a.stage if a else None,
                present=_presence(b, a),
            )
        )
    return changes


def _dimension_changes(
    team: str | None, old: Sequence[DimensionResult], new: Sequence[DimensionResult]
) -> list[ScoreChange]:
    """Dimensions whose score or level changed, and those of one side only (new or dropped)."""
    before = {d.id: d for d in old}
    after = {d.id: d for d in new}
    changes = []
    for dimension_id in dict.fromkeys([*after, *before]):
        b, a = before.get(dimension_id), after.get(dimension_id)
        if b and a and (b.score, b.level) == (a.score, a.level):
            continue
        changes.append(
            ScoreChange(
                team=team,
                dimension=dimension_id,
                name=_either(a, b).name,
                before=b,
                after=a,
                present=_presence(b, a),
            )
        )
    return changes


def _decision(criterion: CriterionResult | None) -> Decision | None:
    if criterion is None:
        return None
    return Decision(
        status=criterion.status,
        decided_by=criterion.decided_by,
        findings=criterion.findings,
        answers=criterion.answers,
    )


def _barrier_changes(
    team: str | None, old: Iterable[BarrierResult], new: Iterable[BarrierResult]
) -> list[BarrierChange]:
    before = {b.id: b for b in old}
    after = {b.id: b for b in new}
    changes = []
    for barrier_id in dict.fromkeys([*after, *before]):
        b, a = before.get(barrier_id), after.get(barrier_id)
        was = b.severity if b and b.severity else None
        now = a.severity if a and a.severity else None
        if was == now:
            continue
        change: Literal["new", "gone", "changed", "undecided"] = "changed"
        if was is None:
            change = "new"
        elif now is None:
            change = "undecided" if a is not None and a.severity is None else "gone"
        changes.append(
            BarrierChange(
                team=team,
                barrier=barrier_id,
                name=_either(a, b).name,
                change=change,
                severity_before=b.severity if b else None,
                severity_after=a.severity if a else None,
            )
        )
    return changes


def _latest(kpis: Iterable[KpiResult]) -> dict[str, KpiResult]:
    """Per KPI, its last period that has a value (else its last period)."""
    latest: dict[str, KpiResult] = {}
    for k in sorted(kpis, key=lambda k: k.period):
        current = latest.get(k.id)
        if current is None or k.value is not None or current.value is None:
            latest[k.id] = k
    return latest


def _kpi_changes(
    team: str | None, old: Iterable[KpiResult], new: Iterable[KpiResult]
) -> list[KpiChange]:
    before, after = _latest(old), _latest(new)
    changes = []
    for kpi_id in dict.fromkeys([*after, *before]):
        b, a = before.get(kpi_id), after.get(kpi_id)
        shown = _either(a, b)
        was = b.value if b else None
        now = a.value if a else None
        changes.append(
            KpiChange(
                team=team,
                kpi=kpi_id,
                name=shown.name,
                unit=shown.unit,
                period_before=b.period if b else None,
                value_before=was,
                band_before=b.band if b else None,
                period_after=a.period if a else None,
                value_after=now,
                band_after=a.band if a else None,
                change=None if was is None or now is None else round(now - was, 10),
            )
        )
    return changes


def _capability_changes(old: TeamAssessment, new: TeamAssessment) -> list[LevelChange]:
    before = {c.id: c for c in old.capabilities}
    after = {c.id: c for c in new.capabilities}
    changes = []
    for cap_id in dict.fromkeys([*after, *before]):
        b, a = before.get(cap_id), after.get(cap_id)
        if b and a and b.level == a.level:
            continue
        shown = _either(a, b)
        changes.append(
            LevelChange(
                team=new.id,
                capability=cap_id,
                name=shown.name,
                dimension=shown.dimension,
                before=b.level if b else None,
                after=a.level if a else None,
                present=_presence(b, a),
            )
        )
    return changes


def _criterion_flips(old: TeamAssessment, new: TeamAssessment) -> list[CriterionFlip]:
    before = {k.id: k for c in old.capabilities for k in c.criteria}
    after = {k.id: k for c in new.capabilities for k in c.criteria}
    flips = []
    for criterion_id in dict.fromkeys([*after, *before]):
        b, a = before.get(criterion_id), after.get(criterion_id)
        if b and a and b.status == a.status:
            continue
        shown = _either(a, b)
        flips.append(
            CriterionFlip(
                team=new.id,
                criterion=criterion_id,
                capability=shown.capability,
                level=shown.level,
                statement=shown.statement,
                before=_decision(b),
                after=_decision(a),
            )
        )
    return flips


def _conflict_changes(old: TeamAssessment, new: TeamAssessment) -> list[ConflictChange]:
    before = {(c.criterion, c.kind): c for c in old.conflicts}
    after = {(c.criterion, c.kind): c for c in new.conflicts}
    changes = []
    for key in dict.fromkeys([*after, *before]):
        if key in before and key in after:
            continue
        conflict = after.get(key) or before[key]
        changes.append(
            ConflictChange(
                team=new.id,
                criterion=conflict.criterion,
                statement=conflict.statement,
                kind=conflict.kind,
                message=conflict.message,
                change="new" if key in after else "resolved",
            )
        )
    return changes


def _notes(old: Assessment, new: Assessment) -> list[str]:
    notes = []
    if (old.model.id, old.model.version) != (new.model.id, new.model.version):
        notes.append(
            f"the model changed: {old.model.id} {old.model.version} → "
            f"{new.model.id} {new.model.version}; what only one of them has shows as added "
            "or removed"
        )
    if datetime.fromisoformat(old.generated_at) > datetime.fromisoformat(new.generated_at):
        notes.append("the first assessment is the newer one: changes read backwards in time")
    before = {t.id for t in old.teams}
    after = {t.id for t in new.teams}
    notes += [f"team '{t.id}' is new" for t in new.teams if t.id not in before]
    notes += [f"team '{t.id}' is no longer assessed" for t in old.teams if t.id not in after]
    return notes


def diff_assessments(old: Assessment, new: Assessment) -> AssessmentDiff:
    """Everything that changed from ``old`` to ``new`` (pure)."""
    org_before, org_after = old.organization, new.organization
    dimensions = _dimension_changes(None, org_before.dimensions, org_after.dimensions)
    barriers = _barrier_changes(None, org_before.barriers, org_after.barriers)
    kpis = _kpi_changes(None, org_before.kpis, org_after.kpis)
    capabilities: list[LevelChange] = []
    criteria: list[CriterionFlip] = []
    conflicts: list[ConflictChange] = []
    before = {t.id: t for t in old.teams}
    for team in new.teams:
        was = before.get(team.id)
        if was is None:
            continue  # a new team: its stage is in `stages`; everything else of it is new
        dimensions += _dimension_changes(team.id, was.dimensions, team.dimensions)
        capabilities += _capability_changes(was, team)
        criteria += _criterion_flips(was, team)
        barriers += _barrier_changes(team.id, was.barriers, team.barriers)
        kpis += _kpi_changes(team.id, was.kpis, team.kpis)
        conflicts += _conflict_changes(was, team)
    return AssessmentDiff(
        old=_side(old),
        new=_side(new),
        notes=_notes(old, new),
        stages=_stages(old, new),
        dimensions=dimensions,
        capabilities=capabilities,
        criteria=criteria,
        barriers=barriers,
        kpis=kpis,
        conflicts=conflicts,
    )

"""The comparisons, section by section: ``diff_assessments(old, new)`` is pure.

Teams are matched by id, dimensions, capabilities and criteria by id within a team (or the
organization), barriers and KPIs by id within a team (or the organization). A criterion
*flips* when its status (met, unmet, inconclusive) differs, or when it exists on one side
only; each flip carries the findings and answers that decided it before and now. A barrier is
*present* when its severity is above zero. What one side's model lacks is said: a dimension or
capability present on one side only, a criterion absent before or after.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
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
K = TypeVar("K", bound=Hashable)


def _paired(
    old: Iterable[T], new: Iterable[T], key: Callable[[T], K]
) -> Iterator[tuple[K, T | None, T | None]]:
    """Each thing of either side by ``key`` (the new side's order, then what only the old
    had), with its version before and after (None where a side lacks it)."""
    before = {key(x): x for x in old}
    after = {key(x): x for x in new}
    for k in dict.fromkeys([*after, *before]):
        yield k, before.get(k), after.get(k)


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
    for team_id, b, a in _paired(old.teams, new.teams, lambda t: t.id):
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
    changes = []
    for dimension_id, b, a in _paired(old, new, lambda d: d.id):
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
    changes = []
    for barrier_id, b, a in _paired(old, new, lambda x: x.id):
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
    changes = []
    for kpi_id, b, a in _paired(_latest(old).values(), _latest(new).values(), lambda k: k.id):
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
    changes = []
    for cap_id, b, a in _paired(old.capabilities, new.capabilities, lambda c: c.id):
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
    flips = []
    criteria = (
        [k for c in old.capabilities for k in c.criteria],
        [k for c in new.capabilities for k in c.criteria],
    )
    for criterion_id, b, a in _paired(*criteria, lambda k: k.id):
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
    changes = []
    for _, b, a in _paired(old.conflicts, new.conflicts, lambda c: (c.criterion, c.kind)):
        if b and a:
            continue
        conflict = _either(a, b)
        changes.append(
            ConflictChange(
                team=new.id,
                criterion=conflict.criterion,
                statement=conflict.statement,
                kind=conflict.kind,
                message=conflict.message,
                change="new" if a else "resolved",
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

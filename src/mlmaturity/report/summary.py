"""What leadership reads first: the executive summary, and what changed since the previous
assessment (from ``mlmaturity.diff.diff_assessments``: stages, dimension scores, barriers and
the criteria each team newly meets or no longer meets)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from mlmaturity.diff import AssessmentDiff, ScoreChange, diff_assessments
from mlmaturity.model.stages import stage_label
from mlmaturity.scoring import Assessment
from mlmaturity.scoring.result import BarrierResult, RoadmapItem, Status

SUMMARY_BARRIERS = 3
SUMMARY_STEPS = 3
SEVERITY_MEANING = "severity: shortfall below each team's next stage"
"""What a barrier's percentage is, said wherever severities are compared."""


def long_date(day: str) -> str:
    """``'25 November 2026'`` for ``'2026-11-25'`` (or an ISO time)."""
    try:
        parsed = datetime.fromisoformat(day)
    except ValueError:
        return day
    return f"{parsed.day} {parsed:%B %Y}"


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{round(value * 100)}%"


def _score(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


@dataclass(frozen=True)
class Move:
    """One thing before and after: a stage, a score or a barrier's severity."""

    name: str
    before: str
    after: str
    direction: int
    """+1 up, -1 down, 0 the same (or not comparable)."""
    note: str = ""
    lower_is_better: bool = False

    @property
    def word(self) -> str:
        return {1: "up", -1: "down"}.get(self.direction, "unchanged")

    @property
    def verdict(self) -> str:
        """``better``, ``worse`` or empty: the class the report colours the move by."""
        if not self.direction:
            return ""
        return "better" if (self.direction > 0) != self.lower_is_better else "worse"


@dataclass(frozen=True)
class CriteriaMoves:
    team: str
    met: int
    """Criteria newly met."""
    lost: int
    """Criteria met before and not now."""

    @property
    def text(self) -> str:
        """``'6 criteria newly met, 1 no longer met'``."""
        said = [f"{self.met} criteri{'on' if self.met == 1 else 'a'} newly met"] * bool(self.met)
        return ", ".join([*said, *[f"{self.lost} no longer met"] * bool(self.lost)])


@dataclass(frozen=True)
class Since:
    """What changed from the previous assessment to this one."""

    label: str
    """The previous assessment's milestone, else its date (``30 September 2026``)."""
    organization: Move
    teams: list[Move]
    dimensions: list[Move]
    barriers: list[Move]
    criteria: list[CriteriaMoves]
    notes: list[str]
    barrier_note: str = ""
    """Why severities can rise as teams improve: each is measured against a team's next
    stage, which is a higher one for the teams that moved up."""
    severity_meaning: str = SEVERITY_MEANING


def _direction(before: float | None, after: float | None) -> int:
    if before is None or after is None or before == after:
        return 0
    return 1 if after > before else -1


def _stage_move(name: str, before: int | None, after: int | None, present: str) -> Move:
    if present == "after":
        return Move(name, "—", stage_label(after), 0, "new")
    if present == "before":
        return Move(name, stage_label(before), "—", 0, "no longer assessed")
    return Move(name, stage_label(before), stage_label(after), _direction(before, after))


def _score_move(change: ScoreChange) -> Move:
    before = change.before.score if change.before else None
    after = change.after.score if change.after else None
    return Move(change.name, _score(before), _score(after), _direction(before, after))


def since(diff: AssessmentDiff, label: str, team_labels: Mapping[str, str]) -> Since:
    """The changes of ``diff`` as the report shows them; ``team_labels``: team id → name."""
    org, *teams = diff.stages
    barriers = []
    for b in diff.barriers:
        if b.team is not None:
            continue
        note = {"new": "new", "gone": "cleared", "undecided": "undecided now"}.get(b.change, "")
        direction = _direction(b.severity_before or 0.0, b.severity_after or 0.0)
        before, after = _percent(b.severity_before), _percent(b.severity_after)
        barriers.append(Move(b.name, before, after, direction, note, lower_is_better=True))
    criteria = []
    for team_id, name in team_labels.items():
        flips = [f for f in diff.criteria if f.team == team_id]
        met = sum(f.after is not None and f.after.status == Status.MET for f in flips)
        lost = sum(
            f.before is not None
            and f.before.status == Status.MET
            and (f.after is None or f.after.status != Status.MET)
            for f in flips
        )
        if met or lost:
            criteria.append(CriteriaMoves(name, met, lost))
    risen = [
        team_labels.get(t.team or "", t.name)
        for t in teams
        if t.present == "both" and _direction(t.before, t.after) > 0
    ]
    barrier_note = (
        f"Severities can rise while teams move up: {_and(risen)} now "
        + ("has a higher next stage" if len(risen) == 1 else "have a higher next stage")
        if risen and any(b.direction > 0 for b in barriers)
        else ""
    )
    return Since(
        label=label,
        organization=_stage_move(org.name, org.before, org.after, org.present),
        teams=[
            _stage_move(team_labels.get(t.team or "", t.name), t.before, t.after, t.present)
            for t in teams
        ],
        dimensions=[_score_move(d) for d in diff.dimensions if d.team is None],
        barriers=barriers,
        criteria=criteria,
        notes=list(diff.notes),
        barrier_note=barrier_note,
    )


def _and(names: list[str]) -> str:
    """``'A'``, ``'A and B'``, ``'A, B and C'``."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def since_previous(
    assessment: Assessment,
    previous: Assessment,
    milestones: Mapping[str, str],
    team_labels: Mapping[str, str],
) -> Since:
    """What changed from ``previous`` (named by its milestone, else its date) to now."""
    label = milestones.get(previous.generated_at) or long_date(previous.generated_at[:10])
    return since(diff_assessments(previous, assessment), label, team_labels)


@dataclass(frozen=True)
class TeamSteps:
    index: int
    """The team's place in the report (1-based), for links to its roadmap."""
    team: str
    stage: int | None
    next_stage: int
    steps: list[RoadmapItem]
    total: int


@dataclass(frozen=True)
class TopBarrier:
    barrier: BarrierResult
    worst: str
    """The team it holds back most, with its severity there (empty if none has it)."""


@dataclass(frozen=True)
class Summary:
    barriers: list[TopBarrier]
    teams: list[TeamSteps]


def summary(
    assessment: Assessment, barriers: list[BarrierResult], team_labels: Mapping[str, str]
) -> Summary:
    """The top barriers (with the team each holds back most) and each team's next steps."""
    top = []
    for barrier in barriers[:SUMMARY_BARRIERS]:
        severities = [
            (b.severity, team_labels[t.id])
            for t in assessment.teams
            for b in t.barriers
            if b.id == barrier.id and b.severity
        ]
        worst = max(severities, key=lambda s: s[0], default=None)
        top.append(TopBarrier(barrier, f"{worst[1]} {_percent(worst[0])}" if worst else ""))
    teams = [
        TeamSteps(
            n, team_labels[t.id], t.stage, t.next_stage, t.roadmap[:SUMMARY_STEPS], len(t.roadmap)
        )
        for n, t in enumerate(assessment.teams, 1)
    ]
    return Summary(top, teams)

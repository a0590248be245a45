"""What each conclusion rests on: the findings and answers behind criteria, barriers and
conflicts, and the evidence appendix they point into."""

from __future__ import annotations

from dataclasses import dataclass, replace

from mlmaturity.evidence.finding import Finding, Outcome
from mlmaturity.model.stages import Stage
from mlmaturity.report.findings import OUTCOME_ORDER
from mlmaturity.scoring import Assessment, TeamAssessment
from mlmaturity.scoring.result import (
    BarrierResult,
    Conflict,
    CriterionResult,
    Status,
    SurveyBasis,
)
from mlmaturity.survey.consensus import Misalignment

TOP_STAGE = max(Stage)
BARRIER_CRITERIA = 5
"""Criteria shown in full per barrier, those holding the most teams first; the rest are
steps of the teams' roadmaps."""
_SUPPORTS = {
    Status.MET: {Outcome.PASS},
    Status.UNMET: {Outcome.FAIL, Outcome.ERROR},
    Status.INCONCLUSIVE: {Outcome.INCONCLUSIVE, Outcome.ERROR},
}
"""The findings that show what the evidence concluded (none where it concluded nothing)."""


@dataclass(frozen=True)
class EvidenceRef:
    """A finding and its place (an HTML id) in the evidence appendix."""

    anchor: str | None
    """None: a finding the team's own list lacks (nothing to link to)."""
    finding: Finding


@dataclass(frozen=True)
class CriterionEvidence:
    """One team's verdict on one criterion and what decided it."""

    team: str
    status: Status
    decided_by: str | None
    findings: list[EvidenceRef]
    """The findings that agree with the evidence's verdict (failing ones for an unmet criterion)."""
    survey: list[SurveyBasis]


@dataclass(frozen=True)
class FailingCriterion:
    anchor: str
    """Its row's HTML id (under the first barrier that shows it)."""
    id: str
    statement: str
    capability_name: str
    level: int
    teams: list[CriterionEvidence | None]
    """Every team's verdict, in the assessment's team order (None: the team's model lacks it)."""


@dataclass(frozen=True)
class BarrierView:
    barrier: BarrierResult
    criteria: list[FailingCriterion]
    """The unmet criteria of the target stage no barrier ranked above this one has shown."""
    shown_above: list[tuple[int, int]]
    """(rank of a barrier above, how many of this barrier's criteria are shown under it)."""
    more: int
    """Unmet criteria of the target stage past the ``BARRIER_CRITERIA`` shown: in the roadmaps."""
    later: int
    """This barrier's unmet criteria beyond the target stage, or unmet only by teams at it:
    in each team's roadmap and detail, not here."""
    team_severity: list[tuple[str, float | None]]
    """Each team's severity of this barrier, in team order."""


@dataclass(frozen=True)
class TeamConflict:
    team: str
    conflict: Conflict
    evidence: CriterionEvidence


@dataclass(frozen=True)
class TeamMisalignment:
    team: str
    team_id: str
    misalignment: Misalignment
    comments: list[str]
    """What respondents wrote beside their answers to the question (question scope only)."""


@dataclass(frozen=True)
class EvidenceGroup:
    team: str
    findings: list[EvidenceRef]


def _key(finding: Finding) -> tuple[str, str, str]:
    return finding.check, finding.subject, finding.detail


class Provenance:
    """Criteria and findings of every team, indexed once for the report's cross references."""

    def __init__(self, assessment: Assessment) -> None:
        self.assessment = assessment
        self.criteria: list[dict[str, CriterionResult]] = [
            {c.id: c for cap in t.capabilities for c in cap.criteria} for t in assessment.teams
        ]
        self.groups: list[EvidenceGroup] = []
        self._anchors: list[dict[tuple[str, str, str], str]] = []
        for index, team in enumerate(assessment.teams):
            ordered = sorted(
                team.findings, key=lambda f: (OUTCOME_ORDER[f.outcome], f.check, f.subject)
            )
            anchors: dict[tuple[str, str, str], str] = {}
            refs = []
            for n, found in enumerate(ordered, 1):
                anchors.setdefault(_key(found), f"ev-{index}-{n}")
                refs.append(EvidenceRef(f"ev-{index}-{n}", found))
            self.groups.append(EvidenceGroup(team.name, refs))
            self._anchors.append(anchors)

    def evidence(self, index: int, criterion: CriterionResult) -> CriterionEvidence:
        team = self.assessment.teams[index]
        wanted = _SUPPORTS[criterion.evidence] if criterion.evidence else set()
        findings = [
            EvidenceRef(self._anchors[index].get(_key(f)), f)
            for f in criterion.findings
            if f.outcome in wanted
        ]
        return CriterionEvidence(
            team=team.name,
            status=criterion.status,
            decided_by=criterion.decided_by,
            findings=findings,
            survey=list(criterion.answers),
        )

    def target(self) -> tuple[int, set[int]]:
        """The stage the barriers are shown against (the organization's next) and the teams
        (by index) below it; with none below, every team and the top stage."""
        org = self.assessment.organization.stage
        target = min(TOP_STAGE, (org or 0) + 1)
        below = {i for i, t in enumerate(self.assessment.teams) if (t.stage or 0) < target}
        return (target, below) if below else (TOP_STAGE, set(range(len(self.assessment.teams))))

    def barriers(self, barriers: list[BarrierResult]) -> list[BarrierView]:
        """The barriers in their order, each with the unmet criteria of the target stage that
        teams below it still need (those holding the most teams first, at most
        ``BARRIER_CRITERIA``), each shown in full once: under the first (most severe) barrier
        it holds back, and counted under the others."""
        target, below = self.target()
        teams = self.assessment.teams
        unmet = {Status.UNMET, Status.INCONCLUSIVE}
        # the lowest teams first: their next stage is the most basic
        order = sorted(below, key=lambda i: (teams[i].stage or 0, i))

        def needs(i: int, criterion: FailingCriterion) -> bool:
            """Team ``i`` needs it for its next stage (and the target stage) and lacks it."""
            verdict = criterion.teams[i]
            limit = min(target, teams[i].next_stage)
            return criterion.level <= limit and verdict is not None and verdict.status in unmet

        shown: dict[str, int] = {}
        """Criterion id → the rank of the barrier it is shown under."""
        views = []
        for rank, barrier in enumerate(barriers, 1):
            failing = self._failing(barrier)
            holders = {c.id: sum(needs(i, c) for i in order) for c in failing}
            wanted = {
                i: sorted(
                    (c for c in failing if needs(i, c)),
                    key=lambda c: (-holders[c.id], c.level, c.id),
                )
                for i in order
            }
            needed = [c for c in failing if holders[c.id]]
            above: dict[int, int] = {}
            for criterion in needed:
                if criterion.id in shown:
                    above[shown[criterion.id]] = above.get(shown[criterion.id], 0) + 1
            new: list[FailingCriterion] = []
            picked: set[str] = set()
            while len(new) < BARRIER_CRITERIA and any(wanted.values()):
                for i in order:  # in turns, so each team below gets its share
                    while wanted[i] and (wanted[i][0].id in shown or wanted[i][0].id in picked):
                        wanted[i].pop(0)
                    if wanted[i] and len(new) < BARRIER_CRITERIA:
                        criterion = wanted[i].pop(0)
                        picked.add(criterion.id)
                        new.append(criterion)
            for criterion in new:
                shown[criterion.id] = rank
            new = [
                replace(c, anchor=f"crit-{len(shown) - len(new) + n}") for n, c in enumerate(new, 1)
            ]
            severity = [
                (team.name, next((b.severity for b in team.barriers if b.id == barrier.id), None))
                for team in self.assessment.teams
            ]
            more = len(needed) - len(new) - sum(above.values())
            views.append(
                BarrierView(
                    barrier,
                    new,
                    sorted(above.items()),
                    more,
                    len(failing) - len(needed),
                    severity,
                )
            )
        return views

    def _failing(self, barrier: BarrierResult) -> list[FailingCriterion]:
        """The barrier's failing criteria with every team's verdict on each."""
        criteria = []
        for criterion_id in barrier.failing_criteria:
            verdicts: list[CriterionEvidence | None] = []
            first: CriterionResult | None = None
            for index, by_id in enumerate(self.criteria):
                result = by_id.get(criterion_id)
                first = first or result
                verdicts.append(None if result is None else self.evidence(index, result))
            if first is not None:
                name = self._capability_name(first.capability)
                criteria.append(
                    FailingCriterion("", first.id, first.statement, name, first.level, verdicts)
                )
        unmet = {Status.UNMET, Status.INCONCLUSIVE}
        criteria.sort(
            key=lambda c: (
                c.level,
                -sum(v is not None and v.status in unmet for v in c.teams),
                c.id,
            )
        )
        return criteria

    def conflicts(self) -> list[TeamConflict]:
        return [
            TeamConflict(team.name, c, self.evidence(index, self.criteria[index][c.criterion]))
            for index, team in enumerate(self.assessment.teams)
            for c in team.conflicts
        ]

    def _capability_name(self, capability: str) -> str:
        names = {c.id: c.name for c in self.assessment.organization.capabilities}
        return names.get(capability, capability)


def misalignments(teams: list[TeamAssessment]) -> list[TeamMisalignment]:
    """Every team's disagreements, widest first (a whole capability before one question of
    the same spread, then in team order), with the comments given on the question."""
    found = []
    for team in teams:
        comments = {q.question: q.comments for q in team.consensus}
        for m in team.misalignments:
            said = comments.get(m.subject, []) if m.scope == "question" else []
            found.append(TeamMisalignment(team.name, team.id, m, list(said)))
    return sorted(
        found, key=lambda t: (-t.misalignment.spread, t.misalignment.scope != "capability")
    )

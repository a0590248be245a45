"""What each conclusion rests on: the findings and answers behind criteria, barriers and
conflicts, and the evidence appendix they point into."""

from __future__ import annotations

from dataclasses import dataclass, replace

from mlmaturity.evidence.finding import Finding, Outcome
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

_SUPPORTS = {
    Status.MET: {Outcome.PASS},
    Status.UNMET: {Outcome.FAIL, Outcome.ERROR},
    Status.INCONCLUSIVE: {Outcome.INCONCLUSIVE, Outcome.ERROR},
}
"""The findings that show what the evidence concluded (none where it concluded nothing)."""


@dataclass(frozen=True)
class EvidenceRef:
    """A finding and its place (an HTML id) in the evidence appendix."""

    anchor: str
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
    """The unmet criteria no barrier ranked above this one has shown."""
    shown_above: list[FailingCriterion]
    """This barrier's other unmet criteria, shown (with their evidence) under a barrier above."""
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
            refs = [EvidenceRef(f"ev-{index}-{n}", f) for n, f in enumerate(ordered, 1)]
            self.groups.append(EvidenceGroup(team.name, refs))
            anchors: dict[tuple[str, str, str], str] = {}
            for ref in refs:
                anchors.setdefault(_key(ref.finding), ref.anchor)
            self._anchors.append(anchors)

    def evidence(self, index: int, criterion: CriterionResult) -> CriterionEvidence:
        team = self.assessment.teams[index]
        wanted = _SUPPORTS[criterion.evidence] if criterion.evidence else set()
        findings = [
            EvidenceRef(self._anchors[index].get(_key(f), ""), f)
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

    def barriers(self, barriers: list[BarrierResult]) -> list[BarrierView]:
        """The barriers in their order, each criterion shown in full once: under the first
        (most severe) barrier it holds back, and named under the others."""
        shown: dict[str, FailingCriterion] = {}
        views = []
        for barrier in barriers:
            new, above = [], []
            for criterion in self._failing(barrier):
                if criterion.id in shown:
                    above.append(shown[criterion.id])
                else:
                    criterion = replace(criterion, anchor=f"crit-{len(shown) + 1}")
                    shown[criterion.id] = criterion
                    new.append(criterion)
            severity = [
                (team.name, next((b.severity for b in team.barriers if b.id == barrier.id), None))
                for team in self.assessment.teams
            ]
            views.append(BarrierView(barrier, new, above, severity))
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
    """Every team's disagreements, widest first, with the comments given on the question."""
    found = []
    for team in teams:
        comments = {q.question: q.comments for q in team.consensus}
        for m in team.misalignments:
            said = comments.get(m.subject, []) if m.scope == "question" else []
            found.append(TeamMisalignment(team.name, m, list(said)))
    return sorted(
        found, key=lambda t: (t.misalignment.scope != "capability", -t.misalignment.spread)
    )

"""Score one team: findings + answers + model → its part of the assessment."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from mlmaturity.evidence.finding import Finding
from mlmaturity.model import Model
from mlmaturity.scoring.barriers import barrier_results
from mlmaturity.scoring.criteria import decide
from mlmaturity.scoring.levels import dimension_results, overall_stage, score_capability
from mlmaturity.scoring.result import Conflict, CriterionResult, Status, TeamAssessment
from mlmaturity.scoring.roadmap import roadmap
from mlmaturity.survey.answers import Answer
from mlmaturity.survey.consensus import consensus, misalignments


def confidence(criteria: Sequence[CriterionResult]) -> float | None:
    """Share of decided criteria that automated evidence decided."""
    decided = [c for c in criteria if c.decided_by is not None]
    if not decided:
        return None
    return round(sum(c.decided_by == "evidence" for c in decided) / len(decided), 2)


def conflict(result: CriterionResult) -> Conflict:
    claimed = result.survey == Status.MET
    return Conflict(
        criterion=result.id,
        capability=result.capability,
        statement=result.statement,
        kind="claimed-not-evidenced" if claimed else "evidenced-not-claimed",
        message=(
            "claimed in the survey, not backed by evidence"
            if claimed
            else "the evidence shows it met, the survey says not"
        ),
    )


def score_team(
    model: Model,
    team_id: str,
    team_name: str,
    findings: Sequence[Finding],
    answers: Sequence[Answer],
    notes: Sequence[str] = (),
) -> TeamAssessment:
    by_check: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_check[finding.check].append(finding)
    counted = [a for a in answers if a.question in model.active_questions]
    per_question = consensus(counted, model)
    disagreements = misalignments(per_question, model)
    capabilities = []
    for capability in model.capabilities:
        decided = [
            decide(model.placed_criteria[c.id], by_check, per_question)
            for level in sorted(capability.levels)
            for c in model.criteria(capability, level)
        ]
        capabilities.append(score_capability(capability, decided))
    dimensions = dimension_results(model, capabilities)
    stage = overall_stage(dimensions)
    known = [d.level for d in dimensions if d.level is not None]
    next_stage = min(4, (stage if stage is not None else min(known, default=0)) + 1)
    consensus_list = list(per_question.values())
    barriers = barrier_results(model, capabilities, next_stage, consensus_list, disagreements)
    criteria = [c for cap in capabilities for c in cap.criteria]
    return TeamAssessment(
        id=team_id,
        name=team_name,
        stage=stage,
        next_stage=next_stage,
        confidence=confidence(criteria),
        criteria_decided=sum(c.decided_by is not None for c in criteria),
        criteria_total=len(criteria),
        respondents=len({a.respondent for a in counted}),
        dimensions=dimensions,
        capabilities=capabilities,
        conflicts=[conflict(c) for c in criteria if c.conflict],
        barriers=barriers,
        roadmap=roadmap(model, capabilities, barriers, next_stage),
        consensus=consensus_list,
        misalignments=disagreements,
        findings=list(findings),
        notes=list(notes),
    )

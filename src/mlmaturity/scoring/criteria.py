"""Deciding one criterion: evidence first, the survey where there is no evidence.

Per check, a failure on any subject means "fail" (or, for ``evidence: any`` criteria, a pass
on any subject means "pass"). Checks that produced no pass or fail — not run yet, not
applicable, inconclusive, errors — do not decide anything and are listed as unevaluated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from mlmaturity.evidence.finding import Finding, Outcome
from mlmaturity.model import PlacedCriterion
from mlmaturity.scoring.result import CriterionResult, Status, SurveyBasis
from mlmaturity.survey.consensus import QuestionConsensus


def _check_verdict(findings: Sequence[Finding], any_subject: bool) -> Status | None:
    outcomes = {f.outcome for f in findings}
    passed, failed = Outcome.PASS in outcomes, Outcome.FAIL in outcomes
    if any_subject:
        return Status.MET if passed else Status.UNMET if failed else None
    return Status.UNMET if failed else Status.MET if passed else None


def evidence_status(
    checks: Sequence[str], findings: Mapping[str, Sequence[Finding]], any_mode: bool
) -> tuple[Status | None, list[str]]:
    """The evidence's verdict on a criterion, and the checks that had nothing to say."""
    verdicts = {c: _check_verdict(findings.get(c, ()), any_mode) for c in checks}
    decided = [v for v in verdicts.values() if v is not None]
    silent = [c for c, v in verdicts.items() if v is None]
    if not decided:
        return None, silent
    if any_mode:
        return (Status.MET if Status.MET in decided else Status.UNMET), silent
    return (Status.UNMET if Status.UNMET in decided else Status.MET), silent


def survey_status(
    questions: Sequence[str], needed: int, consensus: Mapping[str, QuestionConsensus]
) -> tuple[Status | None, list[SurveyBasis]]:
    """Met when each question's consensus reaches the criterion's level; unmet when one is short."""
    basis = []
    for qid in questions:
        item = consensus.get(qid)
        basis.append(
            SurveyBasis(
                question=qid,
                consensus=item.level if item else None,
                needed=needed,
                respondents=item.respondents if item else [],
            )
        )
    if not basis:
        return None, basis
    if any(b.consensus is not None and b.consensus < needed for b in basis):
        return Status.UNMET, basis
    if all(b.consensus is not None for b in basis):
        return Status.MET, basis
    return None, basis


def decide(
    placed: PlacedCriterion,
    findings: Mapping[str, Sequence[Finding]],
    consensus: Mapping[str, QuestionConsensus],
) -> CriterionResult:
    """Decide one criterion and keep everything that decided it."""
    criterion = placed.criterion
    evidence, silent = evidence_status(criterion.checks, findings, criterion.evidence == "any")
    survey, basis = survey_status(criterion.questions, placed.level, consensus)
    status = evidence or survey or Status.INCONCLUSIVE
    decided_by = "evidence" if evidence else "survey" if survey else None
    return CriterionResult(
        id=criterion.id,
        capability=placed.capability.id,
        level=placed.level,
        statement=criterion.statement,
        status=status,
        decided_by=decided_by,
        evidence=evidence,
        survey=survey,
        findings=[f for check in criterion.checks for f in findings.get(check, ())],
        unevaluated_checks=silent,
        answers=basis,
        conflict=evidence is not None and survey is not None and evidence != survey,
    )

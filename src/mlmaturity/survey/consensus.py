"""A team's consensus per question, and where its roles disagree.

The consensus is the median answer level; with an even number of answers the lower of the
two middle levels is taken, so the consensus is always an answer someone actually gave and
never rounds a split team upwards.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from statistics import fmean, median_low
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mlmaturity.model import Model
from mlmaturity.survey.answers import ROLES, Answer

MISALIGNMENT_SPREAD = 2
"""Roles whose views differ by this many levels or more disagree enough to report."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RoleView(_Frozen):
    """One role's view: its median level on a question, or its mean over a capability."""

    role: str
    level: float
    answers: int


class QuestionConsensus(_Frozen):
    question: str
    capability: str
    level: int
    respondents: list[str]
    roles: list[RoleView]
    spread: int
    comments: list[str] = []


class Misalignment(_Frozen):
    """Two roles see the same practice at least ``MISALIGNMENT_SPREAD`` levels apart."""

    scope: Literal["question", "capability"]
    subject: str
    text: str = Field(description="The question asked, or the capability's name.")
    capability: str
    spread: float
    highest: RoleView
    lowest: RoleView


def _role_order(role: str) -> int:
    return ROLES.index(role) if role in ROLES else len(ROLES)


def consensus(answers: Iterable[Answer], model: Model) -> dict[str, QuestionConsensus]:
    """Per question, the team's median level, each role's median, and the spread between roles."""
    by_question: dict[str, list[Answer]] = defaultdict(list)
    for answer in answers:
        by_question[answer.question].append(answer)
    result = {}
    for qid in sorted(by_question):
        given = by_question[qid]
        by_role: dict[str, list[int]] = defaultdict(list)
        for answer in given:
            by_role[answer.role].append(answer.level)
        roles = [
            RoleView(role=role, level=median_low(levels), answers=len(levels))
            for role, levels in sorted(by_role.items(), key=lambda item: _role_order(item[0]))
        ]
        role_levels = [int(view.level) for view in roles]
        result[qid] = QuestionConsensus(
            question=qid,
            capability=model.question_capability[qid].id,
            level=median_low([a.level for a in given]),
            respondents=sorted(a.respondent for a in given),
            roles=roles,
            spread=max(role_levels) - min(role_levels),
            comments=[f"{a.respondent} ({a.role}): {a.comment}" for a in given if a.comment],
        )
    return result


def _extremes(views: list[RoleView]) -> tuple[RoleView, RoleView]:
    return max(views, key=lambda v: v.level), min(views, key=lambda v: v.level)


def misalignments(per_question: dict[str, QuestionConsensus], model: Model) -> list[Misalignment]:
    """Questions, and whole capabilities, on which two roles are two or more levels apart."""
    found = []
    by_capability: dict[str, dict[str, list[RoleView]]] = defaultdict(lambda: defaultdict(list))
    for item in per_question.values():
        for view in item.roles:
            by_capability[item.capability][view.role].append(view)
        if item.spread >= MISALIGNMENT_SPREAD:
            high, low = _extremes(item.roles)
            found.append(
                Misalignment(
                    scope="question",
                    subject=item.question,
                    text=model.questions[item.question].text,
                    capability=item.capability,
                    spread=item.spread,
                    highest=high,
                    lowest=low,
                )
            )
    for capability, roles in sorted(by_capability.items()):
        views = [
            RoleView(
                role=role,
                level=round(fmean(v.level for v in role_views), 2),
                answers=sum(v.answers for v in role_views),
            )
            for role, role_views in roles.items()
        ]
        if len(views) < 2:
            continue
        high, low = _extremes(views)
        spread = round(high.level - low.level, 2)
        if spread >= MISALIGNMENT_SPREAD:
            found.append(
                Misalignment(
                    scope="capability",
                    subject=capability,
                    text=model.capability_names.get(capability, capability),
                    capability=capability,
                    spread=spread,
                    highest=high,
                    lowest=low,
                )
            )
    return sorted(found, key=lambda m: (m.scope != "capability", -m.spread, m.subject))

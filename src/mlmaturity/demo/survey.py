"""The quarterly survey: how each team's people see their practice, in one answers file a team.

A team's view of a capability is a level per quarter; each person answers from it with the
bias of their role (leadership is optimistic, product does not know the technical questions,
platform people see the pain of deployments and environments), a few personal views that
make roles disagree, and, drawn from the seed, an occasional question a person sees one
level off. A person keeps such a view from one quarter to the next: answers follow the
team's practice, they do not flicker with the draw.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import yaml

from mlmaturity.demo.plan import PEOPLE, Person, Quarter
from mlmaturity.model import Model

VIEWS: dict[str, dict[str, tuple[int, int, int, int]]] = {
    "pricing": {
        "roles-ownership": (3, 3, 3, 3),
        "cross-functional-collaboration": (2, 3, 3, 3),
        "skills-enablement": (3, 3, 3, 3),
        "data-driven-decisions": (2, 3, 3, 3),
        "experiment-tracking": (3, 3, 3, 3),
        "reproducibility-lineage": (2, 3, 3, 3),
        "data-management-validation": (2, 2, 3, 3),
        "ml-testing": (3, 3, 3, 3),
        "model-validation-approval": (2, 3, 3, 3),
        "release-management": (2, 3, 3, 4),
        "monitoring-incident-response": (2, 3, 3, 3),
        "retraining": (2, 3, 3, 4),
        "governance-responsible-ai": (2, 2, 3, 3),
        "cost-management": (2, 2, 3, 3),
        "source-control-ci": (3, 3, 3, 3),
        "environment-management": (3, 3, 3, 4),
        "pipeline-orchestration": (2, 3, 3, 3),
        "feature-data-platform": (2, 2, 3, 3),
        "model-registry": (3, 3, 3, 3),
        "serving-scaling": (2, 2, 3, 3),
        "ml-observability": (1, 3, 3, 4),
        "ml-security": (2, 2, 3, 3),
    },
    "claims": {
        "roles-ownership": (1, 1, 2, 2),
        "cross-functional-collaboration": (1, 1, 2, 2),
        "skills-enablement": (1, 2, 2, 2),
        "data-driven-decisions": (1, 1, 2, 2),
        "experiment-tracking": (2, 2, 2, 2),
        "reproducibility-lineage": (1, 1, 2, 2),
        "data-management-validation": (1, 1, 1, 2),
        "ml-testing": (1, 2, 2, 2),
        "model-validation-approval": (1, 1, 2, 2),
        "release-management": (1, 1, 1, 2),
        "monitoring-incident-response": (1, 1, 2, 2),
        "retraining": (1, 1, 1, 2),
        "governance-responsible-ai": (1, 1, 2, 2),
        "cost-management": (1, 1, 1, 2),
        "source-control-ci": (1, 2, 2, 2),
        "environment-management": (1, 1, 2, 2),
        "pipeline-orchestration": (1, 1, 2, 2),
        "feature-data-platform": (1, 1, 1, 2),
        "model-registry": (2, 2, 2, 2),
        "serving-scaling": (1, 1, 1, 2),
        "ml-observability": (1, 1, 1, 2),
        "ml-security": (1, 1, 1, 2),
    },
    "marketing": {
        "roles-ownership": (1, 1, 1, 1),
        "cross-functional-collaboration": (1, 1, 1, 1),
        "skills-enablement": (0, 1, 1, 1),
        "data-driven-decisions": (0, 1, 1, 1),
        "experiment-tracking": (0, 0, 1, 1),
        "reproducibility-lineage": (0, 0, 1, 1),
        "data-management-validation": (1, 1, 1, 1),
        "ml-testing": (0, 0, 0, 1),
        "model-validation-approval": (1, 1, 1, 2),
        "release-management": (0, 0, 1, 1),
        "monitoring-incident-response": (0, 0, 0, 0),
        "retraining": (1, 1, 1, 1),
        "governance-responsible-ai": (0, 0, 1, 1),
        "cost-management": (0, 0, 1, 1),
        "source-control-ci": (1, 1, 1, 1),
        "environment-management": (0, 0, 1, 1),
        "pipeline-orchestration": (0, 0, 1, 1),
        "feature-data-platform": (1, 1, 1, 2),
        "model-registry": (0, 0, 0, 0),
        "serving-scaling": (1, 1, 1, 1),
        "ml-observability": (0, 0, 0, 1),
        "ml-security": (0, 0, 1, 1),
    },
}
PRODUCT_KNOWS = frozenset(
    (
        "roles-ownership", "cross-functional-collaboration", "skills-enablement",
        "data-driven-decisions", "model-validation-approval", "release-management",
        "retraining", "governance-responsible-ai", "cost-management", "ml-observability",
    )
)  # fmt: skip
"""What product people answer; the technical questions they leave as "don't know"."""
ROLE_BIAS: dict[str, dict[str, int]] = {
    "leadership": {"*": 1},
    "platform-ops": {"serving-scaling": -1, "environment-management": -1, "cost-management": 1},
    "data-science": {"experiment-tracking": 1, "reproducibility-lineage": 1},
}
PERSONAL: dict[tuple[str, str], int] = {
    ("priya", "cost-management"): -2,  # "I never see the bill"
    ("dana", "release-management"): 1,  # leadership believes there is a pipeline
    ("tom", "release-management"): -1,
    ("sofia", "cross-functional-collaboration"): -1,
    ("ines", "experiment-tracking"): 1,
    ("ines", "model-registry"): 1,
}
COMMENTS: dict[tuple[str, str], str] = {
    ("dana", "release-q-deploy"): "We have a deployment pipeline for this, don't we?",
    ("tom", "release-q-deploy"): "I copy the model file to the VM with scp and restart the job.",
    ("priya", "cost-q-visibility"): "I never see the bill.",
    ("mei", "cost-q-visibility"): "Every resource is tagged with team and model.",
    ("ines", "exp-q-where"): "The team uses MLflow like everyone else.",
    ("lena", "exp-q-where"): "Results are in the notebook outputs.",
    ("sofia", "collab-q-stakeholders"): "We see the model when it is done.",
    ("jonas", "retrain-q-trigger"): "The drift monitor starts the training workflow.",
    ("carlos", "test-q-when"): "CI runs them on every merge request now.",
}


def own_view(person: Person, question: str, seed: int) -> int:
    """How far ``person`` sees ``question`` from the team's view, drawn once from the seed: 0
    mostly, one level off now and then, the same in every quarter."""
    rng = random.Random(f"{seed}/survey/{person.id}/{question}")
    return rng.choice((-1, 1)) if rng.random() < 0.08 else 0


def answer_level(person: Person, capability: str, quarter: int, own: int = 0) -> int | None:
    """The level ``person`` answers for ``capability`` in quarter ``quarter`` (an index), with
    a view of their own ``own`` levels off where nothing else moves them; None for don't know."""
    if person.role == "product" and capability not in PRODUCT_KNOWS:
        return None
    level = VIEWS[person.team][capability][quarter]
    bias = ROLE_BIAS.get(person.role, {})
    shift = bias.get(capability, bias.get("*", 0)) + PERSONAL.get((person.id, capability), 0)
    level += shift or own
    return max(0, min(4, level))


def answers_document(team: str, quarter: Quarter, model: Model, seed: int) -> str:
    respondents: list[dict[str, Any]] = []
    for person in PEOPLE:
        if person.team != team or person.joins > quarter.index:
            continue
        answers: dict[str, Any] = {}
        for capability in model.spec.capabilities:
            for question in capability.questions:
                own = own_view(person, question.id, seed)
                level = answer_level(person, capability.id, quarter.index, own)
                choice = None
                if level is not None:
                    top = max(c.level for c in question.choices)
                    choice = next(c.id for c in question.choices if c.level == min(level, top))
                comment = COMMENTS.get((person.id, question.id))
                answers[question.id] = (
                    {"choice": choice, "comment": comment} if comment and choice else choice
                )
        respondents.append({"id": person.id, "team": team, "role": person.role, "answers": answers})
    header = (
        f"# Quarterly MLOps pulse survey of the {team} team, {quarter.milestone}.\n"
        "# Written by `mlmaturity demo`; the same answers `mlmaturity survey` would save.\n"
    )
    body = yaml.safe_dump(
        {"version": 1, "respondents": respondents}, sort_keys=False, allow_unicode=True
    )
    return header + body


def write_answers(
    root: Path, teams: list[str], quarter: Quarter, model: Model, seed: int
) -> list[str]:
    """Each team's answers file for the quarter; the workspace entries."""
    folder = root / "answers"
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for team in teams:
        (folder / f"{team}.yaml").write_text(answers_document(team, quarter, model, seed))
        entries.append(f"answers/{team}.yaml")
    return entries

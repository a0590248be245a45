"""Shared fixtures: the small hand-checkable model, and builders for answers and findings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from mlmaturity.evidence.finding import Finding, Outcome
from mlmaturity.model import Model, load_model
from mlmaturity.survey.answers import Answer

pytest_plugins = ["tests.engines"]
DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="session")
def mini() -> Model:
    return load_model(DATA / "models" / "mini.yaml")


def answer(
    model: Model,
    question: str,
    level: int,
    *,
    who: str = "r1",
    role: str = "data-science",
    team: str = "t",
) -> Answer:
    """An answer choosing the (first) choice of ``question`` that stands for ``level``."""
    choice = next(c for c in model.questions[question].choices if c.level == level)
    return Answer(who, team, role, question, choice.id, level, "", "test")


def finding(check: str, outcome: str, subject: str = "repo") -> Finding:
    return Finding(check=check, subject=subject, outcome=Outcome(outcome))


AnswerFactory = Callable[..., Answer]

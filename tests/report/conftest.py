"""Assessments the HTML and PDF tests render: a real workspace assessed on four dates, and
one whose every name, path, snippet and respondent is hostile."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from mlmaturity.evidence.finding import Finding, Location, Outcome
from mlmaturity.model import load_model
from mlmaturity.scoring import Assessment, score_organization, score_team
from mlmaturity.scoring.result import KpiResult, ModelRef
from mlmaturity.survey.answers import Answer
from tests.conftest import DATA, ROOT

ASSESSED_ON = ["2026-06-15", "2026-08-15", "2026-10-15", "2026-11-25"]

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
QUOTES = 'O\'Brien & "Sons" <b>bold</b>'
RTL = "فريق الاحتيال צוות \u202eevil.exe"
HOSTILE = [SCRIPT, BREAKOUT, QUOTES, RTL]
"""Strings planted everywhere a name can go; each must come out as text, never as markup."""


@pytest.fixture(scope="session")
def acme_history(tmp_path_factory: pytest.TempPathFactory) -> list[Assessment]:
    """The bundled example organization assessed at four dates, oldest first."""
    from mlmaturity.assess import assess

    workspace = tmp_path_factory.mktemp("acme") / "acme"
    shutil.copytree(
        ROOT / "examples" / "acme", workspace, ignore=shutil.ignore_patterns(".mlmaturity")
    )
    return [
        assess(workspace, now=datetime.fromisoformat(f"{day}T12:00:00+00:00"))
        for day in ASSESSED_ON
    ]


def _hostile_model(folder: Path) -> Path:
    """The mini model with hostile capability names, criterion statements and questions."""
    data = yaml.safe_load((DATA / "models" / "mini.yaml").read_text())
    data["name"] = f"Model {SCRIPT}"
    for n, capability in enumerate(data["capabilities"]):
        capability["name"] = f"{HOSTILE[n % len(HOSTILE)]} capability {n}"
        for question in capability["questions"]:
            question["text"] = f"{BREAKOUT} {question['text']}"
        for level in capability["levels"].values():
            for criterion in level["criteria"]:
                criterion["statement"] = f"{QUOTES} {criterion['statement']}"
    for barrier in data["barriers"]:
        barrier["name"] = f"{SCRIPT} {barrier['name']}"
    path = folder / "hostile-model.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


def _answer(model, team: str, question: str, level: int, who: str, role: str) -> Answer:
    choice = next(c for c in model.questions[question].choices if c.level == level)
    comment = f"{SCRIPT} says {who}"
    return Answer(who, team, role, question, choice.id, level, comment, "answers.yaml")


def _kpis(scale: float) -> list[KpiResult]:
    return [
        KpiResult(
            id="business:" + SCRIPT,
            name=f"{BREAKOUT} KPI",
            period=f"2026-{month:02d}-01",
            value=scale * month,
            unit=QUOTES,
            note=RTL,
        )
        for month in (9, 10, 11)
    ]


def hostile_assessment(folder: Path, generated_at: str, scale: float = 1.0) -> Assessment:
    model = load_model(_hostile_model(folder))
    location = Location(
        path=f"src/{SCRIPT}/{BREAKOUT}.py", line=3, snippet=f"x = '{SCRIPT}' & {RTL}"
    )
    findings = [
        Finding(
            check="chk-a",
            subject=f"repos/{SCRIPT}",
            outcome=Outcome.FAIL,
            detail=f"{BREAKOUT} failed",
            locations=[location],
            remediation=f"fix {QUOTES}",
        ),
        Finding(
            check="chk-ci",
            subject=f"repos/{RTL}",
            outcome=Outcome.PASS,
            detail=QUOTES,
            locations=[Location(path=f"{RTL}/ci.yml", snippet=BREAKOUT)],
        ),
    ]
    answers = [
        _answer(model, "t", "q-tracking", 4, SCRIPT, "data-science"),
        _answer(model, "t", "q-tracking", 1, BREAKOUT, "platform-ops"),
        _answer(model, "t", "q-ci", 4, RTL, "ml-engineering"),
        _answer(model, "t", "q-roles", 2, QUOTES, "leadership"),
        _answer(model, "u", "q-roles", 4, f"{RTL} 2", "product"),
        _answer(model, "u", "q-roles", 0, f"{SCRIPT} 2", "data-science"),
    ]
    teams = [
        score_team(model, "t", f"{SCRIPT} team", findings, answers[:4], [f"note {BREAKOUT}"]),
        score_team(model, "u", RTL, [], answers[4:]),
    ]
    teams = [t.model_copy(update={"kpis": _kpis(scale)}) for t in teams]
    organization = score_organization(model, f"{QUOTES} {SCRIPT} {RTL}", teams)
    return Assessment(
        tool_version="0",
        generated_at=generated_at,
        workspace=f"/work/{BREAKOUT}",
        model=ModelRef(id="mini", name=model.spec.name, version="1", source=SCRIPT),
        target_stage=3,
        organization=organization.model_copy(update={"kpis": _kpis(scale)}),
        teams=teams,
    )


@pytest.fixture
def hostile_history(tmp_path: Path) -> list[Assessment]:
    """Three hostile assessments, oldest first; the last is the one rendered."""
    return [
        hostile_assessment(tmp_path, f"2026-{month:02d}-20T09:00:00+00:00", scale)
        for month, scale in ((7, 0.5), (9, 0.8), (11, 1.0))
    ]

"""The demo organization: the teams come out in the order their evidence puts them in."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mlmaturity.assess import load_all_answers
from mlmaturity.demo.build import DemoResult
from mlmaturity.demo.plan import QUARTERS, TEAMS
from mlmaturity.model import load_model
from mlmaturity.workspace import load_workspace
from tests.test_cli import run

ORDER = ["pricing", "claims", "marketing"]
"""Automated, tracked by hand, notebooks only."""


def last_assessment(root: Path) -> dict:
    return json.loads((root / "reports" / "report.json").read_text())


@pytest.mark.parametrize("dimension", ["people", "process", "technology"])
def test_teams_in_expected_order_on_each_dimension(root: Path, dimension: str) -> None:
    teams = {t["id"]: t for t in last_assessment(root)["teams"]}
    scores = [
        next(d["score"] for d in teams[t]["dimensions"] if d["id"] == dimension) for t in ORDER
    ]
    assert None not in scores
    assert scores[0] > scores[1] > scores[2], dict(zip(ORDER, scores, strict=True))


def test_stages_over_the_quarters(demo: DemoResult) -> None:
    assert [q.milestone for q in demo.quarters] == [q.milestone for q in QUARTERS]
    assert [q.assessed_at for q in demo.quarters] == [q.assessed_at for q in QUARTERS]
    automated = [q.team_stages["pricing"] for q in demo.quarters]
    assert None not in automated
    assert automated == sorted(automated), automated  # rises or holds
    assert automated[-1] > automated[0]
    last = demo.quarters[-1].team_stages
    assert last["pricing"] > last["claims"] > last["marketing"], last


def test_assessed_as_of_the_last_quarter(root: Path) -> None:
    assessment = last_assessment(root)
    assert assessment["generated_at"] == QUARTERS[-1].assessed_at.isoformat()
    kpis = {(k["id"], k["period"]): k for k in assessment["teams"][0]["kpis"]}
    assert kpis[("deployment-frequency", "2026-12-01")]["value"] > 0
    assert kpis[("automated-retraining-share", "2026-12-01")]["value"] == 100.0


def test_workspace_and_answers_validate(root: Path) -> None:
    workspace = load_workspace(root)
    assert [t.id for t in workspace.spec.teams] == ORDER
    answers = load_all_answers(workspace, load_model(workspace.model_path))
    people = {(a.respondent, a.role) for a in answers}
    assert len(people) >= 8
    assert {role for _, role in people} == {
        "data-science", "ml-engineering", "platform-ops", "product", "leadership"
    }  # fmt: skip


def test_roles_disagree(root: Path) -> None:
    teams = {t["id"]: t for t in last_assessment(root)["teams"]}
    spreads = {
        (team, m["subject"]): m["spread"] for team, t in teams.items() for m in t["misalignments"]
    }
    assert spreads[("pricing", "cost-management")] >= 2  # platform sees the bill, data science not
    assert spreads[("claims", "release-q-deploy")] >= 2  # leadership believes in a pipeline


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout


@pytest.mark.parametrize("team", TEAMS, ids=lambda t: t.id)
def test_repositories_have_the_planned_commits(root: Path, team) -> None:
    repo = root / "repos" / team.repository
    log = [
        line.split("\x1f") for line in _git(repo, "log", "--format=%s\x1f%an\x1f%aI").splitlines()
    ]
    subjects = [subject for subject, _, _ in log]
    for quarter in team.steps:
        for step in quarter:
            assert step.message in subjects
    planned = sum(len(q) for q in team.steps) + sum(team.routine_commits)
    assert len(log) == planned
    assert len({author for _, author, _ in log}) >= 2
    dates = [datetime.fromisoformat(at) for _, _, at in log]
    assert min(dates) >= datetime(2026, 1, 1, tzinfo=UTC)
    assert max(dates) <= QUARTERS[-1].assessed_at
    for quarter in QUARTERS:  # work in every quarter
        assert any(quarter.start <= d.date() <= quarter.end for d in dates)
    assert _git(repo, "status", "--porcelain") == ""


def test_history_has_one_entry_per_quarter(root: Path, demo: DemoResult) -> None:
    from mlmaturity.store import HistoryStore

    assert demo.recorded
    with HistoryStore.for_workspace(load_workspace(root)) as store:
        entries = store.entries()
        earlier = store.assessments(before=QUARTERS[-1].assessed_at)
    assert [e.milestone for e in entries] == [q.milestone for q in QUARTERS]
    assert [e.generated_at for e in entries] == [q.assessed_at for q in QUARTERS]
    stages = [e.team_stages["pricing"] for e in entries]
    assert stages == [q.team_stages["pricing"] for q in demo.quarters]
    assert len({e.workspace_digest for e in entries}) == len(QUARTERS)  # the answers changed
    assert [a.generated_at for a in earlier] == [q.assessed_at.isoformat() for q in QUARTERS[:-1]]


def test_history_and_diff_commands(root: Path) -> None:
    history = run("history", str(root))
    assert history.returncode == 0, history.stderr
    for quarter in QUARTERS:
        assert quarter.milestone in history.stdout
    diff = run("diff", "2026-Q3", "2026-Q4", "--workspace", str(root), "--format", "json")
    assert diff.returncode == 0, diff.stderr
    changes = json.loads(diff.stdout)
    assert "claims" in json.dumps(changes)


def test_html_report_draws_the_quarters(root: Path) -> None:
    """The HTML report's trends come from the three earlier quarters and this one."""
    html = (root / "reports" / "report.html").read_text()
    first, last = QUARTERS[0].end, QUARTERS[-1].end
    assert f"Lines over {len(QUARTERS)} assessments from {first} to {last}" in html

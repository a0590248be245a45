"""The demo organization: the quarters before the day it is built, the teams in the order
their evidence puts them in every quarter, its history, diff and KPIs telling that story."""

from __future__ import annotations

import json
import re
import sqlite3
import statistics
import subprocess
from datetime import UTC, date, datetime, time
from itertools import pairwise
from pathlib import Path

import pytest

from mlmaturity.demo.build import DemoResult, next_commands
from mlmaturity.demo.plan import TEAMS, quarters
from mlmaturity.model import load_model
from mlmaturity.scoring import Assessment
from mlmaturity.survey.load import load_all_answers
from mlmaturity.workspace import load_workspace
from tests.demo.conftest import AS_OF, QUARTERS, quarter_names
from tests.test_cli import run

ORDER = ["pricing", "claims", "marketing"]
"""Automated, tracked by hand, notebooks only."""
DIMENSIONS = ["people", "process", "technology"]


def last_assessment(root: Path) -> dict:
    return json.loads((root / "reports" / "report.json").read_text())


def stored(root: Path) -> list[Assessment]:
    from mlmaturity.store import HistoryStore

    with HistoryStore.for_workspace(load_workspace(root)) as store:
        return store.assessments()


@pytest.mark.parametrize(
    ("as_of", "names", "last_day"),
    [
        (date(2026, 12, 2), ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"], date(2026, 9, 30)),
        (date(2026, 10, 1), ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"], date(2026, 9, 30)),
        (date(2026, 9, 30), ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"], date(2026, 6, 30)),
        (date(2024, 4, 1), ["2023-Q2", "2023-Q3", "2023-Q4", "2024-Q1"], date(2024, 3, 31)),
    ],
)
def test_the_quarters_are_the_four_completed_before_the_day(
    as_of: date, names: list[str], last_day: date
) -> None:
    plan = quarters(as_of)
    assert quarter_names(plan) == names
    assert [q.index for q in plan] == [0, 1, 2, 3]
    assert plan[-1].end == last_day and plan[-1].assessed_at.date() < as_of
    for earlier, later in pairwise(plan):
        assert (later.start - earlier.end).days == 1  # back to back
    assert plan[0].start.day == 1 and plan[0].start.month in (1, 4, 7, 10)


def test_quarters_of_the_build(demo: DemoResult) -> None:
    assert demo.as_of == AS_OF
    assert [q.milestone for q in demo.quarters] == quarter_names()
    assert [q.assessed_at for q in demo.quarters] == [q.assessed_at for q in QUARTERS]
    assert all(q.assessed_at < datetime.combine(AS_OF, time(0), UTC) for q in demo.quarters)


@pytest.mark.parametrize("dimension", DIMENSIONS)
def test_teams_in_expected_order_on_each_dimension_in_every_quarter(
    root: Path, dimension: str
) -> None:
    assessments = stored(root)
    assert len(assessments) == len(QUARTERS)
    for assessment in assessments:
        teams = {t.id: t for t in assessment.teams}
        scores = [next(d.score for d in teams[t].dimensions if d.id == dimension) for t in ORDER]
        assert None not in scores, assessment.generated_at
        assert scores[0] > scores[1] > scores[2], (assessment.generated_at, scores)
    # The report's assessment is the last quarter's.
    report = {t["id"]: t for t in last_assessment(root)["teams"]}
    last = {t.id: t for t in assessments[-1].teams}
    for team in ORDER:
        scores = {d["id"]: d["score"] for d in report[team]["dimensions"]}
        assert scores[dimension] == next(
            d.score for d in last[team].dimensions if d.id == dimension
        )


def test_stages_over_the_quarters(demo: DemoResult) -> None:
    automated = [q.team_stages["pricing"] for q in demo.quarters]
    assert None not in automated
    assert automated == sorted(automated), automated  # rises or holds
    assert automated[-1] > automated[0]
    last = demo.quarters[-1].team_stages
    assert last["pricing"] > last["claims"] > last["marketing"], last


def test_no_capability_falls_from_one_quarter_to_the_next(root: Path) -> None:
    """Every team's practice only grows in the plan, and so do its capability levels: no
    survey answer one level off makes the automated team (or any) look like it regressed."""
    assessments = stored(root)
    falls = []
    for earlier, later in pairwise(assessments):
        before = {(t.id, c.id): c.level for t in earlier.teams for c in t.capabilities}
        for team in later.teams:
            for capability in team.capabilities:
                was = before.get((team.id, capability.id))
                if was is not None and capability.level is not None and capability.level < was:
                    falls.append(
                        (later.generated_at, team.id, capability.id, was, capability.level)
                    )
    assert falls == []


def test_assessed_as_of_the_last_quarter(root: Path) -> None:
    assessment = last_assessment(root)
    assert assessment["generated_at"] == QUARTERS[-1].assessed_at.isoformat()
    kpis = {(k["id"], k["period"]): k for k in assessment["teams"][0]["kpis"]}
    last_month = date(QUARTERS[-1].end.year, QUARTERS[-1].end.month, 1).isoformat()
    assert kpis[("deployment-frequency", last_month)]["value"] > 0
    assert kpis[("automated-retraining-share", last_month)]["value"] == 100.0


def _kpi(assessments: list[Assessment], team: str, kpi: str) -> list[list[float | None]]:
    """Per quarter, the KPI's monthly values for the team."""
    return [
        [k.value for t in a.teams if t.id == team for k in t.kpis if k.id == kpi]
        for a in assessments
    ]


def test_kpis_show_the_progress_and_every_na_says_why(root: Path) -> None:
    assessments = stored(root)
    unexplained = [
        (a.generated_at, t.id, k.id, k.period)
        for a in assessments
        for t in a.teams
        for k in t.kpis
        if k.value is None and not k.note
    ]
    assert unexplained == []
    # Motor pricing trains by hand in the first quarter, on the Monday schedule from the
    # second (its last month all automatic), and from then on every version in production.
    retrained = _kpi(assessments, "pricing", "automated-retraining-share")
    assert [v for v in retrained[0] if v is not None] and all(
        v in (None, 0.0) for v in retrained[0]
    ), retrained
    assert retrained[1][-1] == 100.0 and retrained[2] == retrained[3] == [100.0] * 3, retrained
    assert all(
        v == 0.0 for q in _kpi(assessments, "claims", "automated-retraining-share")[1:] for v in q
    )
    # Time to detect drift: no monitor in the first quarter; then weeks (found by the first
    # reports, over the weeks before too), days (daily validation), hours (retraining on drift).
    drift = _kpi(assessments, "pricing", "time-to-detect-drift")
    assert drift[0] == [None, None, None]
    medians = [statistics.median(v for v in q if v is not None) for q in drift[1:]]
    assert medians[0] > 7 * 24 and 24 <= medians[1] <= 5 * 24 and medians[2] < 24, drift
    first = next(t for t in assessments[0].teams if t.id == "pricing")
    assert {k.note for k in first.kpis if k.id == "time-to-detect-drift"} == {
        "not measurable: needs drift"
    }


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
    assert min(dates).date() >= QUARTERS[0].start
    assert max(dates) <= QUARTERS[-1].assessed_at
    for quarter in QUARTERS:  # work in every quarter
        assert any(quarter.start <= d.date() <= quarter.end for d in dates)
    assert _git(repo, "status", "--porcelain") == ""


def test_history_has_one_entry_per_quarter(root: Path, demo: DemoResult) -> None:
    from mlmaturity.store import HistoryStore

    with HistoryStore.for_workspace(load_workspace(root)) as store:
        entries = store.entries()
        today = store.assessments(before=datetime.combine(AS_OF, time(9), UTC))
    assert entries == demo.entries
    assert [e.milestone for e in entries] == quarter_names()
    assert [e.generated_at for e in entries] == [q.assessed_at for q in QUARTERS]
    stages = [e.team_stages["pricing"] for e in entries]
    assert stages == [q.team_stages["pricing"] for q in demo.quarters]
    assert len({e.workspace_digest for e in entries}) == len(QUARTERS)  # the answers changed
    # A report made on the day of the build draws its trends from all four quarters.
    assert [a.generated_at for a in today] == [q.assessed_at.isoformat() for q in QUARTERS]


def test_history_and_diff_commands(root: Path) -> None:
    history = run("history", str(root))
    assert history.returncode == 0, history.stderr
    for quarter in QUARTERS:
        assert quarter.milestone in history.stdout
    before, after = QUARTERS[-2].milestone, QUARTERS[-1].milestone
    diff = run("diff", before, after, "--workspace", str(root), "--format", "json")
    assert diff.returncode == 0, diff.stderr
    changes = json.loads(diff.stdout)
    stages = {s["team"]: (s["before"], s["after"]) for s in changes["stages"]}
    # The last quarter: claims and customer analytics each go up a stage (infrastructure as
    # code and an HTTP endpoint; a first test and module), and with them the organization.
    assert stages == {None: (1, 2), "pricing": (3, 3), "claims": (1, 2), "marketing": (0, 1)}
    flipped = {
        (c["team"], c["criterion"]): c
        for c in changes["criteria"]
        if c["before"]
        and c["after"]
        and (c["before"]["status"], c["after"]["status"]) == ("unmet", "met")
    }
    infrastructure = flipped[("claims", "env-2-infra-scripted")]["after"]["findings"]
    assert [(f["check"], f["outcome"]) for f in infrastructure] == [("iac-present", "pass")]
    assert [loc["path"] for loc in infrastructure[0]["locations"]] == ["infra/scoring-vm.tf"]


def test_next_commands_record_today_after_the_quarters(demo: DemoResult) -> None:
    commands = next_commands(Path("mlmaturity-demo"), demo.plan)
    assert "mlmaturity diff 2026-Q2 2026-Q3 --workspace mlmaturity-demo" in commands
    report = "mlmaturity report 2026-Q2 -w mlmaturity-demo -o mlmaturity-demo/reports/2026-Q2.html"
    assert report in commands
    assess = next(c for c in commands if c.startswith("mlmaturity assess"))
    assert "--no-history" not in assess
    assert commands[-1].endswith("--since 2025-10-01 --until 2026-09-30 --period quarter")


def test_html_report_draws_the_quarters(root: Path) -> None:
    """The HTML report's trends come from the three earlier quarters and this one."""
    html = (root / "reports" / "report.html").read_text()
    first, last = QUARTERS[0].milestone, QUARTERS[-1].milestone
    assert f"Lines over {len(QUARTERS)} assessments from {first} to {last}" in html


def test_the_since_box_says_why_severities_rise_as_teams_move_up(root: Path) -> None:
    """In the last quarter Claims triage and Customer analytics move up a stage, so the
    barriers are measured against a higher next stage for them: the report says so, and
    says nothing of the kind where no team moved."""
    from mlmaturity.diff import diff_assessments
    from mlmaturity.report.summary import since

    html = (root / "reports" / "report.html").read_text()
    assert f"Since {QUARTERS[-2].milestone}" in html
    assert "Claims triage and Customer analytics now have a higher next stage" in html
    first, second = stored(root)[:2]
    labels = {t.id: t.name for t in second.teams}
    assert [t.stage for t in first.teams] == [t.stage for t in second.teams]
    assert since(diff_assessments(first, second), "Q", labels).barrier_note == ""


def test_teams_tied_at_a_capability_s_lowest_level_are_all_named(root: Path) -> None:
    """Model validation: Claims triage and Customer analytics both at 2, Motor pricing at 3."""
    markdown = (root / "reports" / "report.md").read_text()
    row = next(line for line in markdown.splitlines() if line.startswith("| Model validation"))
    assert row.endswith("| 2–3 (median 2) | Claims triage, Customer analytics |"), row


DOC = Path(__file__).parents[2] / "docs" / "demo.md"


def _doc_row(source: str) -> list[str]:
    """The cells of a row of docs/demo.md's evidence table, one a team (in ORDER)."""
    for line in DOC.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0].startswith(source):
            return cells[1:]
    raise AssertionError(f"no row {source!r} in {DOC}")


def _count(text: str, what: str) -> int:
    found = re.search(rf"(\d+) {what}", text)
    assert found is not None, (what, text)
    return int(found.group(1))


def test_the_docs_evidence_table_counts_what_the_demo_built(root: Path) -> None:
    """docs/demo.md's commits, MLflow runs and versions are the demo's (built as of AS_OF)."""
    repositories = {t.id: t.repository for t in TEAMS}
    commits, tracking = _doc_row("git history"), _doc_row("MLflow")
    for team, said_commits, said_tracking in zip(ORDER, commits, tracking, strict=True):
        counted = _git(root / "repos" / repositories[team], "rev-list", "--count", "HEAD")
        assert _count(said_commits, "commits") == int(counted), team
        with sqlite3.connect(root / "mlflow" / f"{team}.db") as store:
            runs = store.execute("select count(*) from runs").fetchone()[0]
            versions = store.execute("select count(*) from model_versions").fetchone()[0]
        assert _count(said_tracking, "runs") == runs, team
        if versions:
            assert _count(said_tracking, "versions") == versions, team
        else:
            assert "no registry" in said_tracking, team


def test_the_claims_lead_disagrees_with_her_team_not_with_the_evidence(root: Path) -> None:
    """Her deployment pipeline shows where roles disagree; the survey's consensus does not
    claim it, so "Survey and evidence disagree" holds other criteria (as docs/demo.md says)."""
    claims = next(t for t in last_assessment(root)["teams"] if t["id"] == "claims")
    assert any(m["subject"] == "release-q-deploy" for m in claims["misalignments"])
    conflicts = {c["criterion"] for c in claims["conflicts"]}
    assert not any(c["capability"] == "release-management" for c in claims["conflicts"])
    assert {"exp-3-automated-runs", "exp-3-datasets-logged", "reg-3-aliases"} <= conflicts
    text = " ".join(DOC.read_text().split())
    assert 'so it is not under "Survey and evidence disagree"' in text


def test_the_printed_report_command_writes_the_earlier_quarter(copy: Path) -> None:
    command = next(c for c in next_commands(copy, QUARTERS) if c.startswith("mlmaturity report"))
    result = run(*command.split()[1:])
    assert result.returncode == 0, result.stderr
    html = (copy / "reports" / f"{QUARTERS[-2].milestone}.html").read_text()
    assert f"({QUARTERS[-2].milestone})" in html and f"Since {QUARTERS[-3].milestone}" in html


def test_the_commands_are_printed_as_the_user_can_run_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlmaturity.demo.build import program_name

    venv = tmp_path / ".venv" / "bin"
    venv.mkdir(parents=True)
    script = venv / "mlmaturity"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path / "elsewhere"))
    assert program_name(str(script)) == str(script)  # not on the PATH: its path
    monkeypatch.setenv("PATH", str(venv))
    assert program_name(str(script)) == "mlmaturity"  # the PATH finds this very one
    other = tmp_path / "other"
    other.mkdir()
    (other / "mlmaturity").write_text("#!/bin/sh\n")
    (other / "mlmaturity").chmod(0o755)
    monkeypatch.setenv("PATH", str(other))
    assert program_name(str(script)) == str(script)  # the PATH's is another install
    assert program_name("/x/mlmaturity/__main__.py") == "mlmaturity"
    commands = next_commands(Path("d"), QUARTERS, ".venv/bin/mlmaturity")
    assert all(c.startswith(".venv/bin/mlmaturity ") for c in commands)

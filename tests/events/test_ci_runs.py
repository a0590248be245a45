"""CI run exports (`gh run list --json`, GitLab pipelines) through the real importer, store and KPIs."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from mlmaturity.collect import collect_workspace
from mlmaturity.errors import InputError
from mlmaturity.events.ci_runs import read_ci_runs
from mlmaturity.events.store import EventStore
from mlmaturity.kpi.compute import compute_kpis

GH_URL = "https://github.com/acme/fraud/actions/runs/"
GITHUB = [
    {
        "databaseId": 101,
        "workflowName": "ci",
        "status": "completed",
        "conclusion": "success",
        "event": "push",
        "headBranch": "main",
        "headSha": "a" * 40,
        "createdAt": "2026-03-02T10:00:00Z",
        "startedAt": "2026-03-02T10:00:05Z",
        "updatedAt": "2026-03-02T10:08:00Z",
        "url": GH_URL + "101",
    },
    {
        "databaseId": 102,
        "workflowName": "ci",
        "status": "completed",
        "conclusion": "timed_out",
        "event": "pull_request",
        "headBranch": "feature/x",
        "headSha": "b" * 40,
        "createdAt": "2026-03-03T10:00:00Z",
        "updatedAt": "2026-03-03T11:00:00Z",
        "url": GH_URL + "102",
    },
    {
        "databaseId": 103,
        "workflowName": "Nightly retrain",
        "status": "completed",
        "conclusion": "success",
        "event": "schedule",
        "headBranch": "main",
        "headSha": "c" * 40,
        "createdAt": "2026-03-04T03:00:00Z",
        "updatedAt": "2026-03-04T04:00:00Z",
    },
    {
        "databaseId": 104,
        "workflowName": "Nightly retrain",
        "status": "completed",
        "conclusion": "cancelled",
        "event": "workflow_dispatch",
        "headBranch": "main",
        "headSha": "d" * 40,
        "createdAt": "2026-03-05T09:00:00Z",
        "updatedAt": "2026-03-05T09:01:00Z",
    },
    {
        "databaseId": 105,
        "workflowName": "ci",
        "status": "in_progress",
        "conclusion": "",
        "event": "push",
        "headBranch": "main",
        "headSha": "e" * 40,
        "createdAt": "2026-03-06T12:00:00Z",
        "startedAt": "0001-01-01T00:00:00Z",
        "updatedAt": "2026-03-06T12:00:01Z",
    },
]
GL_URL = "https://gitlab.example.com/acme/ml/recsys/-/pipelines/"
GITLAB = [
    {
        "id": 7001,
        "iid": 1,
        "project_id": 3,
        "status": "success",
        "source": "push",
        "ref": "main",
        "sha": "f" * 40,
        "created_at": "2026-03-10T08:00:00.000Z",
        "updated_at": "2026-03-10T08:30:00.000Z",
        "started_at": "2026-03-10T08:00:10.000Z",
        "finished_at": "2026-03-10T08:30:00.000Z",
        "web_url": GL_URL + "7001",
    },
    {
        "id": 7002,
        "status": "failed",
        "source": "schedule",
        "ref": "main",
        "sha": "0" * 40,
        "name": "train recommender",
        "created_at": "2026-03-11T02:00:00Z",
        "finished_at": "2026-03-11T03:00:00Z",
        "web_url": GL_URL + "7002",
    },
    {
        "id": 7003,
        "status": "running",
        "source": "web",
        "ref": "main",
        "sha": "1" * 40,
        "name": "train recommender",
        "created_at": "2026-03-12T02:00:00Z",
        "web_url": GL_URL + "7003",
    },
]


def _workspace(tmp_path: Path, files: dict[str, object]) -> Path:
    for name, content in files.items():
        text = content if isinstance(content, str) else json.dumps(content, indent=2)
        (tmp_path / name).write_text(text)
    listed = ", ".join(files)
    (tmp_path / "mlmaturity.yaml").write_text(
        f"version: 1\norganization: O\nteams:\n  - id: t\n    sources:\n      ci_runs: [{listed}]\n"
    )
    return tmp_path


def test_gh_run_list_is_normalized(tmp_path: Path):
    (tmp_path / "runs.json").write_text(json.dumps(GITHUB))
    rows = {r.run_id: r for r in read_ci_runs(tmp_path / "runs.json")}
    push, timed_out, scheduled, dispatched, running = (rows[str(i)] for i in range(101, 106))
    assert (push.repository, push.workflow, push.trigger, push.conclusion) == (
        "acme/fraud",
        "ci",
        "push",
        "success",
    )
    assert push.started_at == datetime(2026, 3, 2, 10, 0, 5, tzinfo=UTC)
    assert push.ended_at == datetime(2026, 3, 2, 10, 8, tzinfo=UTC)
    # No startedAt: the run started when it was created. timed_out is a failure.
    assert timed_out.started_at == datetime(2026, 3, 3, 10, tzinfo=UTC)
    assert (timed_out.trigger, timed_out.conclusion) == ("pull_request", "failure")
    assert (scheduled.trigger, scheduled.repository) == ("schedule", "")  # no url, no repository
    assert (dispatched.trigger, dispatched.event, dispatched.conclusion) == (
        "manual",
        "workflow_dispatch",
        "cancelled",
    )
    # gh's zero time means "not started"; a run in progress has no conclusion and no end.
    assert running.started_at == datetime(2026, 3, 6, 12, tzinfo=UTC)
    assert (running.conclusion, running.ended_at, running.status) == (None, None, "in_progress")


def test_gitlab_pipelines_are_normalized(tmp_path: Path):
    (tmp_path / "pipelines.json").write_text(json.dumps(GITLAB))
    rows = {r.run_id: r for r in read_ci_runs(tmp_path / "pipelines.json")}
    pushed, scheduled, running = rows["7001"], rows["7002"], rows["7003"]
    assert (pushed.repository, pushed.workflow, pushed.branch, pushed.commit) == (
        "acme/ml/recsys",
        "",
        "main",
        "f" * 40,
    )
    assert pushed.started_at == datetime(2026, 3, 10, 8, 0, 10, tzinfo=UTC)
    assert (scheduled.trigger, scheduled.conclusion, scheduled.workflow) == (
        "schedule",
        "failure",
        "train recommender",
    )
    assert scheduled.started_at == datetime(2026, 3, 11, 2, tzinfo=UTC)  # created_at
    assert (running.trigger, running.conclusion, running.ended_at) == ("manual", None, None)


@pytest.mark.engines
def test_collected_runs_are_stored_once_and_decide_checks_and_kpi(tmp_path: Path):
    workspace = _workspace(tmp_path, {"gh.json": GITHUB, "gitlab.json": GITLAB})
    assert collect_workspace(workspace).rows == {"ci_runs": 8}
    assert collect_workspace(workspace).rows == {"ci_runs": 8}  # idempotent
    stored = EventStore.for_workspace(workspace).read("ci_runs")
    assert stored is not None
    assert sorted(stored.column("run_id").to_pylist()) == [
        "101", "102", "103", "104", "105", "7001", "7002", "7003"
    ]  # fmt: skip
    # March: finished runs that succeeded or failed: 101 ok, 102 failed, 103 ok, 7001 ok,
    # 7002 failed (104 was cancelled, 105 and 7003 still run): 3 of 5 = 60 %.
    values = compute_kpis(
        EventStore.for_workspace(workspace), ["t"], date(2026, 3, 1), date(2026, 3, 31)
    )
    rate = next(v for v in values if v.kpi == "ci-success-rate" and v.team == "t")
    assert rate.value == pytest.approx(60.0) and rate.unit == "%"

    from mlmaturity.assess import assess

    [team] = assess(workspace).teams
    outcomes = {f.check: (f.outcome, f.detail) for f in team.findings}
    assert outcomes["ci-ran-on-changes"] == (
        "pass",
        "4 of 8 CI runs were started by a push or pull request",
    )
    # Training runs: 103 (schedule, success), 104 (manual), 7002 (schedule, failed, the
    # latest finished scheduled one), 7003 (manual).
    assert outcomes["scheduled-training-succeeds"] == (
        "fail",
        "1 of 2 finished scheduled training runs succeeded; the latest (run 7002 of train "
        "recommender, 2026-03-11) ended in failure",
    )
    assert outcomes["training-runs-automated"] == (
        "fail",
        "2 of 4 training runs started without a person",
    )


def test_without_training_workflows_the_training_checks_do_not_apply(tmp_path: Path):
    from mlmaturity.assess import assess

    workspace = _workspace(tmp_path, {"gh.json": GITHUB[:2]})
    [team] = assess(workspace).teams
    outcomes = {f.check: f.outcome for f in team.findings}
    assert outcomes["scheduled-training-succeeds"] == "not_applicable"
    assert outcomes["training-runs-automated"] == "not_applicable"


def test_an_empty_export_has_no_runs(tmp_path: Path):
    (tmp_path / "runs.json").write_text("[]\n")
    assert read_ci_runs(tmp_path / "runs.json") == []


def _gh(**changes: object) -> list[dict[str, object]]:
    return [GITHUB[0], {**GITHUB[1], **changes}]


@pytest.mark.parametrize(
    ("content", "message", "line", "key"),
    [
        ("[{", "not valid JSON", 1, ""),
        ('{"databaseId": 1}', "expected a JSON array of CI runs", None, ""),
        ("[1, 2]", "expected a JSON object (one CI run)", 1, "item 0"),
        ('[{"id": 1, "when": "now"}]', "neither a GitHub Actions run nor a GitLab pipeline", 1, "item 0"),
        (json.dumps(_gh(databaseId=None), indent=2), "valid integer", 15, "item 1.databaseId"),
        (json.dumps(_gh(status=3), indent=2), "Input should be", 15, "item 1.status"),
        (json.dumps(_gh(conclusion="exploded"), indent=2), "Input should be", 15, "item 1.conclusion"),
        (json.dumps(_gh(createdAt="yesterday"), indent=2), "datetime", 15, "item 1.createdAt"),
        (json.dumps(_gh(databaseId=10**30), indent=2), "less than or equal", 15, "item 1.databaseId"),
        (json.dumps([GITHUB[0], {k: v for k, v in GITHUB[1].items() if k != "createdAt"}], indent=2),
         "Field required", 15, "item 1.createdAt"),
        ("[" + "9" * 5000 + "]", "not valid JSON", None, ""),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply", None, ""),
        ("", "the file is empty", None, ""),
    ],
)  # fmt: skip
def test_bad_exports_name_file_item_and_line(
    tmp_path: Path, content: str, message: str, line: int | None, key: str
):
    (tmp_path / "runs.json").write_text(content)
    with pytest.raises(InputError) as caught:
        read_ci_runs(tmp_path / "runs.json")
    problem = caught.value.problems[0]
    assert message in problem.message, problem
    assert problem.file.endswith("runs.json")
    assert (problem.line, problem.key) == (line, key)


def test_gitlab_items_are_validated_as_gitlab(tmp_path: Path):
    bad = [GITLAB[0], {**GITLAB[1], "status": "done", "finished_at": "31/03/2026"}]
    (tmp_path / "pipelines.json").write_text(json.dumps(bad))
    with pytest.raises(InputError) as caught:
        read_ci_runs(tmp_path / "pipelines.json")
    assert {p.key for p in caught.value.problems} == {"item 1.status", "item 1.finished_at"}


def test_a_bad_export_fails_the_cli_with_exit_2(tmp_path: Path):
    from tests.test_cli import run

    workspace = _workspace(tmp_path, {"gh.json": _gh(createdAt="soon")})
    result = run("collect", workspace)
    assert result.returncode == 2, result.stderr
    assert "gh.json" in result.stderr and "item 1.createdAt" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (workspace / ".mlmaturity").exists()

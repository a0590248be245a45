"""DevLake webhook deployment JSON as a `deployments` source, beside CSV files."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mlmaturity.collect import collect_workspace
from mlmaturity.errors import InputError
from mlmaturity.events.devlake import read_devlake
from mlmaturity.events.store import EventStore

SHA = "0123abcd" * 5


def deployment(**changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "id": "argo-1",
        "name": "fraud-graph",
        "displayTitle": "fraud-graph r1 to production",
        "result": "SUCCESS",
        "environment": "PRODUCTION",
        "createdDate": "2026-03-02T09:59:00Z",
        "startedDate": "2026-03-02T10:00:00Z",
        "finishedDate": "2026-03-02T11:07:00+01:00",
        "deploymentCommits": [
            {
                "repoUrl": "https://github.com/acme/fraud-graph",
                "refName": "main",
                "commitSha": SHA,
                "commitMsg": "Retrain",
                "startedDate": "2026-03-02T10:00:00Z",
                "finishedDate": "2026-03-02T10:07:00Z",
            },
            {"repoUrl": "https://github.com/acme/features", "commitSha": "def456"},
        ],
    }
    return {**body, **changes}


def test_a_single_webhook_body_is_one_deployment(tmp_path: Path):
    (tmp_path / "deploy.json").write_text(json.dumps(deployment()))
    [row] = read_devlake(tmp_path / "deploy.json")
    assert (row.model, row.environment, row.kind, row.automated, row.commit) == (
        "fraud-graph",
        "production",
        "deploy",
        True,
        SHA,  # the first commit
    )
    assert row.at == datetime(2026, 3, 2, 10, 7, tzinfo=UTC)  # finishedDate, in UTC


def test_an_array_maps_names_environments_and_skips_failures(tmp_path: Path):
    bodies = [
        deployment(),
        deployment(id="argo-2", environment="staging", name=""),
        deployment(id="argo-3", result="FAILURE"),
        {k: v for k, v in deployment(id="argo-4").items() if k not in ("name", "result")},
    ]
    (tmp_path / "deploy.json").write_text(json.dumps(bodies))
    rows = read_devlake(tmp_path / "deploy.json")
    # No name: the model is the first commit's repository. A failed deployment is not a row.
    assert [(r.model, r.environment) for r in rows] == [
        ("fraud-graph", "production"),
        ("fraud-graph", "staging"),
        ("fraud-graph", "production"),
    ]


def test_devlake_json_and_csv_files_make_one_deployments_table(tmp_path: Path):
    later = deployment(id="b", name="", finishedDate="2026-03-09T10:00:00Z")
    (tmp_path / "deploy.json").write_text(json.dumps([deployment(), later, deployment(id="c")]))
    (tmp_path / "deploy.csv").write_text(
        "model,version,environment,at,kind,automated,commit\n"
        "churn,1,production,2026-03-05T00:00:00Z,deploy,false,\n"
    )
    (tmp_path / "mlmaturity.yaml").write_text(
        "version: 1\norganization: O\nteams:\n  - id: t\n    sources:\n"
        "      deployments: [deploy.csv, deploy.json]\n"
    )
    # Deployments "argo-1" and "c" are one fact (same model, environment and time): stored once.
    assert collect_workspace(tmp_path).rows == {"deployments": 3}
    stored = EventStore.for_workspace(tmp_path).read("deployments")
    assert stored is not None
    assert sorted(stored.column("source").to_pylist()) == [
        "deploy.csv",
        "deploy.json",
        "deploy.json",
    ]
    assert stored.column("commit").to_pylist().count(SHA) == 2

    from mlmaturity.assess import assess

    [team] = assess(tmp_path).teams
    outcomes = {f.check: f.detail for f in team.findings}
    assert outcomes["deployments-automated"] == "3 of 4 production deployments automated"


@pytest.mark.parametrize(
    ("content", "message", "line", "key"),
    [
        ("{'id': 1}", "not valid JSON", 1, ""),
        ("[1]", "expected DevLake webhook deployments", 1, "item 0"),
        (json.dumps(deployment(deploymentCommits=[])), "at least 1 item", 1, "deploymentCommits"),
        (json.dumps(deployment(result="MAYBE")), "'SUCCESS' or 'FAILURE'", 1, "result"),
        (json.dumps(deployment(environment="moon")), "Input should be", 1, "environment"),
        (json.dumps(deployment(id=7)), "valid string", 1, "id"),
        (json.dumps(deployment(finishedDate="31/03/2026")), "datetime", 1, "finishedDate"),
        (json.dumps(deployment(finishedDate=10**30)), "datetime|not a time", 1, "finishedDate"),
        (json.dumps(deployment(finishedDate="2026-03-01T00:00:00Z")), "finishedDate is before", 1, ""),
        (json.dumps([deployment(), deployment(deploymentCommits=[{"repoUrl": "r"}])], indent=1),
         "Field required", 26, "item 1.deploymentCommits[0].commitSha"),
    ],
)  # fmt: skip
def test_bad_bodies_name_file_item_and_field(
    tmp_path: Path, content: str, message: str, line: int | None, key: str
):
    (tmp_path / "deploy.json").write_text(content)
    with pytest.raises(InputError) as caught:
        read_devlake(tmp_path / "deploy.json")
    problem = caught.value.problems[0]
    assert re.search(message, problem.message), problem
    assert problem.file.endswith("deploy.json")
    assert (problem.line, problem.key) == (line, key)

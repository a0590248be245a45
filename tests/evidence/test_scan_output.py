"""`mlmaturity scan`: table, JSON and SARIF that validates against the official schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import DATA
from tests.evidence.conftest import make_git_repo
from tests.test_cli import run

SARIF_SCHEMA = json.loads((DATA / "schemas" / "sarif-schema-2.1.0.json").read_text())
ML_REPO = {
    "README.md": "# churn\n",
    "train.py": "import pickle\nimport sklearn\nmodel = pickle.load(open('m.pkl', 'rb'))\n",
    "models/m.pkl": b"\x80\x04\x95\x10\x00",
    "config.py": "TOKEN = 'ghp_" + "a" * 36 + "'\n",
    ".mlmaturity.yaml": (
        "version: 1\nannotations:\n  - check: no-pickle-artifacts\n    status: accepted\n"
        "    reason: a synthetic fixture, never loaded\n"
    ),
}


def test_scan_sarif_validates_and_carries_locations_and_suppressions(tmp_path: Path):
    repo = make_git_repo(tmp_path / "churn", ML_REPO)
    out = tmp_path / "scan.sarif"
    result = run("scan", repo, "--format", "sarif", "--output", out)
    assert result.returncode == 0, result.stderr
    log = json.loads(out.read_text())
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    results = {r["ruleId"]: r for r in log["runs"][0]["results"]}
    rules = [rule["id"] for rule in log["runs"][0]["tool"]["driver"]["rules"]]
    assert len(rules) >= 40
    unsafe = results["safe-model-loading"]
    assert unsafe["level"] == "error"
    region = unsafe["locations"][0]["physicalLocation"]
    assert (
        region["artifactLocation"]["uri"].endswith("train.py")
        and region["region"]["startLine"] == 3
    )
    secret = results["no-committed-secrets"]
    assert "ghp_" + "a" * 36 not in json.dumps(secret)  # never echo the secret itself
    pickles = results["no-pickle-artifacts"]
    assert pickles["suppressions"][0]["justification"].startswith("accepted: a synthetic fixture")
    no_ci = results["ci-present"]  # a repository-wide finding still points at a file
    assert no_ci["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith(
        "README.md"
    )


def test_scan_json_and_text(tmp_path: Path):
    repo = make_git_repo(tmp_path / "churn", ML_REPO)
    document = json.loads(run("scan", repo, "-f", "json").stdout)
    [repository] = document["repositories"]
    by_check = {f["check"]: f for f in repository["findings"]}
    assert by_check["no-pickle-artifacts"]["outcome"] == "not_applicable"
    assert by_check["no-pickle-artifacts"]["original_outcome"] == "fail"
    assert by_check["safe-model-loading"]["outcome"] == "fail"
    table = run("scan", repo).stdout
    assert "safe-model-loading" in table and "train.py:3" in table
    assert "accepted: a synthetic fixture" in table


def test_scan_bad_input(tmp_path: Path):
    result = run("scan", tmp_path / "missing")
    assert result.returncode == 2 and "not a folder" in result.stderr
    broken = make_git_repo(
        tmp_path / "broken", {".mlmaturity.yaml": "version: 1\nannotations: [{check: x}]\n"}
    )
    scanned = run("scan", broken)
    assert scanned.returncode == 0
    assert ".mlmaturity.yaml" in scanned.stdout and "annotations ignored" in scanned.stdout


def test_assess_decides_criteria_from_evidence_and_shows_conflicts():
    from mlmaturity.assess import assess

    result = assess(DATA.parent.parent / "examples" / "acme")
    fraud = next(t for t in result.teams if t.id == "fraud")
    by_evidence = [
        c for cap in fraud.capabilities for c in cap.criteria if c.decided_by == "evidence"
    ]
    assert {c.capability for c in by_evidence} & {"source-control-ci", "environment-management"}
    assert {c.capability for c in by_evidence} & {
        "experiment-tracking",
        "data-management-validation",
    }
    kinds = {c.kind for c in fraud.conflicts}
    assert kinds == {"claimed-not-evidenced", "evidenced-not-claimed"}
    assert fraud.confidence is not None and fraud.confidence > 0
    assert any(f.check == "ci-present" and f.outcome == "pass" for f in fraud.findings)


def test_a_workspace_annotates_a_teams_findings(tmp_path: Path):
    from mlmaturity.assess import assess

    make_git_repo(tmp_path / "churn", ML_REPO)
    (tmp_path / "mlmaturity.yaml").write_text(
        "version: 1\norganization: O\nteams:\n  - id: t\n    sources:\n      repos: [churn]\n"
        "    annotations:\n      - check: safe-model-loading\n        status: not_applicable\n"
        "        reason: the pickle is our own, built in CI\n        subject: churn\n"
        "      - check: ci-present\n        status: accepted\n        reason: elsewhere\n"
        "        subject: other-repo\n"
    )
    [team] = assess(tmp_path).teams
    by_check = {f.check: f for f in team.findings}
    assert by_check["safe-model-loading"].outcome == "not_applicable"
    assert by_check["safe-model-loading"].original_outcome == "fail"
    assert (
        by_check["safe-model-loading"].annotation
        == "not applicable: the pickle is our own, built in CI"
    )
    assert by_check["ci-present"].annotation is None  # that annotation names another repository


def test_secrets_are_found_anywhere_and_never_shown(tmp_path: Path):
    from mlmaturity.evidence.repo.collector import assess_repository

    github = "ghp_" + "b" * 36
    aws = "AKIA" + "ABCDEFGHIJKLMNOP"
    files = {
        "settings.py": "TASK = 'task-runner'\nDISK = 'disk-usage'\nKEY = 'sk-" + "c" * 48 + "'\n",
        "both.py": f"GH = '{github}'; AWS = '{aws}'\n",
        "long.py": "x = 1  " + " " * 500 + f"# {aws}\n",
        GHA_PATH: f"on: push\njobs:\n  t:\n    steps:\n      - run: pytest --token {github}\n",
    }
    result = assess_repository(make_git_repo(tmp_path / "r", files), "r")
    secrets = next(f for f in result.findings if f.check == "no-committed-secrets")
    where = {(loc.path, loc.line) for loc in secrets.locations}
    assert {("settings.py", 3), ("both.py", 1), ("long.py", 1)} <= where
    everything = json.dumps([f.model_dump(mode="json") for f in result.findings])
    assert github not in everything and aws not in everything and "c" * 48 not in everything


GHA_PATH = ".github/workflows/ci.yml"


def test_sarif_paths_are_relative_to_the_repository(tmp_path: Path):
    repo = make_git_repo(tmp_path / "my repo", {**ML_REPO, "models/b.pkl": b"\x80\x04\x95"})
    log = json.loads(run("scan", repo, "-f", "sarif").stdout)
    [sarif_run] = log["runs"]
    assert sarif_run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"
    pickles = [r for r in sarif_run["results"] if r["ruleId"] == "no-pickle-artifacts"]
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in pickles] == [
        {"uri": "models/b.pkl", "uriBaseId": "%SRCROOT%"},
        {"uri": "models/m.pkl", "uriBaseId": "%SRCROOT%"},
    ]
    rule = next(
        r for r in sarif_run["tool"]["driver"]["rules"] if r["id"] == "no-committed-secrets"
    )
    assert (
        rule["properties"]["security-severity"] == "9.5"
        and "security" in rule["properties"]["tags"]
    )
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)


def test_loading_only_the_repository_checks_finds_them_all() -> None:
    """The event package is skipped when only repository checks are asked for: it must hold
    none, or a scan would silently miss them."""
    import subprocess
    import sys

    script = (
        "from mlmaturity.evidence.registry import registered_checks as r\n"
        "import sys\n"
        "only = sorted(r('repos'))\n"
        "loaded = 'mlmaturity.events.importers' in sys.modules\n"
        "every = sorted(k for k, v in r().items() if v.source == 'repos')\n"
        "print(only == every, loaded)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "False"]


def test_every_teams_repositories_are_scanned_together_and_bad_ones_all_named(tmp_path: Path):
    from mlmaturity.assess import assess
    from mlmaturity.errors import InputError

    make_git_repo(tmp_path / "tracked", {"train.py": "import mlflow\n"})
    make_git_repo(tmp_path / "plain", {"train.py": "import sklearn\n"})
    workspace = tmp_path / "mlmaturity.yaml"
    teams = "".join(
        f"  - id: {team}\n    sources:\n      repos: [{repo}]\n"
        for team, repo in (("a", "tracked"), ("b", "plain"), ("c", "tracked"))
    )
    workspace.write_text(f"version: 1\norganization: O\nteams:\n{teams}")
    result = {
        team.id: next(f.outcome for f in team.findings if f.check == "experiment-tracking-used")
        for team in assess(tmp_path).teams
    }
    assert result == {"a": "pass", "b": "fail", "c": "pass"}

    workspace.write_text(
        "version: 1\norganization: O\nteams:\n"
        "  - id: a\n    sources:\n      repos: [gone-a]\n"
        "  - id: b\n    sources:\n      repos: [gone-b]\n"
    )
    with pytest.raises(InputError) as raised:
        assess(tmp_path)
    messages = " ".join(str(p) for p in raised.value.problems)
    assert "gone-a" in messages and "gone-b" in messages

"""The installed ``mlmaturity`` command, run in a subprocess as a user would run it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import DATA, ROOT

EXE = shutil.which("mlmaturity", path=str(Path(sys.executable).parent))
WORKSPACE = DATA / "workspace"


def run(
    *args: str | Path, stdin: str = "", cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    assert EXE is not None, "the mlmaturity entry point is not installed"
    env = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1"}
    env.pop("MLMATURITY_DEBUG", None)
    return subprocess.run(
        [EXE, *map(str, args)],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


def _assert_clean_failure(
    result: subprocess.CompletedProcess[str], code: int, *expected: str
) -> None:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    for text in expected:
        assert text in result.stderr


def test_help_lists_every_command():
    result = run("--help")
    assert result.returncode == 0
    for command in ("init", "assess", "gate", "survey", "checks", "schema", "model"):
        assert f"  {command} " in result.stdout


def test_assess_text_shows_levels_barriers_and_roadmap():
    result = run("assess", WORKSPACE)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Test Org" in out and "Stage" in out and "2 Repeatable" in out
    assert "Experiment tracking" in out and "Barriers" in out and "Roadmap to" in out
    # A source kind without a collector is said, not dropped.
    assert "inference_logs: no collector yet" in out
    assert "Where roles disagree" in out


def test_assess_json_validates_against_the_published_schema(tmp_path: Path):
    out = tmp_path / "report.json"
    result = run("assess", WORKSPACE, "--format", "json", "--output", out)
    assert result.returncode == 0, result.stderr
    report = json.loads(out.read_text())
    schema = json.loads((ROOT / "docs" / "schema" / "assessment.schema.json").read_text())
    jsonschema.validate(report, schema)
    assert report["schema_version"] == 1
    team_t = next(t for t in report["teams"] if t["id"] == "t")
    tracking = next(c for c in team_t["capabilities"] if c["id"] == "tracking")
    criterion = tracking["criteria"][0]
    assert criterion["decided_by"] == "survey"
    assert criterion["answers"][0]["respondents"] == ["dana", "omar"]  # provenance


def test_assess_markdown(tmp_path: Path):
    out = tmp_path / "report.md"
    assert run("assess", WORKSPACE, "-f", "markdown", "-o", out).returncode == 0
    text = out.read_text()
    assert text.startswith("# MLOps maturity: Test Org")
    assert "| Experiment tracking | Process | 1 | 3 |" in text
    assert "## Team: Team T" in text and "### Roadmap to" in text


def test_gate_needs_every_team_at_the_stage():
    # Team T is at stage 0 and team U at stage 2: the organization's gate needs both.
    result = run("gate", "--min-stage", 1, WORKSPACE)
    assert result.returncode == 1
    assert "Team T: stage 0 (below Initial) (below stage 1)" in result.stdout
    assert "Team U: stage 2 Repeatable (meets stage 1)" in result.stdout
    assert "Test Org: gate not met (1 of 2 team(s) below stage 1)" in result.stdout


def test_gate_on_a_team():
    assert run("gate", "--min-stage", 1, WORKSPACE, "--team", "t").returncode == 1
    met = run("gate", "--min-stage", 2, WORKSPACE, "--team", "u")
    assert met.returncode == 0 and "Team U: gate met (stage 2)" in met.stdout
    assert run("gate", "--min-stage", 3, WORKSPACE, "--team", "u").returncode == 1
    _assert_clean_failure(
        run("gate", "--min-stage", 1, WORKSPACE, "--team", "x"), 2, "unknown team 'x'"
    )


def test_gate_defaults_to_the_target_stage(tmp_path: Path):
    result = run("gate", WORKSPACE, "--team", "u")  # the workspace's target_stage is 3
    assert result.returncode == 1 and "below stage 3" in result.stdout
    run("init", tmp_path)
    text = (tmp_path / "mlmaturity.yaml").read_text().replace("target_stage: 3\n", "")
    (tmp_path / "mlmaturity.yaml").write_text(text)
    _assert_clean_failure(run("gate", tmp_path), 2, "no stage to gate on")


def test_bad_workspace_exits_2_names_file_and_line_and_writes_nothing(tmp_path: Path):
    workspace = tmp_path / "mlmaturity.yaml"
    workspace.write_text("version: 1\norganization: X\nteamz: []\n")
    out = tmp_path / "report.json"
    result = run("assess", workspace, "--format", "json", "--output", out)
    _assert_clean_failure(result, 2, f"{workspace}:3", "teamz", "unknown key")
    assert not out.exists()
    assert result.stdout == ""


def test_bad_answers_file_exits_2(tmp_path: Path):
    shutil.copytree(WORKSPACE, tmp_path / "ws")
    (tmp_path / "models").mkdir()
    shutil.copy(DATA / "models" / "mini.yaml", tmp_path / "models" / "mini.yaml")
    (tmp_path / "answers").mkdir()
    (tmp_path / "answers" / "mini.yaml").write_text(
        "version: 1\nrespondents:\n  - {id: a, team: nope, role: product, answers: {q-ci: maybe}}\n"
    )
    result = run("assess", tmp_path / "ws")
    _assert_clean_failure(
        result, 2, "2 problem(s) found", "unknown team 'nope'", "'maybe' is not a choice"
    )


def test_missing_workspace_exits_2(tmp_path: Path):
    _assert_clean_failure(run("assess", tmp_path), 2, "mlmaturity.yaml: file not found")
    for command in ("history", "collect"):
        _assert_clean_failure(run(command, tmp_path), 2, "no workspace here; give a workspace")


def test_unwritable_output_exits_2(tmp_path: Path):
    result = run("assess", WORKSPACE, "--output", tmp_path)  # a folder is not a file
    _assert_clean_failure(result, 2, "cannot be written")


def test_usage_errors_exit_2():
    assert run("gate", "--min-stage", 9, WORKSPACE).returncode == 2
    assert run("assess", WORKSPACE, "--format", "pdf").returncode == 2


def test_init_writes_a_workspace_that_assesses_and_never_overwrites(tmp_path: Path):
    result = run("init", tmp_path, "--organization", 'Acme "ML" Corp')
    assert result.returncode == 0, result.stderr
    assessed = run("assess", tmp_path, "--format", "json")
    assert assessed.returncode == 0, assessed.stderr
    report = json.loads(assessed.stdout)
    assert report["organization"]["name"] == 'Acme "ML" Corp'
    assert report["teams"][0]["id"] == "my-team"
    assert report["teams"][0]["stage"] is None  # nothing answered, nothing collected: undecided
    assert any(n.startswith("nothing to assess") for n in report["teams"][0]["notes"])
    before = (tmp_path / "mlmaturity.yaml").read_text()
    _assert_clean_failure(run("init", tmp_path), 2, "already exists")
    assert (tmp_path / "mlmaturity.yaml").read_text() == before


def test_model_validate_show_and_schema():
    valid = run("model", "validate", DATA / "models" / "mini.yaml")
    assert valid.returncode == 0 and "valid" in valid.stdout
    assert "chk-a" in valid.stdout  # named by the model, provided by no registered check
    invalid = DATA / "invalid" / "model-unknown-question.yaml"
    _assert_clean_failure(run("model", "validate", invalid), 2, "unknown question 'q-trackin'")
    shown = run("model", "show", DATA / "models" / "mini.yaml")
    assert (
        shown.returncode == 0 and "Experiment tracking" in shown.stdout and "tr-4b" in shown.stdout
    )
    schema = json.loads(run("model", "schema").stdout)
    assert schema["title"] == "MaturityModel" and "capabilities" in schema["properties"]


@pytest.mark.parametrize("name", ["model", "workspace", "answers", "assessment"])
def test_schema_command_matches_the_committed_copy(name: str):
    result = run("schema", name)
    assert result.returncode == 0
    assert result.stdout == (ROOT / "docs" / "schema" / f"{name}.schema.json").read_text()


def test_checks_lists_the_catalogue():
    result = run("checks")
    assert result.returncode == 0, result.stderr
    assert "check(s) registered" in result.stdout


def test_survey_saves_after_every_answer_and_resumes(tmp_path: Path):
    out = tmp_path / "answers.yaml"
    args = (
        "survey",
        "--team",
        "t",
        "--role",
        "ml-engineering",
        "--respondent",
        "lee",
        "--out",
        out,
    )
    args += ("--model", DATA / "models" / "mini.yaml")
    first = run(*args, stdin="3: we log to a server\n")  # then end of input: stop and keep it
    assert first.returncode == 0, first.stderr
    assert "1/3" in first.stdout and "1 of 3 questions answered, 0 don't know" in first.stdout
    second = run(*args, stdin="7\ns\nq\n")  # 7 is not a choice: asked again
    assert second.returncode == 0, second.stderr
    assert (
        "1/3" not in second.stdout and "2/3" in second.stdout and "Please answer" in second.stdout
    )
    third = run(*args, stdin="3\n")
    assert "2 of 3 questions answered, 1 don't know" in third.stdout
    from mlmaturity.model import load_model
    from mlmaturity.survey.answers import load_answers

    answers = load_answers(out, load_model(DATA / "models" / "mini.yaml"), {"t"})
    by_question = {a.question: a for a in answers}
    assert by_question["q-tracking"].choice == "server"
    assert by_question["q-tracking"].comment == "we log to a server"
    assert "q-ci" not in by_question  # "don't know"
    assert by_question["q-roles"].choice == "all"


def test_survey_refuses_a_respondent_with_another_role(tmp_path: Path):
    out = tmp_path / "answers.yaml"
    model = DATA / "models" / "mini.yaml"
    run(
        "survey",
        "--team",
        "t",
        "--role",
        "product",
        "--respondent",
        "lee",
        "--out",
        out,
        "--model",
        model,
        stdin="q\n",
    )
    result = run(
        "survey",
        "--team",
        "t",
        "--role",
        "leadership",
        "--respondent",
        "lee",
        "--out",
        out,
        "--model",
        model,
    )
    _assert_clean_failure(result, 2, "already recorded as product")


def test_cli_choices_match_what_is_registered():
    """The CLI lists formats, roles and schemas statically (for a fast start); they must agree."""
    from mlmaturity.catalog import SCHEMAS
    from mlmaturity.cli import Format, Role, SchemaName
    from mlmaturity.report import formats
    from mlmaturity.survey.answers import ROLES

    assert {f.value for f in Format} == set(formats())
    assert tuple(r.value for r in Role) == ROLES
    assert {s.value for s in SchemaName} == set(SCHEMAS)

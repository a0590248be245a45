"""The workspace file: strict, every problem at once, unknown source kinds caught."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlmaturity.collect import collect_team
from mlmaturity.errors import InputError
from mlmaturity.workspace import load_workspace
from tests.conftest import DATA


def _workspace(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mlmaturity.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "expected", "line"),
    [
        ("version: 1\norganization: X\nteams: []\n", "teams: List should have at least 1 item", 3),
        (
            "version: 1\norganization: X\nteams:\n  - id: a\n    sources:\n      mlfow: [x]\n",
            "teams[a].sources.mlfow: unknown key (hint: did you mean 'mlflow'?)",
            6,
        ),
        (
            "version: 1\norganization: X\nteams:\n  - id: a\n  - id: a\n",
            "teams[a].id: duplicate team id 'a'",
            5,
        ),
        (
            "version: 1\norganization: X\nanswers: [nope.yaml]\nteams:\n  - id: a\n",
            "answers[0]: file not found: nope.yaml",
            3,
        ),
        (
            "version: 1\norganization: X\nteams:\n  - id: Fraud Team\n",
            "teams[Fraud Team].id: String should match pattern",
            4,
        ),
        ("- just\n- a list\n", "expected a mapping at the top level, found a list", 1),
    ],
)
def test_invalid_workspaces(tmp_path: Path, text: str, expected: str, line: int):
    path = _workspace(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_workspace(tmp_path)
    problem = next((p for p in caught.value.problems if expected in str(p)), None)
    assert problem is not None, str(caught.value)
    assert (problem.file, problem.line) == (str(path), line)


def test_a_source_kind_without_a_collector_is_reported_not_ignored():
    workspace = load_workspace(DATA / "workspace")
    team = workspace.spec.teams[0]
    collected = collect_team(workspace, team)
    assert collected.notes == ["inference_logs: no collector yet; 1 source listed, none read"]


def test_every_source_kind_is_a_workspace_field():
    from mlmaturity.workspace import SOURCE_KINDS, Sources

    assert tuple(Sources.model_fields) == SOURCE_KINDS

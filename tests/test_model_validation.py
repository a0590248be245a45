"""Every model validation rule has a named invalid fixture and an expected message and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlmaturity.errors import InputError
from mlmaturity.model import load_model
from tests.conftest import DATA

FIXTURES = sorted((DATA / "invalid").glob("model-*.yaml"))


def _header(path: Path, key: str) -> str:
    for line in path.read_text().splitlines():
        if line.startswith(f"# {key}: ") or line == f"# {key}:":
            return line.partition(": ")[2]
    raise AssertionError(f"{path.name} has no '# {key}:' line")


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_invalid_model_is_reported_with_file_line_and_message(fixture: Path):
    expected, at = _header(fixture, "expect"), _header(fixture, "at")
    with pytest.raises(InputError) as caught:
        load_model(fixture)
    matching = [p for p in caught.value.problems if expected in str(p)]
    assert matching, f"no problem says {expected!r}: {caught.value}"
    problem = matching[0]
    assert problem.file == str(fixture)
    assert problem.line is not None
    assert at in fixture.read_text().splitlines()[problem.line - 1]


def test_every_problem_in_a_file_is_reported_at_once(tmp_path: Path):
    text = (DATA / "models" / "mini.yaml").read_text()
    text = text.replace("dimension: technology", "dimension: tech")
    text = text.replace("questions: [q-roles]}", "questions: [q-role]}", 1)
    path = tmp_path / "two.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        load_model(path)
    messages = " | ".join(str(p) for p in caught.value.problems)
    assert "unknown dimension 'tech'" in messages and "unknown question 'q-role'" in messages


def test_missing_and_unreadable_files(tmp_path: Path):
    with pytest.raises(InputError, match="file not found"):
        load_model(tmp_path / "nope.yaml")
    with pytest.raises(InputError, match="is a folder"):
        load_model(tmp_path)
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(InputError, match="not UTF-8"):
        load_model(binary)


def test_yaml_tags_that_build_objects_are_refused(tmp_path: Path):
    path = tmp_path / "evil.yaml"
    path.write_text("version: 1\nid: !!python/object/apply:os.system ['echo pwned']\n")
    with pytest.raises(InputError, match="not valid YAML"):
        load_model(path)

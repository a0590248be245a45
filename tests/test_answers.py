"""Answers files: YAML and CSV say the same thing; every bad answer names file, line and hint."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlmaturity.errors import InputError
from mlmaturity.model import Model
from mlmaturity.survey.answers import check_unique_respondents, load_answers, read_answers_file
from tests.conftest import DATA
from tests.test_model_validation import _header

FIXTURES = sorted((DATA / "invalid").glob("answers-*.yaml"))


def test_yaml_and_csv_give_the_same_answers(mini: Model):
    from_yaml = load_answers(DATA / "answers" / "mini.yaml", mini, {"t"})
    from_csv = load_answers(DATA / "answers" / "mini.csv", mini, {"t"})

    def strip(answers):
        return sorted((a.respondent, a.question, a.choice, a.level, a.comment) for a in answers)

    assert strip(from_yaml) == strip(from_csv)
    assert ("dana", "q-ci", "yes", 4, "every repo has GitHub Actions") in strip(from_yaml)
    # "don't know" (null / empty) is not an answer at any level.
    assert not any(a.respondent == "dana" and a.question == "q-roles" for a in from_yaml)


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_invalid_answers_are_reported(mini: Model, fixture: Path):
    expected, at = _header(fixture, "expect"), _header(fixture, "at")
    with pytest.raises(InputError) as caught:
        load_answers(fixture, mini, {"t"})
    problem = next((p for p in caught.value.problems if expected in str(p)), None)
    assert problem is not None, str(caught.value)
    assert problem.file == str(fixture) and problem.line is not None
    assert at in fixture.read_text().splitlines()[problem.line - 1]


@pytest.mark.parametrize(
    ("rows", "expected", "line"),
    [
        ("dana,t,data-scientist,q-tracking,server,\n", "unknown role 'data-scientist'", 2),
        (
            "dana,t,data-science,q-tracking,servers,\n",
            "'servers' is not a choice of 'q-tracking'",
            2,
        ),
        ("dana,t,data-science,q-nope,server,\n", "unknown question 'q-nope'", 2),
        (
            "dana,t,data-science,q-ci,yes,\ndana,t,data-science,q-ci,no,\n",
            "answers 'q-ci' twice",
            3,
        ),
        (
            "dana,t,data-science,q-ci,yes,\ndana,u,data-science,q-roles,all,\n",
            "changes team or role",
            3,
        ),
        ("dana,t,data-science,q-ci,yes,,extra\n", "more values than columns", 2),
        (",t,data-science,q-ci,yes,\n", "respondent is empty", 2),
    ],
)
def test_invalid_csv_rows_name_the_row(
    mini: Model, tmp_path: Path, rows: str, expected: str, line: int
):
    path = tmp_path / "answers.csv"
    path.write_text("respondent,team,role,question,answer,comment\n" + rows)
    with pytest.raises(InputError) as caught:
        load_answers(path, mini, None)
    problem = next((p for p in caught.value.problems if expected in str(p)), None)
    assert problem is not None, str(caught.value)
    assert (problem.file, problem.line) == (str(path), line)


def test_csv_missing_columns(mini: Model, tmp_path: Path):
    path = tmp_path / "answers.csv"
    path.write_text("respondent,team,question,answer\n")
    with pytest.raises(InputError, match=r"missing column\(s\): role"):
        load_answers(path, mini, None)


def test_a_respondent_in_two_files_is_refused():
    spec, _ = read_answers_file(DATA / "answers" / "mini.yaml")
    with pytest.raises(InputError, match=r"respondent 'dana' is also in a\.yaml"):
        check_unique_respondents([("a.yaml", spec), ("b.yaml", spec)])

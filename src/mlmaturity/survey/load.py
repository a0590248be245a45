"""Every answers file of a workspace, read and resolved against the model together."""

from __future__ import annotations

from mlmaturity.errors import InputError, Problem
from mlmaturity.model import Model
from mlmaturity.survey.answers import (
    Answer,
    AnswersFile,
    check_unique_respondents,
    read_answers_file,
    resolve_answers,
)
from mlmaturity.workspace import Workspace


def load_all_answers(
    workspace: Workspace, model: Model, *, keep: list[bytes] | None = None
) -> list[Answer]:
    """Every answers file of the workspace, in its order, all problems across all files
    reported together. Each file is read once; its bytes are appended to ``keep``, if given."""
    teams = {team.id for team in workspace.spec.teams}
    problems: list[Problem] = []
    answers: list[Answer] = []
    parsed: list[tuple[str, AnswersFile]] = []
    for path in workspace.answer_paths:
        try:
            spec, data = read_answers_file(path, keep=keep)
            parsed.append((str(path), spec))
            answers.extend(resolve_answers(spec, model, teams, str(path), data))
        except InputError as exc:
            problems.extend(exc.problems)
    try:
        check_unique_respondents(parsed)
    except InputError as exc:
        problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return answers

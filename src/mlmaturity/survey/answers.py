"""Survey answers files: who answered what, checked against the model and the workspace.

YAML is the native format; CSV (one row per answer) is accepted wherever YAML is, so a
spreadsheet or a form export can be used as it is.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from mlmaturity.errors import InputError, Problem, read_user_text
from mlmaturity.model import Model
from mlmaturity.yamlfile import LocDict, LocList, key_path, locate, read_yaml, validate

Role = Literal["data-science", "ml-engineering", "platform-ops", "product", "leadership"]
ROLES: tuple[str, ...] = get_args(Role)
CSV_COLUMNS = ("respondent", "team", "role", "question", "answer", "comment")
MAX_CSV_BYTES = 16 * 1024 * 1024


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AnswerDetail(_Strict):
    """An answer with a comment; ``choice: null`` means "don't know"."""

    choice: str | None = None
    comment: str = ""


AnswerValue = str | AnswerDetail | None


class Respondent(_Strict):
    id: Annotated[str, Field(min_length=1, max_length=120)]
    team: str
    role: Role
    answers: dict[str, AnswerValue] = {}


class AnswersFile(_Strict):
    """An answers file, version 1."""

    version: Literal[1]
    respondents: list[Respondent] = []


@dataclass(frozen=True)
class Answer:
    """One respondent's answer to one question, resolved to the level it stands for."""

    respondent: str
    team: str
    role: str
    question: str
    choice: str
    level: int
    comment: str
    file: str


def _detail(value: AnswerValue) -> AnswerDetail:
    return value if isinstance(value, AnswerDetail) else AnswerDetail(choice=value)


def resolve_answers(
    spec: AnswersFile, model: Model, teams: Collection[str] | None, file: str, data: Any = None
) -> list[Answer]:
    """Check every answer against the model (and the workspace's teams) and resolve its level."""

    def problem(where: tuple[str | int, ...], message: str, hint: str = "") -> Problem:
        return Problem(file, message, locate(data, where, file)[1], key_path(where, data), hint)

    problems: list[Problem] = []
    answers: list[Answer] = []
    for r, person in enumerate(spec.respondents):
        base: tuple[str | int, ...] = ("respondents", r)
        if teams is not None and person.team not in teams:
            known = ", ".join(sorted(teams))
            problems.append(
                problem((*base, "team"), f"unknown team '{person.team}'", f"teams: {known}")
            )
        for qid, value in person.answers.items():
            question = model.questions.get(qid)
            if question is None:
                hint = "run 'mlmaturity model show' to list the questions"
                problems.append(problem((*base, "answers", qid), f"unknown question '{qid}'", hint))
                continue
            detail = _detail(value)
            if detail.choice is None:
                continue
            choice = next((c for c in question.choices if c.id == detail.choice), None)
            if choice is None:
                allowed = ", ".join(c.id for c in question.choices)
                message = f"'{detail.choice}' is not a choice of '{qid}'"
                problems.append(problem((*base, "answers", qid), message, f"choices: {allowed}"))
                continue
            answers.append(
                Answer(
                    person.id,
                    person.team,
                    person.role,
                    qid,
                    choice.id,
                    choice.level,
                    detail.comment,
                    file,
                )
            )
    if problems:
        raise InputError(problems)
    return answers


def read_answers_file(path: Path, *, keep: list[bytes] | None = None) -> tuple[AnswersFile, Any]:
    """Parse an answers file (YAML or CSV) into its schema, with positions for error messages
    (the file's bytes are appended to ``keep``, if given)."""
    csv_file = path.suffix.lower() == ".csv"
    data = _read_csv(path, keep) if csv_file else read_yaml(path, keep=keep)
    return validate(AnswersFile, data, str(path)), data


def load_answers(path: Path, model: Model, teams: Collection[str] | None = None) -> list[Answer]:
    spec, data = read_answers_file(path)
    return resolve_answers(spec, model, teams, str(path), data)


def check_unique_respondents(files: Iterable[tuple[str, AnswersFile]]) -> None:
    """A respondent id may appear in only one file, once: otherwise answers would count twice."""
    seen: dict[str, str] = {}
    problems = []
    for file, spec in files:
        for person in spec.respondents:
            if person.id in seen:
                message = f"respondent '{person.id}' is also in {seen[person.id]}"
                problems.append(
                    Problem(file, message, key="respondents", hint="ids must be unique")
                )
            seen.setdefault(person.id, file)
    if problems:
        raise InputError(problems)


def _read_csv(path: Path, keep: list[bytes] | None = None) -> LocDict:
    """Read the long CSV form: one row per answer; a respondent's rows may be anywhere."""
    file = str(path)
    text = read_user_text(path, MAX_CSV_BYTES, "CSV file", keep=keep)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in CSV_COLUMNS[:5] if c not in (reader.fieldnames or [])]
    if missing:
        hint = "columns: " + ",".join(CSV_COLUMNS)
        raise InputError.single(file, f"missing column(s): {', '.join(missing)}", line=1, hint=hint)
    people: dict[str, LocDict] = {}
    respondents = LocList()
    problems: list[Problem] = []
    for row in reader:
        line = reader.line_num
        if None in row:
            problems.append(Problem(file, "more values than columns", line))
            continue
        rid, role = (row["respondent"] or "").strip(), (row["role"] or "").strip()
        if not rid:
            problems.append(Problem(file, "respondent is empty", line, "respondent"))
            continue
        if role not in ROLES:
            problems.append(
                Problem(file, f"unknown role '{role}'", line, "role", f"roles: {', '.join(ROLES)}")
            )
            continue
        team = (row["team"] or "").strip()
        if rid not in people:
            people[rid] = _located(
                {"id": rid, "team": team, "role": role, "answers": _located({}, file, line)},
                file,
                line,
            )
            respondents.append(people[rid])
            respondents.item_positions.append((file, line))
        person = people[rid]
        if (person["team"], person["role"]) != (team, role):
            problems.append(Problem(file, f"respondent '{rid}' changes team or role", line))
        question = (row["question"] or "").strip()
        if question in person["answers"]:
            problems.append(Problem(file, f"'{rid}' answers '{question}' twice", line, "question"))
        answer = (row["answer"] or "").strip() or None
        person["answers"][question] = {
            "choice": answer,
            "comment": (row.get("comment") or "").strip(),
        }
        person["answers"].key_positions[question] = (file, line)
    if problems:
        raise InputError(problems)
    return _located({"version": 1, "respondents": respondents}, file, 1)


def _located(values: dict[str, Any], file: str, line: int) -> LocDict:
    """A mapping whose keys all point at one CSV row, so errors name the row."""
    located = LocDict(values)
    located.position = (file, line)
    located.key_positions = dict.fromkeys(values, (file, line))
    return located

"""The interactive terminal survey: one question at a time, saved after every answer.

The answers file is rewritten atomically after each answer, so quitting, a closed terminal
or a crash loses at most the question on screen; running the same command again resumes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from rich.console import Console
from rich.prompt import Prompt
from rich.text import Text

from mlmaturity.atomic import write_text_atomic
from mlmaturity.errors import InputError
from mlmaturity.model import Model
from mlmaturity.model.schema import Question
from mlmaturity.survey.answers import (
    AnswerDetail,
    AnswersFile,
    Respondent,
    Role,
    read_answers_file,
    resolve_answers,
)

SKIP, QUIT = "s", "q"
TEAM_ID = re.compile(r"[a-z0-9][a-z0-9._-]*")


def _load_or_start(out: Path, model: Model) -> AnswersFile:
    if not out.exists():
        return AnswersFile(version=1, respondents=[])
    if out.suffix.lower() == ".csv":
        raise InputError.single(out, "the survey writes YAML", hint="give --out a .yaml file")
    spec, data = read_answers_file(out)
    resolve_answers(spec, model, None, str(out), data)  # refuse to extend a file with bad answers
    return spec


def _dump(spec: AnswersFile) -> str:
    data: dict[str, Any] = spec.model_dump(mode="json", exclude_defaults=False)
    for person in data["respondents"]:
        for qid, value in list(person["answers"].items()):
            if isinstance(value, dict) and not value.get("comment"):
                person["answers"][qid] = value.get("choice")
    header = "# mlmaturity survey answers, written by `mlmaturity survey` (edits are kept, comments are not)\n"
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def _ask(console: Console, question: Question, number: int, total: int, capability: str) -> str:
    console.rule(Text(f"{number}/{total} · {capability}", style="bold"), align="left")
    console.print(Text(question.text, style="bold"))
    if question.help:
        console.print(Text(question.help, style="dim"))
    for i, choice in enumerate(question.choices, start=1):
        console.print(Text.assemble("  ", (str(i), "cyan"), " ", choice.label))
    console.print(
        Text.assemble("  ", (SKIP, "cyan"), " don't know   ", (QUIT, "cyan"), " save and stop")
    )
    valid = [str(i) for i in range(1, len(question.choices) + 1)] + [SKIP, QUIT]
    while True:
        reply = Prompt.ask("Answer (a number, optionally followed by ': comment')", console=console)
        head, _, _ = reply.partition(":")
        if head.strip().lower() in valid:
            return reply.strip()
        console.print(Text(f"Please answer one of {', '.join(valid)}.", style="red"))


@contextmanager
def _locked(out: Path) -> Iterator[None]:
    """Hold an exclusive lock beside ``out`` so two respondents never overwrite each other."""
    try:
        import fcntl
    except ImportError:  # no advisory locks on this platform: atomic writes only
        yield
        return
    with out.with_name(f".{out.name}.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _save(out: Path, model: Model, person: Respondent) -> None:
    """Merge this respondent into the file as it is on disk now, under the lock, atomically."""
    try:
        with _locked(out):
            spec = _load_or_start(out, model)
            at = next((i for i, r in enumerate(spec.respondents) if r.id == person.id), None)
            if at is None:
                spec.respondents.append(person)
            else:
                spec.respondents[at] = person
            write_text_atomic(out, _dump(spec))
    except OSError as exc:
        raise InputError.single(out, f"cannot be written: {exc.strerror}") from None


def run_survey(
    model: Model, out: Path, *, team: str, role: Role, respondent: str, console: Console
) -> tuple[int, int, int]:
    """Ask every unanswered question; returns ``(answered, don't know, total)``."""
    if not TEAM_ID.fullmatch(team):
        raise InputError.single(
            out, f"'{team}' is not a team id", hint="use the id from mlmaturity.yaml"
        )
    spec = _load_or_start(out, model)
    person = next((r for r in spec.respondents if r.id == respondent), None)
    if person is None:
        person = Respondent(id=respondent, team=team, role=role, answers={})
    elif (person.team, person.role) != (team, role):
        message = (
            f"respondent '{respondent}' is already recorded as {person.role} in team {person.team}"
        )
        raise InputError.single(out, message, hint="use --respondent to answer as someone else")
    _save(out, model, person)  # fails now, before any answer, if the file cannot be written
    questions = [(q, c.name) for c in model.capabilities for q in c.questions]
    for number, (question, capability) in enumerate(questions, start=1):
        if question.id in person.answers:
            continue
        try:
            reply = _ask(console, question, number, len(questions), capability)
        except EOFError:
            break
        head, _, comment = reply.partition(":")
        head = head.strip().lower()
        if head == QUIT:
            break
        choice = None if head == SKIP else question.choices[int(head) - 1].id
        person.answers[question.id] = AnswerDetail(choice=choice, comment=comment.strip())
        _save(out, model, person)
    given = [_choice(person.answers[q.id]) for q, _ in questions if q.id in person.answers]
    dont_know = sum(choice is None for choice in given)
    return len(given) - dont_know, dont_know, len(questions)


def _choice(value: object) -> str | None:
    return (
        value.choice
        if isinstance(value, AnswerDetail)
        else value
        if isinstance(value, str)
        else None
    )

"""The interactive terminal survey: one question at a time, saved after every answer.

The answers file is rewritten atomically after each answer, so quitting, a closed terminal
or a crash loses at most the question on screen; running the same command again resumes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from rich.console import Console
from rich.prompt import Prompt

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
    header = "# mlmaturity survey answers (written by `mlmaturity survey`; safe to edit)\n"
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def _ask(console: Console, question: Question, number: int, total: int, capability: str) -> str:
    console.rule(f"[bold]{number}/{total}[/] · {capability}", align="left")
    console.print(f"[bold]{question.text}[/]")
    if question.help:
        console.print(question.help, style="dim")
    for i, choice in enumerate(question.choices, start=1):
        console.print(f"  [cyan]{i}[/] {choice.label}")
    console.print(f"  [cyan]{SKIP}[/] don't know   [cyan]{QUIT}[/] save and stop", style="dim")
    valid = [str(i) for i in range(1, len(question.choices) + 1)] + [SKIP, QUIT]
    while True:
        reply = Prompt.ask("Answer (a number, optionally followed by ': comment')", console=console)
        head, _, _ = reply.partition(":")
        if head.strip().lower() in valid:
            return reply.strip()
        console.print(f"[red]Please answer one of {', '.join(valid)}.[/]")


def run_survey(
    model: Model, out: Path, *, team: str, role: Role, respondent: str, console: Console
) -> tuple[int, int]:
    """Ask every unanswered question; returns ``(answered, total)``."""
    spec = _load_or_start(out, model)
    person = next((r for r in spec.respondents if r.id == respondent), None)
    if person is None:
        person = Respondent(id=respondent, team=team, role=role, answers={})
        spec.respondents.append(person)
    elif (person.team, person.role) != (team, role):
        message = (
            f"respondent '{respondent}' is already recorded as {person.role} in team {person.team}"
        )
        raise InputError.single(out, message, hint="use --respondent to answer as someone else")
    questions = [(q, c.name) for c in model.capabilities for q in c.questions]
    total = len(questions)
    for number, (question, capability) in enumerate(questions, start=1):
        if question.id in person.answers:
            continue
        try:
            reply = _ask(console, question, number, total, capability)
        except EOFError:
            break
        head, _, comment = reply.partition(":")
        head = head.strip().lower()
        if head == QUIT:
            break
        choice = None if head == SKIP else question.choices[int(head) - 1].id
        person.answers[question.id] = AnswerDetail(choice=choice, comment=comment.strip())
        write_text_atomic(out, _dump(spec))
    if not out.exists():
        write_text_atomic(out, _dump(spec))
    return sum(q.id in person.answers for q, _ in questions), total

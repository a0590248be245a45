"""Cross-reference rules a schema cannot express: ids unique and known, levels complete.

Each rule yields problems instead of raising, so one run reports everything wrong with a file.
"""

from __future__ import annotations

import graphlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from mlmaturity.errors import Problem
from mlmaturity.model.schema import MaturityModel
from mlmaturity.yamlfile import key_path

Path = tuple[Any, ...]
Locator = Callable[[Path], tuple[str, int | None]]


def check_model(model: MaturityModel, where: Locator, data: Any = None) -> list[Problem]:
    """Every cross-reference problem in ``model``; ``where`` maps a key path to file and line."""

    def problem(path: Path, message: str, hint: str = "") -> Problem:
        file, line = where(path)
        return Problem(file, message, line, key_path(path, data), hint)

    found: list[Problem] = []
    for rule in (_unique_ids, _known_references, _complete_levels, _decidable_criteria, _order):
        found.extend(rule(model, problem))
    return found


MakeProblem = Callable[..., Problem]


def _duplicates(
    items: Iterable[tuple[Path, str]], what: str, make: MakeProblem
) -> Iterator[Problem]:
    listed = list(items)
    counts = Counter(item_id for _, item_id in listed)
    seen: set[str] = set()
    for path, item_id in listed:
        if counts[item_id] > 1 and item_id in seen:
            yield make(path, f"duplicate {what} id '{item_id}'", f"{what} ids must be unique")
        seen.add(item_id)


def _criteria(model: MaturityModel) -> Iterator[tuple[Path, Any]]:
    for c, cap in enumerate(model.capabilities):
        for number, level in cap.levels.items():
            for k, criterion in enumerate(level.criteria):
                yield ("capabilities", c, "levels", number, "criteria", k), criterion


def _questions(model: MaturityModel) -> Iterator[tuple[Path, Any]]:
    for c, cap in enumerate(model.capabilities):
        for q, question in enumerate(cap.questions):
            yield ("capabilities", c, "questions", q), question


def _unique_ids(model: MaturityModel, make: MakeProblem) -> Iterator[Problem]:
    for section in ("dimensions", "references", "barriers", "kpis", "capabilities"):
        items = getattr(model, section)
        yield from _duplicates(
            (((section, i, "id"), item.id) for i, item in enumerate(items)), section[:-1], make
        )
    yield from _duplicates((((*p, "id"), c.id) for p, c in _criteria(model)), "criterion", make)
    yield from _duplicates((((*p, "id"), q.id) for p, q in _questions(model)), "question", make)
    for path, question in _questions(model):
        choices = (((*path, "choices", i, "id"), ch.id) for i, ch in enumerate(question.choices))
        yield from _duplicates(choices, "choice", make)


def _unknown(path: Path, kind: str, value: str, known: Iterable[str], make: MakeProblem) -> Problem:
    names = sorted(known)
    shown = ", ".join(names[:12]) + (", …" if len(names) > 12 else "")
    return make(path, f"unknown {kind} '{value}'", f"known {kind}s: {shown}" if names else "")


def _known_references(model: MaturityModel, make: MakeProblem) -> Iterator[Problem]:
    dimensions = {d.id for d in model.dimensions}
    references = {r.id for r in model.references}
    barriers = {b.id for b in model.barriers}
    kpis = {k.id for k in model.kpis}
    questions = {q.id: q for _, q in _questions(model)}
    criteria = {c.id for _, c in _criteria(model)}
    for c, cap in enumerate(model.capabilities):
        base: Path = ("capabilities", c)
        if cap.dimension not in dimensions:
            yield _unknown((*base, "dimension"), "dimension", cap.dimension, dimensions, make)
        for field, known, kind in (
            ("references", references, "reference"),
            ("barriers", barriers, "barrier"),
            ("kpis", kpis, "kpi"),
        ):
            for i, value in enumerate(getattr(cap, field)):
                if value not in known:
                    yield _unknown((*base, field, i), kind, value, known, make)
    for path, criterion in _criteria(model):
        for i, qid in enumerate(criterion.questions):
            if qid not in questions:
                yield _unknown((*path, "questions", i), "question", qid, questions, make)
        for i, other in enumerate(criterion.after):
            if other not in criteria:
                yield _unknown((*path, "after", i), "criterion", other, criteria, make)
        if criterion.kpi is not None and criterion.kpi not in kpis:
            yield _unknown((*path, "kpi"), "kpi", criterion.kpi, kpis, make)
    capability_ids = {cap.id for cap in model.capabilities}
    for i, disabled in enumerate(model.disable):
        if disabled not in criteria | capability_ids:
            yield make(("disable", i), f"unknown criterion or capability '{disabled}'")
    linked = {b for cap in model.capabilities for b in cap.barriers}
    for i, barrier in enumerate(model.barriers):
        if barrier.id not in linked:
            yield make(
                ("barriers", i, "id"),
                f"barrier '{barrier.id}' is linked to no capability",
                "list it under some capability's 'barriers'",
            )
    used = {cap.dimension for cap in model.capabilities}
    for i, dimension in enumerate(model.dimensions):
        if dimension.id not in used:
            yield make(("dimensions", i, "id"), f"dimension '{dimension.id}' has no capability")


def _complete_levels(model: MaturityModel, make: MakeProblem) -> Iterator[Problem]:
    disabled = set(model.disable)
    for c, cap in enumerate(model.capabilities):
        missing = sorted({1, 2, 3, 4} - set(cap.levels))
        if missing:
            listed = ", ".join(str(m) for m in missing)
            yield make(
                ("capabilities", c, "levels"),
                f"capability '{cap.id}' has no level {listed}",
                "levels are cumulative: give each of levels 1, 2, 3 and 4 at least one criterion",
            )
        if cap.id in disabled:
            continue
        for number, level in cap.levels.items():
            if not level.criteria:
                yield make(
                    ("capabilities", c, "levels", number, "criteria"),
                    f"level {number} of '{cap.id}' has no criterion",
                    "add a criterion, or use 'disable:' in a model that extends this one",
                )
            elif all(criterion.id in disabled for criterion in level.criteria):
                # An empty level would count as met and lift the capability past it.
                yield make(
                    ("disable",),
                    f"'disable' leaves level {number} of '{cap.id}' without a criterion",
                    "keep one criterion of that level, add one, or disable the whole capability",
                )


def _decidable_criteria(model: MaturityModel, make: MakeProblem) -> Iterator[Problem]:
    questions = {q.id: q for _, q in _questions(model)}
    for path, criterion in _criteria(model):
        if not criterion.checks and not criterion.questions:
            yield make(
                (*path, "id"),
                f"criterion '{criterion.id}' names no check and no question",
                "add 'checks:' or 'questions:' so something can decide it",
            )
        level = path[3]
        for i, qid in enumerate(criterion.questions):
            question = questions.get(qid)
            if question is not None and max(ch.level for ch in question.choices) < level:
                yield make(
                    (*path, "questions", i),
                    f"no answer to question '{qid}' reaches level {level}",
                    "give one of its choices a level at least as high as the criterion's",
                )


def _order(model: MaturityModel, make: MakeProblem) -> Iterator[Problem]:
    paths = {c.id: path for path, c in _criteria(model)}
    graph = {c.id: set(c.after) for _, c in _criteria(model)}
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as exc:
        cycle = exc.args[1]
        yield make(
            paths[cycle[0]] + ("after",),
            "criteria depend on each other in a cycle: " + " → ".join(cycle),
            "remove one of these 'after' links",
        )

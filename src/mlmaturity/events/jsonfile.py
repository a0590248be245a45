"""JSON exports of other tools (a CI's run list, a webhook body, a drift report), read safely.

A top-level array is decoded item by item so that every item keeps its index and the line it
starts on: an error can then say "item 3" and point at the line, as the CSV importers do.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from mlmaturity.errors import InputError, Problem, read_user_text

MAX_JSON_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class JsonItem:
    """One value of a JSON file: an item of its top-level array, or the whole document."""

    index: int | None
    """Position in the top-level array (from 0, as jq's ``.[N]``); None for a lone document."""
    line: int
    value: Any

    def where(self, field: str = "") -> str:
        """The key a problem names: ``item 3.headSha``, or the bare field of a lone document."""
        item = "" if self.index is None else f"item {self.index}"
        return ".".join(part for part in (item, field) if part)

    def problem(self, path: Path, message: str, field: str = "", hint: str = "") -> Problem:
        return Problem(str(path), message, self.line, self.where(field), hint)


@dataclass(frozen=True)
class JsonDocument:
    path: Path
    is_array: bool
    items: list[JsonItem]


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _skip_space(text: str, position: int) -> int:
    """The first position at or after ``position`` that is not JSON whitespace."""
    while position < len(text) and text[position] in " \t\n\r":
        position += 1
    return position


def _decode(text: str) -> tuple[bool, list[JsonItem]]:
    decoder = json.JSONDecoder()
    position = _skip_space(text, 0)
    if not text.startswith("[", position):
        value, end = decoder.raw_decode(text, position)
        _expect_end(text, end)
        return False, [JsonItem(None, _line(text, position), value)]
    items: list[JsonItem] = []
    position = _skip_space(text, position + 1)
    if text.startswith("]", position):
        _expect_end(text, position + 1)
        return True, items
    line, counted = 1, 0  # lines are counted on from the previous item: linear, not quadratic
    while True:
        value, end = decoder.raw_decode(text, position)
        line, counted = line + text.count("\n", counted, position), position
        items.append(JsonItem(len(items), line, value))
        position = _skip_space(text, end)
        if text.startswith(",", position):
            position = _skip_space(text, position + 1)
        elif text.startswith("]", position):
            _expect_end(text, position + 1)
            return True, items
        else:
            raise json.JSONDecodeError("Expecting ',' delimiter", text, position)


def _expect_end(text: str, end: int) -> None:
    rest = _skip_space(text, end)
    if rest != len(text):
        raise json.JSONDecodeError("Extra data", text, rest)


def read_json(path: Path, what: str) -> JsonDocument:
    """A JSON file's top-level items; any failure is an InputError naming the file and line."""
    text = read_user_text(path, MAX_JSON_BYTES, what)
    if not text.strip():
        raise InputError.single(path, f"the file is empty, expected {what}")
    try:
        is_array, items = _decode(text)
    except json.JSONDecodeError as exc:
        message = f"not valid JSON: {exc.msg} (column {exc.colno})"
        raise InputError.single(path, message, line=exc.lineno, hint=f"expected {what}") from None
    except ValueError as exc:  # e.g. an integer longer than Python converts
        raise InputError.single(path, f"not valid JSON: {exc}", hint=f"expected {what}") from None
    except RecursionError:
        raise InputError.single(path, "not valid JSON: nested too deeply") from None
    return JsonDocument(path, is_array, items)


def field_path(loc: Iterable[int | str]) -> str:
    """A pydantic error location as a JSON path: ``deploymentCommits[0].commitSha``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def validation_problems(
    path: Path, item: JsonItem, error: ValidationError, prefix: str = ""
) -> list[Problem]:
    """One problem per pydantic error, each naming the item and the field."""
    problems = []
    for detail in error.errors():
        field = field_path(detail["loc"])
        if prefix:
            field = f"{prefix}.{field}" if field and not field.startswith("[") else prefix + field
        problems.append(item.problem(path, str(detail["msg"]), field))
    return problems

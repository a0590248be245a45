"""Errors a user can fix: each names the file, the line, the key path and a hint.

Only the CLI turns these into exit codes; the library raises them and never prints.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one input file."""

    file: str
    message: str
    line: int | None = None
    key: str = ""
    hint: str = ""

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        text = f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"
        return f"{text} (hint: {self.hint})" if self.hint else text


class InputError(Exception):
    """Bad user input: every problem found, collected before raising."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def single(cls, file: str | Path, message: str, **kwargs: object) -> InputError:
        return cls([Problem(str(file), message, **kwargs)])  # type: ignore[arg-type]


def raise_if_any(problems: Iterable[Problem]) -> None:
    found = list(problems)
    if found:
        raise InputError(found)

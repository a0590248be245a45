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


def read_user_text(
    path: Path, limit: int, what: str = "file", *, keep: list[bytes] | None = None
) -> str:
    """A user's UTF-8 text file (a BOM is dropped, line ends made ``\\n``), bounded; every
    failure is an InputError. The bytes read are appended to ``keep``, if given: what was
    parsed is exactly what was kept (the workspace digest is of these)."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise InputError.single(path, f"file is {size} bytes; the limit is {limit}")
        data = path.read_bytes()
        if len(data) > limit:  # it grew since
            raise InputError.single(path, f"file is {len(data)} bytes; the limit is {limit}")
        text = data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
        if keep is not None:
            keep.append(data)
        return text
    except FileNotFoundError:
        raise InputError.single(path, "file not found") from None
    except IsADirectoryError:
        raise InputError.single(path, f"is a folder, expected a {what}") from None
    except UnicodeDecodeError as exc:
        raise InputError.single(path, f"not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise InputError.single(path, f"cannot be read: {exc.strerror}") from None

"""Other tools' exports an event source accepts beside CSV and JSON Lines, chosen by suffix.

A module that reads, say, DevLake's deployment JSON registers its reader with
``@event_format("deployments", ".json")``; the importer of that source kind asks here first.
Adding a format never edits the importers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from mlmaturity.workspace import SourceKind

FormatReader = Callable[[Path], Sequence[Any]]
"""Reads one file into validated rows of the kind's table, or raises InputError."""

_FORMATS: dict[tuple[str, str], FormatReader] = {}


def event_format(kind: SourceKind, suffix: str) -> Callable[[FormatReader], FormatReader]:
    """Register the decorated function as the reader of ``kind`` files ending in ``suffix``."""

    def register(function: FormatReader) -> FormatReader:
        key = (kind, suffix.lower())
        if key in _FORMATS:
            raise ValueError(f"a reader for {suffix} files of '{kind}' is registered twice")
        _FORMATS[key] = function
        return function

    return register


def reader_for(kind: SourceKind, path: Path) -> FormatReader | None:
    """The registered reader for this file of ``kind``, if its suffix has one."""
    return _FORMATS.get((kind, path.suffix.lower()))

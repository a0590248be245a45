"""One reader for every event file users export: CSV, JSON Lines or Parquet to validated rows.

Every record comes with its line (Parquet rows are numbered from 1, like a CSV without its
header) so that each bad value is reported by file, line and field. A file with bad rows is
reported whole and nothing from it is kept.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Collection
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from mlmaturity.errors import InputError, Problem, read_user_text

MAX_EVENT_FILE_BYTES = 256 * 1024 * 1024
TEXT_FORMATS = (".csv", ".jsonl", ".ndjson")
Record = tuple[int, dict[str, Any]]
R = TypeVar("R", bound=BaseModel)


def read_records(path: Path, formats: Collection[str] = TEXT_FORMATS) -> list[Record]:
    """(line, record) pairs of a file whose suffix is one of ``formats``."""
    suffix = path.suffix.lower()
    if suffix not in formats:
        raise InputError.single(path, "unknown file type", hint="use " + " or ".join(formats))
    if suffix == ".parquet":
        return _parquet(path)
    text = read_user_text(path, MAX_EVENT_FILE_BYTES, "CSV, JSON Lines or Parquet file")
    return _csv(path, text) if suffix == ".csv" else _json_lines(path, text)


def _json_lines(path: Path, text: str) -> list[Record]:
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError as exc:
            raise InputError.single(path, f"not valid JSON: {exc}", line=number) from None
        if not isinstance(value, dict):
            raise InputError.single(path, "expected a JSON object per line", line=number)
        records.append((number, value))
    return records


def _csv(path: Path, text: str) -> list[Record]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    records, problems = [], []
    try:
        for row in reader:
            if None in row:  # DictReader's key for the cells beyond the header
                extra = len(row[None])
                message = f"{extra} more fields than the header"
                problems.append(Problem(str(path), message, reader.line_num))
                continue
            # Empty cells mean "not given", as in most exports.
            records.append((reader.line_num, {k: v for k, v in row.items() if v not in ("", None)}))
    except csv.Error as exc:
        # A field larger than csv's limit …: line_num counts the lines of the rows read before.
        line = reader.line_num + 1
        raise InputError.single(path, f"not valid CSV: {exc}", line=line) from None
    if problems:
        raise InputError(problems)
    return records


def _parquet(path: Path) -> list[Record]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        if path.is_dir():
            raise InputError.single(path, "is a folder, expected a Parquet file")
        size = path.stat().st_size
        if size > MAX_EVENT_FILE_BYTES:
            raise InputError.single(
                path, f"file is {size} bytes; the limit is {MAX_EVENT_FILE_BYTES}"
            )
        rows: list[dict[str, Any]] = pq.read_table(path).to_pylist()
    except FileNotFoundError:
        raise InputError.single(path, "file not found") from None
    except (OSError, ValueError, OverflowError, pa.ArrowException) as exc:
        # ArrowInvalid is a ValueError; out-of-range times surface as ValueError/OverflowError.
        raise InputError.single(path, f"not a readable Parquet file: {exc}") from None
    return list(enumerate(rows, start=1))


def validate_records(path: Path, records: list[Record], model: type[R]) -> list[tuple[int, R]]:
    """Each record as ``model``; every bad value of every row is reported, by line and field."""
    rows, problems = [], []
    for line, record in records:
        try:
            rows.append((line, model.model_validate(record)))
        except ValidationError as exc:
            for error in exc.errors():
                field = ".".join(str(p) for p in error["loc"])
                message = str(error["msg"]).removeprefix("Value error, ")
                problems.append(Problem(str(path), message, line, field))
    if problems:
        raise InputError(problems)
    return rows


def source_name(base: Path, entry: str) -> str:
    """One name per file however a team spells it: its path from ``base``, else its full path."""
    path = (base / entry).resolve()
    try:
        return path.relative_to(base.resolve()).as_posix()
    except ValueError:
        return str(path)

"""Scan one repository into a Snapshot: list, read once, search, parse what needs parsing."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ahocorasick_rs import BytesAhoCorasick

from mlmaturity.evidence.repo.history import read_history
from mlmaturity.evidence.repo.listing import Skipped, list_files
from mlmaturity.evidence.repo.pyfacts import parse_all
from mlmaturity.evidence.repo.reader import BoundedReader, ReadRefused, is_binary
from mlmaturity.evidence.repo.snapshot import (
    MODEL_MAGIC_BYTES,
    NOT_TEXT,
    Notebook,
    Snapshot,
    line_hits,
    matches_any,
)

# Files whose Python is parsed: only those that mention a loader worth checking.
PARSE_TRIGGERS = (b"pickle", b"joblib", b"torch.load", b"dill", b"read_pickle")
MODEL_SUFFIXES = frozenset(
    ".pkl .pickle .joblib .pt .pth .ckpt .bin .dill .sav .model .h5 .keras".split()
)


@dataclass(frozen=True)
class ScanPlan:
    """What every registered repository check needs: keywords to find and files to keep."""

    keywords: list[str]
    reads: tuple[str, ...]

    @property
    def automaton(self) -> BytesAhoCorasick:
        return BytesAhoCorasick([k.encode() for k in self.keywords])


def _notebook(path: str, data: bytes) -> Notebook:
    document = json.loads(data)
    cells = document.get("cells", []) if isinstance(document, dict) else []
    code = [c for c in cells if isinstance(c, dict) and c.get("cell_type") == "code"]

    def lines(cell: dict[str, object]) -> int:
        source = cell.get("source", "")
        return len(source) if isinstance(source, list) else str(source).count("\n") + 1

    return Notebook(
        path=path,
        code_cells=len(code),
        code_lines=sum(lines(c) for c in code),
        cells_with_outputs=sum(1 for c in code if c.get("outputs")),
    )


def scan_repository(root: Path, name: str, plan: ScanPlan, *, history: bool = True) -> Snapshot:
    listing = list_files(root)
    snapshot = Snapshot(name=name, root=root, files=listing.files, skipped=list(listing.skipped))
    reader = BoundedReader(root)
    automaton = plan.automaton
    to_parse: list[tuple[str, bytes]] = []
    for path in listing.files:
        suffix = PurePosixPath(path).suffix.lower()
        try:
            if suffix in NOT_TEXT:
                if suffix in MODEL_SUFFIXES:
                    snapshot.magic[path] = reader.read(path, limit=MODEL_MAGIC_BYTES)
                continue
            data = reader.read(path)
        except ReadRefused as exc:
            snapshot.skipped.append(Skipped(path, str(exc)))
            continue
        if is_binary(data):
            snapshot.skipped.append(Skipped(path, "binary content, not read as text"))
            continue
        _take(snapshot, path, suffix, data, plan, automaton, to_parse)
    facts, failed = parse_all(to_parse, workers=os.cpu_count() or 1)
    snapshot.python_facts = facts
    snapshot.unparsed = failed
    if history and listing.is_git:
        snapshot.history = read_history(root)
    return snapshot


def _take(
    snapshot: Snapshot,
    path: str,
    suffix: str,
    data: bytes,
    plan: ScanPlan,
    automaton: BytesAhoCorasick,
    to_parse: list[tuple[str, bytes]],
) -> None:
    """Search one file's text and keep what the checks asked for."""
    matches = automaton.find_matches_as_indexes(data, overlapping=True)
    if matches:
        for keyword, hits in line_hits(path, data, matches, plan.keywords).items():
            snapshot.hit_files[keyword].add(path)
            room = 200 - len(snapshot.hits[keyword])
            snapshot.hits[keyword].extend(hits[: max(0, room)])
    if matches_any(path, plan.reads):
        snapshot.texts[path] = data.decode("utf-8", "replace")
    if suffix == ".py":
        snapshot.python_lines += data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
        if any(trigger in data for trigger in PARSE_TRIGGERS):
            to_parse.append((path, data))
    elif suffix == ".ipynb":
        try:
            snapshot.notebooks.append(_notebook(path, data))
        except (ValueError, TypeError, AttributeError):
            snapshot.skipped.append(Skipped(path, "notebook is not valid JSON"))


def plan_for(checks: Sequence[object], extra_reads: Sequence[str] = ()) -> ScanPlan:
    """One plan for all checks: the union of their keywords and of the files they read."""
    keywords = sorted({k for c in checks for k in getattr(c, "keywords", ())})
    reads = tuple(sorted({r for c in checks for r in getattr(c, "reads", ())} | set(extra_reads)))
    return ScanPlan(keywords, reads)

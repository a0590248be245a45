"""Collectors do the I/O for one kind of source and hand what they read to the checks.

A collector registers itself for a source kind with ``@collector``. Built-in collectors
are the modules of this package, found by walking it, so adding one never edits a list.
A kind with no collector is reported as such, never silently ignored.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlmaturity.errors import InputError, Problem
from mlmaturity.evidence.finding import Finding
from mlmaturity.words import plural
from mlmaturity.workspace import SourceKind


@dataclass(frozen=True)
class TeamSources:
    """One team's entries for one source kind; relative paths start at ``base``."""

    team: str
    kind: SourceKind
    entries: Sequence[str]
    base: Path
    file: str = "mlmaturity.yaml"
    """The workspace file that lists them, for error messages."""
    settings: Mapping[str, Any] = field(default_factory=dict)
    """Workspace settings a collector needs (cost allocation rules …)."""


@dataclass
class Collected:
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    events: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    unread: list[tuple[str, str]] = field(default_factory=list)
    """(team, source) pairs that could not be read this time (a server down): the events
    stored from them before are kept, not replaced by nothing."""

    def merge(self, other: Collected) -> None:
        self.findings.extend(other.findings)
        self.notes.extend(other.notes)
        self.unread.extend(other.unread)
        for table, rows in other.events.items():
            self.events.setdefault(table, []).extend(rows)


Collector = Callable[[TeamSources], Collected]
BatchCollector = Callable[[Sequence[TeamSources]], list[Collected]]
"""Collects several teams' sources of one kind at once (one Collected each, in order)."""
_COLLECTORS: dict[str, Collector] = {}
_BATCH: dict[str, BatchCollector] = {}


def collector(
    kind: SourceKind, *, batch: BatchCollector | None = None
) -> Callable[[Collector], Collector]:
    """Register the decorated function as the collector for ``kind``; ``batch``, if given,
    collects every team's sources of that kind at once (repository scans share the cores)."""

    def register(function: Collector) -> Collector:
        if kind in _COLLECTORS:
            raise ValueError(f"a collector for '{kind}' is registered twice")
        _COLLECTORS[kind] = function
        if batch is not None:
            _BATCH[kind] = batch
        return function

    return register


BUILTIN_PACKAGES = ("mlmaturity.evidence", "mlmaturity.events")
"""Packages whose modules hold the built-in collectors and checks (evidence, event importers)."""


_WALKED: set[str] = set()


def load_builtin(kind: SourceKind | None = None) -> None:
    """Import every module of the built-in packages so their decorators run.

    With a ``kind``, a package that declares it never registers for that kind
    (``NOT_FOR_KINDS`` in its ``__init__``) is not walked: a repository scan need not import
    the event importers.
    """
    for name in BUILTIN_PACKAGES:
        if name in _WALKED:
            continue
        package = importlib.import_module(name)
        if kind is not None and kind in getattr(package, "NOT_FOR_KINDS", ()):
            continue
        for module in pkgutil.walk_packages(package.__path__, f"{name}."):
            importlib.import_module(module.name)
        _WALKED.add(name)


def collector_for(kind: SourceKind) -> Collector | None:
    load_builtin()
    return _COLLECTORS.get(kind)


def collect(sources: TeamSources) -> Collected:
    """Run the collector for ``sources.kind``, or say plainly that there is none yet."""
    run = collector_for(sources.kind)
    if run is None:
        count = len(sources.entries)
        return Collected(
            notes=[f"{sources.kind}: no collector yet; {plural(count, 'source')} listed, none read"]
        )
    return run(sources)


def collect_many(sources: Sequence[TeamSources]) -> list[Collected]:
    """collect() for each of ``sources``, in order; a kind with a batch collector runs once
    for all of its sources."""
    load_builtin()
    results: dict[int, Collected] = {}
    by_kind: dict[str, list[int]] = {}
    problems: list[Problem] = []  # every team's bad input, reported at once
    for index, source in enumerate(sources):
        by_kind.setdefault(source.kind, []).append(index)
    for kind, indexes in by_kind.items():
        batch = _BATCH.get(kind)
        try:
            if batch is not None:
                results.update(zip(indexes, batch([sources[i] for i in indexes]), strict=True))
                continue
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        for i in indexes:
            try:
                results[i] = collect(sources[i])
            except InputError as exc:
                problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return [results[i] for i in range(len(sources))]

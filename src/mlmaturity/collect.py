"""Collection: run every team's collectors; findings go to scoring, events to the event store."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mlmaturity.errors import InputError
from mlmaturity.evidence.annotate import annotate
from mlmaturity.evidence.collectors import Collected, TeamSources, collect
from mlmaturity.workspace import Team, Workspace, load_workspace


def collect_team(workspace: Workspace, team: Team) -> Collected:
    """Run each source kind's collector for one team and gather what they found."""
    gathered = Collected()
    for kind, entries in workspace.sources(team).items():
        settings = {"cost_allocation": workspace.spec.cost_allocation}
        sources = TeamSources(team.id, kind, entries, workspace.root, str(workspace.path), settings)
        gathered.merge(collect(sources))
    if team.annotations:
        gathered.findings = [annotate(f, team.annotations) for f in gathered.findings]
    return gathered


@dataclass
class CollectSummary:
    """What `mlmaturity collect` stored: rows per event table, and what it could not read."""

    rows: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def store_events(workspace: Workspace, collected: list[Collected]) -> dict[str, int]:
    """Write every collected event to the workspace's event store; rows stored per table."""
    import pyarrow as pa

    from mlmaturity.events.store import EventStore
    from mlmaturity.events.tables import TABLES

    store = EventStore.for_workspace(workspace.root)
    by_table: dict[str, list[dict[str, object]]] = {}
    for gathered in collected:
        for table, rows in gathered.events.items():
            by_table.setdefault(table, []).extend(rows)
    stored = {}
    for table, rows in sorted(by_table.items()):
        if table in TABLES and rows:
            schema = TABLES[table].schema
            stored[table] = store.write(table, pa.Table.from_pylist(rows, schema=schema))
    return stored


def collect_workspace(path: Path) -> CollectSummary:
    """Collect every team of the workspace at ``path`` and store their events."""
    workspace = load_workspace(path)
    gathered, problems = [], []
    for team in workspace.spec.teams:
        try:
            gathered.append(collect_team(workspace, team))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    try:
        stored = store_events(workspace, gathered)
    except OSError as exc:
        folder = workspace.root / ".mlmaturity"
        raise InputError.single(folder, f"cannot be written: {exc.strerror}") from None
    summary = CollectSummary(rows=stored)
    summary.notes = [note for g in gathered for note in g.notes]
    return summary

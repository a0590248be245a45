"""Collection: run every team's collectors; findings go to scoring, events to the event store.

The store then holds what the workspace's sources yield now: an edited or deleted row, an
emptied file or a source no longer listed leaves nothing behind (only tables marked
``accumulates`` keep older rows, while their source is listed).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlmaturity.errors import InputError, Problem
from mlmaturity.events.records import source_name
from mlmaturity.evidence.annotate import annotate
from mlmaturity.evidence.collectors import Collected, TeamSources, collect_many
from mlmaturity.workspace import SourceKind, Team, Workspace, load_workspace

if TYPE_CHECKING:
    import pyarrow as pa

ONE_TEAM_KINDS: tuple[SourceKind, ...] = ("deployments", "incidents", "drift", "business_metrics")
"""Event files whose rows belong to the team that lists them: two teams may not list one."""


def collect_teams(
    workspace: Workspace, teams: Sequence[Team] | None = None, *, now: datetime | None = None
) -> list[Collected]:
    """Run each source kind's collector for each team (all of them by default) and gather
    what they found, one Collected per team; kinds that can are collected for all the teams
    at once (their repositories are scanned in parallel).

    ``now`` is the collection time (default: the present): registry snapshots are stamped
    with it and repository history is read for the 90 days before it, so that a workspace
    can be collected "as of" a date.
    """
    teams = list(workspace.spec.teams if teams is None else teams)
    sources, owners = [], []
    for position, team in enumerate(teams):
        settings = collection_settings(workspace, team, now)
        for kind, entries in workspace.sources(team).items():
            sources.append(
                TeamSources(team.id, kind, entries, workspace.root, str(workspace.path), settings)
            )
            owners.append(position)
    gathered = [Collected() for _ in teams]
    for position, collected in zip(owners, collect_many(sources), strict=True):
        gathered[position].merge(collected)
    for team, collected in zip(teams, gathered, strict=True):
        if team.annotations:
            collected.findings = [annotate(f, team.annotations) for f in collected.findings]
    return gathered


def collect_team(workspace: Workspace, team: Team) -> Collected:
    """Run each source kind's collector for one team and gather what they found."""
    return collect_teams(workspace, [team])[0]


def collection_settings(
    workspace: Workspace, team: Team, now: datetime | None = None
) -> dict[str, Any]:
    """What collectors need to know beyond one team's entries of one kind."""
    cost_files: dict[str, list[str]] = defaultdict(list)
    for other in workspace.spec.teams:
        for entry in other.sources.costs:
            listed_by = cost_files[source_name(workspace.root, entry)]
            if other.id not in listed_by:
                listed_by.append(other.id)
    return {
        "cost_allocation": workspace.spec.cost_allocation,
        "mlflow": workspace.spec.mlflow,
        "teams": [t.id for t in workspace.spec.teams],
        "cost_files": dict(cost_files),
        "source_kinds": list(workspace.sources(team)),
        "now": now,
    }


def shared_file_problems(workspace: Workspace) -> list[Problem]:
    """Event files listed by more than one team: their facts would be counted twice."""
    listed: dict[str, list[str]] = defaultdict(list)
    for team in workspace.spec.teams:
        for kind in ONE_TEAM_KINDS:
            for entry in getattr(team.sources, kind):
                teams = listed[str(workspace.resolve(entry))]
                if team.id not in teams:
                    teams.append(team.id)
    hint = (
        "a fact belongs to one team: split the file per team "
        "(a FOCUS cost export may be shared; it is allocated by its tags)"
    )
    return [
        Problem(
            path, f"listed by teams {' and '.join(teams)}: its events would count twice", hint=hint
        )
        for path, teams in listed.items()
        if len(teams) > 1
    ]


@dataclass
class CollectSummary:
    """What `mlmaturity collect` stored: rows per event table, and what it could not read."""

    rows: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def store_events(workspace: Workspace, collected: list[Collected]) -> dict[str, int]:
    """Replace the workspace's event tables by what was collected; rows stored per table.

    Stored rows are kept only from sources that could not be read this time, and, in tables
    that accumulate, from sources still listed. A table left with nothing is deleted, so that
    its KPIs say what they need.
    """
    import pyarrow as pa

    from mlmaturity.events.store import EventStore
    from mlmaturity.events.tables import TABLES

    problems = shared_file_problems(workspace)
    if problems:
        raise InputError(problems)
    by_table: dict[str, list[dict[str, object]]] = {}
    for gathered in collected:
        for table, rows in gathered.events.items():
            by_table.setdefault(table, []).extend(rows)
    unread = {pair for gathered in collected for pair in gathered.unread}
    listed = {
        (team.id, entry)
        for team in workspace.spec.teams
        for entries in workspace.sources(team).values()
        for entry in entries
    }
    store = EventStore.for_workspace(workspace.root)
    with store.locked(exclusive=True):
        contents: dict[str, pa.Table | None] = {}
        for name, spec in TABLES.items():
            keep = unread | listed if spec.accumulates else unread
            stored = store.read(name) if keep else None
            kept = [] if stored is None else [_from_sources(stored, keep)]
            if name not in by_table and not any(t.num_rows for t in kept):
                if store.exists(name):
                    contents[name] = None
                continue
            rows = pa.Table.from_pylist(by_table.get(name, []), schema=spec.schema)
            contents[name] = pa.concat_tables([*kept, rows])  # the rows collected now win
        return store.replace(contents)


def _from_sources(stored: pa.Table, sources: set[tuple[str, str]]) -> pa.Table:
    """Stored rows whose (team, source) is one of ``sources``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    wanted = pa.array([f"{team}\x1f{source}" for team, source in sources], pa.string())
    pairs = pc.binary_join_element_wise(stored["team"], stored["source"], "\x1f")
    return stored.filter(pc.is_in(pairs, value_set=wanted))


def collect_workspace(path: Path) -> CollectSummary:
    """Collect every team of the workspace at ``path`` and store their events."""
    workspace = load_workspace(path)
    gathered = collect_teams(workspace)
    try:
        stored = store_events(workspace, gathered)
    except OSError as exc:
        folder = workspace.root / ".mlmaturity"
        reason = f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
        raise InputError.single(folder, f"cannot be written: {reason}") from None
    summary = CollectSummary(rows=stored)
    summary.notes = list(dict.fromkeys(note for g in gathered for note in g.notes))
    return summary

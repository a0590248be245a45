"""The ``mlflow`` source kind: each entry is a tracking URI or an ``mlruns`` folder.

SQL URIs (``sqlite:///…``, ``postgresql://…``, ``mysql://…``) are read with read-only SQL; a
path to a ``.db``/``.sqlite`` file is the same as its ``sqlite:///`` URI; ``http(s)://`` servers
and ``mlruns`` folders are read through the MLflow client. A store that cannot be read makes
its checks ``error`` findings with the reason and a note: the rest of the collection goes on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote

from mlmaturity.events.mlflowstore.checks import MlflowEvidence
from mlmaturity.events.mlflowstore.derive import derive, metric_globs, wanted_tags
from mlmaturity.events.mlflowstore.records import StoreContents
from mlmaturity.events.mlflowstore.sql import StoreError, is_sql_uri, read_sql_store, redact_uri
from mlmaturity.evidence.collectors import Collected, TeamSources, collector
from mlmaturity.evidence.finding import Finding, Outcome
from mlmaturity.evidence.registry import registered_checks
from mlmaturity.workspace import MlflowSettings

SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3")


def tracking_uri(entry: str, base: Path) -> str:
    """The URI to read for a workspace entry; relative paths start at the workspace folder."""
    scheme = entry.split(":", 1)[0].lower() if "://" in entry else ""
    if scheme == "sqlite":
        path = entry.split(":///", 1)[1] if ":///" in entry else ""
        if path and not path.startswith("/"):
            return f"sqlite:///{(base / path).resolve()}"
        return entry
    if scheme:
        return entry
    local = (base / entry).resolve()
    if local.suffix.lower() in SQLITE_SUFFIXES:
        return f"sqlite:///{local}"
    return local.as_uri()


def read_store(uri: str, settings: MlflowSettings) -> StoreContents:
    if is_sql_uri(uri):
        return read_sql_store(uri, wanted_tags(settings), metric_globs(settings))
    registry = True
    if uri.startswith("file:"):
        folder = Path(unquote(uri.removeprefix("file://")))
        if not folder.is_dir():
            raise StoreError(f"no mlruns folder at {folder}")
        # MLflow's file store creates what it misses: only a folder it wrote is read, and
        # without a registry folder the registry is not asked (it would create one).
        if not (folder / ".trash").is_dir():
            raise StoreError(f"{folder} is not an mlruns folder written by MLflow (no .trash)")
        registry = (folder / "models").is_dir()
    elif not uri.startswith(("http://", "https://")):
        raise StoreError(
            "not a tracking URI mlmaturity reads: use sqlite:///, postgresql://, mysql://, "
            "http(s):// or a path to an mlruns folder"
        )
    from mlmaturity.events.mlflowstore.client import read_with_client

    return read_with_client(uri, wanted_tags(settings), metric_globs(settings), registry=registry)


def _earlier_snapshots(base: Path, team: str, source: str) -> list[dict[str, Any]]:
    import pyarrow.compute as pc

    from mlmaturity.events.store import EventStore

    stored = EventStore.for_workspace(base).read("registry_snapshots")
    if stored is None:
        return []
    # Filtered in Arrow: only this store's rows become Python objects.
    mine = (pc.field("team") == team) & (pc.field("source") == source)
    rows: list[dict[str, Any]] = stored.filter(mine).to_pylist()
    return rows


@collector("mlflow")
def collect_mlflow(sources: TeamSources) -> Collected:
    settings = sources.settings.get("mlflow") or MlflowSettings()
    checks = registered_checks("mlflow")
    gathered = Collected()
    for entry in sources.entries:
        source = redact_uri(entry)
        try:
            contents = read_store(tracking_uri(entry, sources.base), settings)
            if sources.settings.get("now") is not None:  # collected "as of" a given time
                contents.collected_at = sources.settings["now"]
        except StoreError as exc:
            gathered.notes.append(f"mlflow {source}: unavailable: {exc}")
            gathered.unread.append((sources.team, source))  # keep what was stored from it
            gathered.findings += [
                Finding(
                    check=c,
                    subject=source,
                    outcome=Outcome.ERROR,
                    detail=f"store unavailable: {exc}",
                )
                for c in checks
            ]
            continue
        evidence = MlflowEvidence(contents, settings, source)
        gathered.findings += [spec.finding(evidence, source) for spec in checks.values()]
        earlier = _earlier_snapshots(sources.base, sources.team, source)
        gathered.merge(Collected(events=derive(contents, settings, sources.team, source, earlier)))
    return gathered

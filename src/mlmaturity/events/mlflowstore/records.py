"""What the collector reads from an MLflow store, the same whichever way it was read.

SQL stores, the REST API and ``mlruns`` folders all become these plain records, so the
derivations (triggers, evaluations, production versions) and the checks see one shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

GIT_COMMIT_TAG = "mlflow.source.git.commit"
SOURCE_TYPE_TAG = "mlflow.source.type"
LOG_MODEL_HISTORY_TAG = "mlflow.log-model.history"
DATASET_CONTEXT_TAG = "mlflow.data.context"
PARENT_RUN_TAG = "mlflow.parentRunId"


def from_millis(value: int | float | None) -> datetime | None:
    """MLflow keeps times as epoch milliseconds; out-of-range values are treated as missing."""
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(int(value) / 1000, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def version_order(version: str) -> tuple[int, str]:
    """Registry versions are numbers; order them as numbers ("10" after "9")."""
    return (int(version), "") if version.isdigit() else (-1, version)


@dataclass(slots=True)
class Run:
    run_id: str
    experiment: str
    name: str
    status: str
    started_at: datetime | None
    ended_at: datetime | None
    source_type: str
    user: str
    tags: dict[str, str] = field(default_factory=dict)
    """Only the tags the collector asks for (commit, source, trigger, scheduler and CI tags)."""
    metrics: dict[str, float] = field(default_factory=dict)
    """Latest value of each metric whose name matches an evaluation pattern."""
    dataset_contexts: list[str] = field(default_factory=list)
    """The context (training, testing …) of each logged input dataset."""
    logged_model: bool = False
    has_signature: bool | None = None
    """None when the run logged a model whose signature could not be looked at."""


@dataclass(slots=True)
class Version:
    model: str
    version: str
    created_at: datetime | None
    updated_at: datetime | None
    run_id: str
    stage: str
    status: str
    description: str
    aliases: list[str] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)


@dataclass
class StoreContents:
    """One MLflow store at one moment."""

    uri: str
    """Where it was read, with any password removed."""
    generation: str
    """Which schema it has (see ``mlflowstore.sql._Schema.generation``), or the client."""
    collected_at: datetime
    runs: list[Run] = field(default_factory=list)
    versions: list[Version] = field(default_factory=list)
    tracks_datasets: bool = True
    """False for stores older than MLflow 2.4, which cannot record input datasets."""

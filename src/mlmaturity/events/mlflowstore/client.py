"""Read an MLflow tracking server (``http(s)://``) or an ``mlruns`` folder through the MLflow client.

Only read calls are made, page by page. The client is imported here and nowhere else: the
SQL path and the rest of mlmaturity never need it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from mlmaturity.dburl import redact
from mlmaturity.events.mlflowstore.records import (
    DATASET_CONTEXT_TAG,
    LOG_MODEL_HISTORY_TAG,
    Run,
    StoreContents,
    Version,
    from_millis,
    version_order,
)
from mlmaturity.events.mlflowstore.signatures import history_has_signature, mlmodel_has_signature
from mlmaturity.events.mlflowstore.sql import StoreError, metric_name_regex, redact_uri

PAGE_SIZE = 1000
HTTP_SETTINGS = {
    # The client's own defaults retry an unreachable server for minutes; fail in seconds.
    "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "2",
    "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "1",
    "MLFLOW_HTTP_REQUEST_TIMEOUT": "30",
    # Reading an mlruns folder is allowed; MLflow 3 refuses the file store unless told so.
    "MLFLOW_ALLOW_FILE_STORE": "true",
}


def _client(uri: str) -> Any:
    for name, value in HTTP_SETTINGS.items():
        os.environ.setdefault(name, value)
    try:
        from mlflow import MlflowClient
    except ImportError:
        raise StoreError(
            "reading an MLflow server or an mlruns folder needs the MLflow client: "
            "pip install 'mlmaturity[mlflow]'"
        ) from None
    return MlflowClient(tracking_uri=uri, registry_uri=uri)


def _pages(search: Callable[..., Any], **arguments: Any) -> Iterator[Any]:
    token = None
    while True:
        page = search(max_results=PAGE_SIZE, page_token=token, **arguments)
        yield from page
        token = page.token
        if not token:
            return


def read_with_client(
    uri: str, wanted_tags: Sequence[str], metric_globs: Sequence[str], *, registry: bool = True
) -> StoreContents:
    """Everything the collector needs, through the client's paginated search calls
    (``registry=False``: the tracking store only)."""
    client = _client(uri)
    from mlflow.exceptions import MlflowException

    try:
        return _read(client, uri, wanted_tags, metric_globs, registry)
    except (MlflowException, OSError) as exc:  # OSError: connection refused, unreadable folder
        message = str(getattr(exc, "message", None) or exc).strip()
        first = next(iter(message.splitlines()), "") or type(exc).__name__
        raise StoreError(redact(first, uri)) from None


def _read(
    client: Any, uri: str, wanted_tags: Sequence[str], metric_globs: Sequence[str], registry: bool
) -> StoreContents:
    contents = StoreContents(
        uri=redact_uri(uri), generation="MLflow client", collected_at=datetime.now(UTC)
    )
    experiments = {e.experiment_id: e.name for e in _pages(client.search_experiments)}
    wanted = set(wanted_tags)
    runs: dict[str, Run] = {}
    if experiments:
        for found in _pages(client.search_runs, experiment_ids=list(experiments)):
            run = _run(found, experiments, wanted, metric_name_regex(metric_globs))
            runs[run.run_id] = run
    _logged_models(client, list(experiments), runs)
    contents.runs = list(runs.values())
    if not registry:
        return contents
    models = list(_pages(client.search_registered_models))
    # Version search results leave aliases out; registered models list them.
    aliases: dict[tuple[str, str], list[str]] = {}
    for model in models:
        for alias, version in (getattr(model, "aliases", None) or {}).items():
            aliases.setdefault((model.name, str(version)), []).append(alias)
    contents.versions = sorted(
        (_version(v, aliases) for v in _pages(client.search_model_versions)),
        key=lambda v: (v.model, version_order(v.version)),
    )
    return contents


def _run(
    found: Any, experiments: dict[str, str], wanted: set[str], wanted_metrics: re.Pattern[str]
) -> Run:
    info, data = found.info, found.data
    history = data.tags.get(LOG_MODEL_HISTORY_TAG)
    contexts = []
    for dataset_input in getattr(found.inputs, "dataset_inputs", None) or []:
        tags = {t.key: t.value for t in dataset_input.tags or []}
        contexts.append((tags.get(DATASET_CONTEXT_TAG) or "").lower())
    return Run(
        run_id=info.run_id,
        experiment=experiments.get(info.experiment_id, ""),
        name=info.run_name or "",
        status=str(info.status or ""),
        started_at=from_millis(info.start_time),
        ended_at=from_millis(info.end_time),
        source_type="",
        user=info.user_id or "",
        tags={k: v for k, v in data.tags.items() if k in wanted},
        metrics={
            k: float(v) for k, v in data.metrics.items() if wanted_metrics.match(k) and v == v
        },
        dataset_contexts=contexts,
        logged_model=history is not None,
        has_signature=history_has_signature(history) if history is not None else None,
    )


def _logged_models(client: Any, experiment_ids: list[str], runs: dict[str, Run]) -> None:
    """MLflow 3 servers list logged models; their signature is readable when stored locally."""
    from mlflow.exceptions import MlflowException

    search = getattr(client, "search_logged_models", None)
    if search is None or not experiment_ids:
        return
    try:
        models = list(_pages(search, experiment_ids=experiment_ids))
    except MlflowException:  # an MLflow 2 server has no logged models: signatures from tags
        return
    for model in models:
        run = runs.get(getattr(model, "source_run_id", None) or "")
        if run is None:
            continue
        run.logged_model = True
        found = mlmodel_has_signature(getattr(model, "artifact_location", "") or "")
        if found:
            run.has_signature = True
        elif found is False and run.has_signature is None:
            run.has_signature = False


def _version(found: Any, aliases: dict[tuple[str, str], list[str]]) -> Version:
    stage = found.current_stage
    return Version(
        model=found.name,
        version=str(found.version),
        created_at=from_millis(found.creation_timestamp),
        updated_at=from_millis(found.last_updated_timestamp),
        run_id=found.run_id or "",
        stage=str(stage) if stage else "None",
        status=str(found.status or ""),
        description=found.description or "",
        aliases=sorted(
            set(getattr(found, "aliases", None) or [])
            | set(aliases.get((found.name, str(found.version)), []))
        ),
        tags=dict(found.tags or {}),
    )

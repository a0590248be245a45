"""The teams' MLflow stores, written with the real MLflow client from the timeline.

A new SQLite store costs MLflow seconds of schema migrations; the demo migrates one empty
store and copies it for each team that starts tracking (a copy of a migrated file is a store
MLflow opens at once). Runs carry params, metrics, input datasets and git tags; versions are
registered from logged models, and aliases move as the timeline promotes and rolls back.

The client dates runs as it is told, but stamps experiments, registered models, their
versions and logged models with the clock: each is dated afterwards, in the store, to the
moment of the timeline it belongs to (a version registered in a past quarter says so, and
an assessment as of that quarter sees it).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from mlmaturity.demo.plan import TeamPlan
from mlmaturity.demo.timeline import QuarterTimeline, TrainingRun
from mlmaturity.errors import InputError

EXPERIMENTS = {"pricing": "motor-risk", "claims": "claims-severity", "marketing": "churn"}
PRODUCTION_ALIAS = {"pricing": "champion", "claims": "prod"}
SIGNED = {"pricing"}
"""Teams whose logged models are saved with an input/output signature."""


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _digest(name: str, run: TrainingRun) -> str:
    return hashlib.sha256(f"{name}/{run.started.isoformat()}".encode()).hexdigest()[:8]


def import_mlflow() -> Any:
    """The MLflow client, or a clear error naming the extra that installs it."""
    os.environ.setdefault("MLFLOW_ENABLE_ASYNC_LOGGING", "false")
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    os.environ.setdefault("DO_NOT_TRACK", "true")
    try:
        import mlflow
    except ImportError:
        raise InputError.single(
            "mlflow",
            "the demo writes its MLflow stores with the MLflow client, which is not installed",
            hint="pip install 'mlmaturity[demo]'",
        ) from None
    logging.getLogger("mlflow").setLevel(logging.WARNING)  # no notes on migrating the store
    return mlflow


def store_path(root: Path, team: str) -> Path:
    return root / "mlflow" / f"{team}.db"


def _unsynced(client: Any) -> None:
    """Let SQLite skip syncing to disk at every commit: MLflow commits each call, and a demo
    store is rebuilt rather than recovered (about a sixth of the build; more on a busy disk)."""
    from sqlalchemy import event

    def unsynced(connection: Any, _: Any) -> None:
        connection.execute("PRAGMA synchronous = OFF")

    for store in (client._tracking_client.store, client._get_registry_client().store):
        event.listen(store.engine, "connect", unsynced)
        store.engine.dispose()  # pooled connections reconnect with the setting


_DATES = {
    "experiments": ("creation_time", "last_update_time", "experiment_id"),
    "registered_models": ("creation_time", "last_updated_time", "name"),
    "logged_models": ("creation_timestamp_ms", "last_updated_timestamp_ms", "model_id"),
}


def _date(client: Any, table: str, key: str, moment: datetime, *, created: bool = True) -> None:
    """Set the time the client stamped on a row of ``table`` (its creation, and its last
    update) to ``moment``; ``created=False`` sets the last update only."""
    from sqlalchemy import text

    created_column, updated_column, key_column = _DATES[table]
    columns = [updated_column, *([created_column] if created else [])]
    assignments = ", ".join(f"{c} = :at" for c in columns)
    with client._tracking_client.store.engine.begin() as connection:
        connection.execute(
            text(f"UPDATE {table} SET {assignments} WHERE {key_column} = :key"),
            {"at": _ms(moment), "key": key},
        )


def _date_version(client: Any, model: str, version: str, moment: datetime) -> None:
    from sqlalchemy import text

    with client._tracking_client.store.engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE model_versions SET creation_time = :at, last_updated_time = :at "
                "WHERE name = :model AND version = :version"
            ),
            {"at": _ms(moment), "model": model, "version": int(version)},
        )


class Tracking:
    """One MLflow store per team, under ``root/mlflow/``."""

    def __init__(self, root: Path, *, note: Callable[[str], None] = lambda _: None) -> None:
        self.root = root
        self.note = note
        self.template: Path | None = None
        self.clients: dict[str, Any] = {}
        self.experiments: dict[str, str] = {}
        self.live: dict[str, int | None] = {}
        """Each team's version in production (the alias holder)."""

    def _template(self) -> Path:
        if self.template is None:
            mlflow = import_mlflow()
            path = self.root / "mlflow" / ".template.db"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.unlink(missing_ok=True)
            client = mlflow.MlflowClient(tracking_uri=f"sqlite:///{path}")
            client.search_experiments()  # the store is created and migrated on first use
            client._tracking_client.store.engine.dispose()
            self.template = path
        return self.template

    def _client(self, team: TeamPlan, since: datetime) -> Any:
        """The team's client; a new store's experiment and registered model date from
        ``since``."""
        if team.id not in self.clients:
            mlflow = import_mlflow()
            path = store_path(self.root, team.id)
            shutil.copyfile(self._template(), path)
            uri = f"sqlite:///{path}"
            client = mlflow.MlflowClient(tracking_uri=uri, registry_uri=uri)
            _unsynced(client)
            artifacts = (self.root / "mlflow" / "artifacts" / team.id).resolve()
            experiment = client.create_experiment(
                EXPERIMENTS[team.id], artifact_location=artifacts.as_uri()
            )
            self.experiments[team.id] = experiment
            _date(client, "experiments", experiment, since)
            if team.id in PRODUCTION_ALIAS:
                client.create_registered_model(team.model, description=f"{team.name}: {team.model}")
                _date(client, "registered_models", team.model, since)
            self.clients[team.id] = client
        return self.clients[team.id]

    def write(self, team: TeamPlan, timeline: QuarterTimeline) -> int:
        """Log the quarter's runs and registry changes; the number of runs logged."""
        if not timeline.runs:
            return 0
        client = self._client(team, timeline.runs[0].started)
        # Registering a logged model's version looks the model up through the global client.
        import_mlflow().set_tracking_uri(client.tracking_uri)
        for run in timeline.runs:
            self._log(team, client, run)
        last = self._promotions(team, client, timeline)
        if team.id in PRODUCTION_ALIAS and last is not None:
            _date(client, "registered_models", team.model, last, created=False)
        return len(timeline.runs)

    def close(self) -> None:
        for client in self.clients.values():
            client._tracking_client.store.engine.dispose()
        if self.template is not None:
            self.template.unlink(missing_ok=True)

    def _log(self, team: TeamPlan, client: Any, run: TrainingRun) -> None:
        from mlflow.entities import Dataset, DatasetInput, InputTag, Metric, Param

        tags = {"mlflow.user": run.user}
        if run.commit:
            tags["mlflow.source.git.commit"] = run.commit
            tags["mlflow.source.type"] = "LOCAL" if run.ci_run is None else "JOB"
        if run.notebook:
            tags["mlflow.source.type"] = "NOTEBOOK"
        if run.trigger:
            tags["trigger"] = run.trigger
        if run.ci_run is not None:
            tags["github.run_id"] = str(run.ci_run)
        created = client.create_run(
            self.experiments[team.id],
            start_time=_ms(run.started),
            tags=tags,
            run_name=run.name or None,
        )
        run_id = created.info.run_id
        at = _ms(run.ended)
        client.log_batch(
            run_id,
            metrics=[Metric(k, v, at, 0) for k, v in run.metrics.items()],
            params=[Param(k, v) for k, v in run.params.items()],
        )
        if run.datasets:
            inputs = [
                DatasetInput(
                    Dataset(
                        name, _digest(name, run), "s3", f"s3://northwind-{team.id}/{name}.parquet"
                    ),
                    [InputTag("mlflow.data.context", context)],
                )
                for name, context in (
                    (team.id + "-train", "training"),
                    (team.id + "-holdout", "testing"),
                )
            ]
            client.log_inputs(run_id, datasets=inputs)
        model_id = location = None
        if run.release is not None and team.id in PRODUCTION_ALIAS:
            model_id, location = self._logged_model(team, client, run_id, run.ended)
        client.set_terminated(run_id, "FINISHED", end_time=at)
        if run.release is not None and team.id in PRODUCTION_ALIAS:
            release = run.release
            version = client.create_model_version(
                team.model,
                source=location,
                run_id=run_id if release.linked else None,
                model_id=model_id,
            ).version
            if release.approved_by:
                client.set_model_version_tag(
                    team.model, version, "approved_by", release.approved_by
                )
            if release.deployed is not None:
                client.set_model_version_tag(
                    team.model, version, "deployed_at", release.deployed.isoformat()
                )
            if team.id == "pricing":
                client.set_registered_model_alias(team.model, "challenger", version)
            _date_version(client, team.model, version, release.registered)
            release.version = int(version)

    def _logged_model(
        self, team: TeamPlan, client: Any, run_id: str, ended: datetime
    ) -> tuple[str, str]:
        from mlflow.models import Model, ModelSignature
        from mlflow.types import ColSpec, Schema

        logged = client.create_logged_model(
            self.experiments[team.id], name="model", source_run_id=run_id, model_type="sklearn"
        )
        folder = Path(logged.artifact_location.removeprefix("file://"))
        folder.mkdir(parents=True, exist_ok=True)
        card = Model(artifact_path="model", run_id=run_id, model_id=logged.model_id)
        if team.id in SIGNED:
            card.signature = ModelSignature(
                inputs=Schema(
                    [ColSpec("double", "driver_age"), ColSpec("double", "annual_mileage")]
                ),
                outputs=Schema([ColSpec("double", "claim_probability")]),
            )
        card.add_flavor(
            "python_function", loader_module="mlflow.sklearn", env={"virtualenv": "python_env.yaml"}
        )
        card.save(str(folder / "MLmodel"))
        (folder / "python_env.yaml").write_text(json.dumps({"python": "3.11.9"}) + "\n")
        client.finalize_logged_model(logged.model_id, "READY")
        _date(client, "logged_models", str(logged.model_id), ended)
        return str(logged.model_id), str(logged.artifact_location)

    def _promotions(
        self, team: TeamPlan, client: Any, timeline: QuarterTimeline
    ) -> datetime | None:
        """Move the production alias through the quarter's deployments and rollbacks; it ends
        on the last version deployed. When the registry last changed (None: no registry)."""
        alias = PRODUCTION_ALIAS.get(team.id)
        if alias is None:
            return None
        moves: list[tuple[datetime, int | None]] = []
        previous = self.live.get(team.id)
        for release in timeline.releases:
            if release.deployed is None:
                continue
            moves.append((release.deployed, release.version))
            if release.rolled_back is not None:
                moves.append((release.rolled_back, previous))
            else:
                previous = release.version
        for _, version in sorted(moves, key=lambda m: m[0]):
            if version is not None:
                client.set_registered_model_alias(team.model, alias, str(version))
                self.live[team.id] = version
        changes = [r.registered for r in timeline.releases] + [at for at, _ in moves]
        return max(changes, default=None)

"""MLflow stores for the collector's tests, written by the real MLflow client.

``populate`` writes the reference content every backend is tested with; the expected values in
the tests are read off this function. Older schema generations are made by running MLflow's
own migrations only up to the revision before a feature, then inserting the same kind of rows
with SQL (the client of today refuses to write to an old schema).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
os.environ.setdefault("MLFLOW_ENABLE_ASYNC_LOGGING", "false")

DAY_MS = 86_400_000
T0 = int(datetime(2026, 9, 1, tzinfo=UTC).timestamp() * 1000)
"""Runs start on consecutive days from here."""
BEFORE_ALIASES = "97727af70f4d"
"""The last MLflow migration before model aliases (MLflow 2.3) and input datasets (2.4)."""
BEFORE_LOGGED_MODELS = "0584bdc529eb"
"""The last MLflow migration before logged models (MLflow 3.0)."""

# run name -> (tags, metrics, dataset contexts, model to register, with a signature)
RUNS: dict[str, dict[str, Any]] = {
    "by-hand": {
        "tags": {"mlflow.source.git.commit": "1111111aaaaaaa", "mlflow.user": "alice"},
        "metrics": {"test_accuracy": 0.90, "train_loss": 0.30, "val_accuracy": 0.88},
        "datasets": ["training", "testing"],
        "register": "fraud",
        "signature": True,
    },
    "scheduled": {
        "tags": {"mlflow.source.git.commit": "2222222bbbbbbb", "airflow.dag_id": "retrain"},
        "metrics": {"test_accuracy": 0.93, "train_loss": 0.25},
        "datasets": ["training"],
        "register": "fraud",
        "signature": True,
    },
    "from-ci": {
        "tags": {"github.run_id": "981"},
        "metrics": {"accuracy": 0.91},
        "datasets": ["testing"],
        "register": "fraud",
        "signature": False,
    },
    "service-account": {
        "tags": {"mlflow.source.git.commit": "4444444ddddddd"},
        "user": "svc-trainer",
        "metrics": {"holdout_auc": 0.77},
        "datasets": [],
        "register": "churn",
        "signature": True,
    },
    "drift-retrain": {
        "tags": {"mlflow.source.git.commit": "5555555eeeeeee", "trigger": "drift"},
        "metrics": {"test_auc": 0.80},
        "datasets": ["training", "testing"],
        "register": "churn",
        "signature": True,
    },
}
FAILED_RUN = "crashed"


def _signature() -> Any:
    from mlflow.models import ModelSignature
    from mlflow.types import ColSpec, Schema

    return ModelSignature(
        inputs=Schema([ColSpec("double", "amount")]), outputs=Schema([ColSpec("long")])
    )


def populate(uri: str, artifacts: Path) -> dict[str, str]:
    """Write the reference content; returns run name -> run id."""
    import mlflow
    import pandas as pd
    from mlflow import MlflowClient

    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    experiment = client.create_experiment("fraud-models", artifact_location=artifacts.as_uri())
    frame = pd.DataFrame({"amount": [1.0, 2.0, 3.0]})
    ids: dict[str, str] = {}
    for day, (name, spec) in enumerate(RUNS.items()):
        tags = {"mlflow.user": spec.get("user", "bob"), **spec["tags"]}
        run = client.create_run(experiment, start_time=T0 + day * DAY_MS, tags=tags, run_name=name)
        run_id = run.info.run_id
        ids[name] = run_id
        for key, value in spec["metrics"].items():
            client.log_metric(run_id, key, value, timestamp=T0 + day * DAY_MS)
        with mlflow.start_run(run_id=run_id):
            for context in spec["datasets"]:
                dataset = mlflow.data.from_pandas(frame, name=f"{name}-{context}")
                mlflow.log_input(dataset, context=context)
            signature = _signature() if spec["signature"] else None
            mlflow.pyfunc.log_model(name="model", python_model=_Echo(), signature=signature)
        client.set_terminated(run_id, "FINISHED", end_time=T0 + day * DAY_MS + 3_600_000)
        if not client.search_registered_models(f"name = '{spec['register']}'"):
            client.create_registered_model(spec["register"])
        client.create_model_version(spec["register"], source=f"runs:/{run_id}/model", run_id=run_id)
    crashed = client.create_run(experiment, start_time=T0 + 9 * DAY_MS, run_name=FAILED_RUN)
    client.set_terminated(crashed.info.run_id, "FAILED", end_time=T0 + 9 * DAY_MS + 60_000)
    ids[FAILED_RUN] = crashed.info.run_id
    # fraud: v1 by hand, v2 scheduled (champion, described), v3 from CI; churn: v1, v2 (v1 tagged).
    client.set_registered_model_alias("fraud", "champion", "2")
    client.update_model_version("fraud", "2", description="Approved by the risk board")
    client.set_registered_model_alias("fraud", "challenger", "3")
    client.set_registered_model_alias("churn", "prod", "1")
    client.set_model_version_tag("churn", "1", "deployed_at", "2026-09-20T10:00:00Z")
    return ids


class _Echo:
    """A trivial pyfunc model (the tests never load it)."""

    def __new__(cls) -> Any:
        import mlflow.pyfunc

        class Echo(mlflow.pyfunc.PythonModel):
            def predict(self, context: Any, model_input: Any, params: Any = None) -> Any:
                return model_input

        return Echo()


def move_alias(uri: str, model: str, alias: str, version: str) -> None:
    from mlflow import MlflowClient

    MlflowClient(tracking_uri=uri, registry_uri=uri).set_registered_model_alias(
        model, alias, version
    )


def migrate_to(sqlite_uri: str, revision: str) -> None:
    """An empty store at ``revision``: MLflow's initial tables, then its migrations up to there."""
    from alembic import command
    from mlflow.store.db.utils import _get_alembic_config
    from mlflow.store.tracking.dbmodels.initial_models import Base
    from sqlalchemy import create_engine

    engine = create_engine(sqlite_uri)
    Base.metadata.create_all(engine)
    config = _get_alembic_config(sqlite_uri)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    engine.dispose()


def fill_old_store(sqlite_uri: str) -> None:
    """Rows of the kind MLflow 2.2 wrote: runs, tags, latest metrics, versions with stages."""
    from sqlalchemy import create_engine, text

    engine = create_engine(sqlite_uri)
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage) VALUES (1, 'legacy', '/nowhere', 'active')"
            )
        )
        for i, (run_id, user, stage) in enumerate(
            [("a" * 32, "carol", "Archived"), ("b" * 32, "svc-ml", "Production")], start=1
        ):
            start = T0 + i * DAY_MS
            c.execute(
                text(
                    "INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, end_time, source_version, lifecycle_stage, artifact_uri, experiment_id) "
                    "VALUES (:r, :n, 'LOCAL', 'train.py', '', :u, 'FINISHED', :s, :e, '', 'active', '/nowhere', 1)"
                ),
                {"r": run_id, "n": f"legacy-{i}", "u": user, "s": start, "e": start + 1000},
            )
            c.execute(
                text(
                    "INSERT INTO tags (key, value, run_uuid) VALUES ('mlflow.source.git.commit', :v, :r)"
                ),
                {"v": f"{i}" * 10, "r": run_id},
            )
            c.execute(
                text(
                    "INSERT INTO tags (key, value, run_uuid) VALUES ('mlflow.log-model.history', :v, :r)"
                ),
                {
                    "v": '[{"artifact_path": "model", "signature": {"inputs": "[]"}}]'
                    if i == 2
                    else '[{"artifact_path": "model"}]',
                    "r": run_id,
                },
            )
            c.execute(
                text(
                    "INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES ('test_rmse', :v, :t, 0, 0, :r)"
                ),
                {"v": 1.0 / i, "t": start, "r": run_id},
            )
            if i == 1:
                c.execute(
                    text(
                        "INSERT INTO registered_models (name, creation_time, last_updated_time, description) VALUES ('legacy', :t, :t, '')"
                    ),
                    {"t": start},
                )
            c.execute(
                text(
                    "INSERT INTO model_versions (name, version, creation_time, last_updated_time, description, user_id, current_stage, source, run_id, status, status_message, run_link) VALUES ('legacy', :v, :t, :t, '', '', :stage, '', :r, 'READY', '', '')"
                ),
                {"v": i, "t": start, "stage": stage, "r": run_id},
            )
    engine.dispose()

"""Rebuild the example's MLflow stores with the real MLflow client (needs `pip install mlflow`).

    .venv/bin/python examples/acme/mlflow/build.py

Writes fraud.db and recsys.db next to this file. Fraud trains on a schedule from git, logs
its datasets and promotes versions with an alias; recommendations trains from notebooks by
hand and marks production with a legacy registry stage. The stores are committed, so the
example needs no MLflow install; this script is how they were made.
"""

from __future__ import annotations

import os
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("MLFLOW_ENABLE_ASYNC_LOGGING", "false")
HERE = Path(__file__).parent
START = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _fresh(name: str) -> str:
    path = HERE / f"{name}.db"
    path.unlink(missing_ok=True)
    return f"sqlite:///{path}"


def fraud() -> None:
    import mlflow
    import pandas as pd
    from mlflow import MlflowClient

    uri = _fresh("fraud")
    mlflow.set_tracking_uri(uri)
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    experiment = client.create_experiment("chargeback-risk", artifact_location="s3://acme-ml/fraud")
    client.create_registered_model("chargeback-risk", description="Chargeback risk model")
    rng = random.Random(7)
    frame = pd.DataFrame({"amount": [1.0, 2.0], "merchant": ["a", "b"]})
    auc = 0.90
    version = 0
    for week in range(26):
        started = START + timedelta(weeks=week)
        scheduled = week % 5 != 3  # one run in five is a data scientist's experiment
        tags = {"mlflow.source.git.commit": f"{rng.getrandbits(160):040x}"}
        tags |= {"airflow.dag_id": "fraud_retrain"} if scheduled else {"mlflow.user": "dana"}
        run = client.create_run(experiment, start_time=_ms(started), tags=tags, run_name=f"w{week}")
        run_id = run.info.run_id
        auc = min(0.97, auc + rng.uniform(-0.004, 0.008))
        for key, value in {"test_auc": auc, "val_auc": auc + 0.004, "train_loss": 0.2}.items():
            client.log_metric(run_id, key, round(value, 4), timestamp=_ms(started))
        with mlflow.start_run(run_id=run_id):
            mlflow.log_input(
                mlflow.data.from_pandas(frame, name="transactions"), context="training"
            )
            mlflow.log_input(mlflow.data.from_pandas(frame, name="holdout"), context="testing")
        client.set_terminated(run_id, "FINISHED", end_time=_ms(started + timedelta(hours=2)))
        if scheduled and week % 3 == 0:  # every third scheduled run is promoted
            version += 1
            client.create_model_version("chargeback-risk", f"runs:/{run_id}/model", run_id=run_id)
            deployed = started + timedelta(days=1, hours=rng.randint(0, 8))
            client.set_model_version_tag(
                "chargeback-risk", str(version), "deployed_at", deployed.isoformat()
            )
            client.set_model_version_tag(
                "chargeback-risk", str(version), "approved_by", "risk-board"
            )
    client.set_registered_model_alias("chargeback-risk", "champion", str(version))


def recsys() -> None:
    from mlflow import MlflowClient

    uri = _fresh("recsys")
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    experiment = client.create_experiment("recommender", artifact_location="s3://acme-ml/recsys")
    client.create_registered_model("ranker")
    rng = random.Random(11)
    for month in range(6):
        started = START + timedelta(days=30 * month + rng.randint(0, 20))
        tags = {"mlflow.source.type": "NOTEBOOK", "mlflow.user": "sam"}
        run = client.create_run(
            experiment, start_time=_ms(started), tags=tags, run_name=f"m{month}"
        )
        run_id = run.info.run_id
        client.log_metric(
            run_id, "ndcg_at_10", round(0.31 + 0.01 * month, 3), timestamp=_ms(started)
        )
        client.set_terminated(run_id, "FINISHED", end_time=_ms(started + timedelta(hours=5)))
        if month % 2 == 1:
            version = client.create_model_version("ranker", f"runs:/{run_id}/model", run_id=run_id)
            deployed = (started + timedelta(days=3)).isoformat()
            client.set_model_version_tag("ranker", version.version, "deployed_at", deployed)
    client.set_registered_model_alias("ranker", "prod", "3")


if __name__ == "__main__":
    fraud()
    recsys()
    print("wrote", *sorted(p.name for p in HERE.glob("*.db")))

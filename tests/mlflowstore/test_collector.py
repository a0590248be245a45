"""The MLflow collector on a SQLite store the real client wrote (see stores.populate)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from mlmaturity.collect import collect_workspace
from tests.kpi.workspaces import stored
from tests.mlflowstore.conftest import Store
from tests.mlflowstore.helpers import (
    by_run_name,
    digest,
    evaluations_of,
    findings,
    in_production,
    make_workspace,
)
from tests.mlflowstore.stores import move_alias

TRIGGERS = {
    "by-hand": "manual",
    "scheduled": "scheduled",
    "from-ci": "ci",
    "service-account": "automated",
    "drift-retrain": "drift",
    "crashed": "manual",
}
IN_PRODUCTION = {("fraud", "2"), ("churn", "1")}
EVALUATIONS = {
    ("fraud", "1", "test_accuracy", "holdout", 0.90),
    ("fraud", "1", "val_accuracy", "validation", 0.88),
    ("fraud", "1", "train_loss", "train", 0.30),
    ("fraud", "2", "test_accuracy", "holdout", 0.93),
    ("fraud", "2", "train_loss", "train", 0.25),
    # Named plainly, but the run logged only a testing dataset: held out.
    ("fraud", "3", "accuracy", "holdout", 0.91),
    ("churn", "1", "holdout_auc", "holdout", 0.77),
    ("churn", "2", "test_auc", "holdout", 0.80),
}


def test_collect_reads_runs_evaluations_and_versions_and_leaves_the_store_unchanged(
    sqlite_store: Store, tmp_path: Path
) -> None:
    assert sqlite_store.file is not None
    before = digest(sqlite_store.file)
    root = make_workspace(tmp_path / "ws", sqlite_store.uri)

    summary = collect_workspace(root)

    assert digest(sqlite_store.file) == before
    assert summary.notes == []
    runs = stored(root, "training_runs")
    assert by_run_name(runs, sqlite_store.runs, "trigger") == TRIGGERS
    assert by_run_name(runs, sqlite_store.runs, "commit")["by-hand"] == "1111111aaaaaaa"
    assert by_run_name(runs, sqlite_store.runs, "status")["crashed"] == "FAILED"
    assert by_run_name(runs, sqlite_store.runs, "model")["drift-retrain"] == "churn"
    assert evaluations_of(root) == EVALUATIONS
    assert in_production(root) == IN_PRODUCTION
    versions = {(r["model"], r["version"]): r for r in stored(root, "model_versions")}
    assert versions[("fraud", "3")]["aliases"] == "challenger"
    deployments = stored(root, "deployments")
    churn = next(d for d in deployments if d["model"] == "churn")
    # The deployed_at version tag dates the deployment exactly.
    assert churn["at"] == datetime(2026, 9, 20, 10, tzinfo=UTC)
    assert churn["commit"] == "4444444ddddddd"
    assert sorted((d["model"], d["version"], d["kind"]) for d in deployments) == [
        ("churn", "1", "deploy"),
        ("fraud", "2", "deploy"),
    ]


def test_the_checks_decide_from_the_store(sqlite_store: Store, tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "ws", sqlite_store.uri)

    found, notes = findings(root)

    outcomes = {check: f.outcome.value for check, f in found.items()}
    assert outcomes == {
        "mlflow-runs-have-commit": "pass",  # 4 of 5 finished runs
        "mlflow-runs-log-datasets": "pass",  # 4 of 5
        "mlflow-models-have-signature": "pass",  # 4 of 5, read from the MLmodel files
        "mlflow-registry-used": "pass",
        "mlflow-production-marked": "pass",
        "mlflow-production-linked-to-run": "pass",
        "mlflow-production-approved": "fail",  # churn v1 has neither description nor approval
        "mlflow-runs-automated": "pass",  # 4 of 6
        "holdout-metrics-logged": "pass",
        "retraining-automated-share": "pass",  # fraud v2 scheduled, churn v1 a service account
    }
    assert found["mlflow-runs-have-commit"].detail.startswith("4 of 5 (80%)")
    assert found["mlflow-models-have-signature"].detail.startswith("4 of 5")
    # The window is the 90 days up to the store's newest run, and the detail says so.
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=sqlite_store.client_uri)
    newest = max(client.get_run(r).info.start_time for r in sqlite_store.runs.values())
    day = datetime.fromtimestamp(newest / 1000, UTC)
    assert found["mlflow-runs-automated"].detail.endswith(
        f"runs of the 90 days up to the newest ({day:%Y-%m-%d}) were started by automation"
    )
    assert found["mlflow-production-marked"].detail == "2 versions marked as in production"
    assert "churn v1" in found["mlflow-production-approved"].locations[0].snippet
    assert notes == []


def test_stricter_settings_change_the_verdicts(sqlite_store: Store, tmp_path: Path) -> None:
    settings = {
        "production_aliases": ["champion"],
        "service_accounts": "^nobody$",
        "ci_tags": [],
        "scheduler_tags": [],
    }
    root = make_workspace(tmp_path / "ws", sqlite_store.uri, mlflow=settings)

    collect_workspace(root)

    runs = stored(root, "training_runs")
    triggers = by_run_name(runs, sqlite_store.runs, "trigger")
    assert triggers["scheduled"] == triggers["from-ci"] == triggers["service-account"] == "manual"
    assert triggers["drift-retrain"] == "drift"  # named outright by the trigger tag
    assert in_production(root) == {("fraud", "2")}


def test_alias_moves_between_collections_become_deployments_and_rollbacks(
    sqlite_store: Store, tmp_path: Path
) -> None:
    root = make_workspace(tmp_path / "ws", sqlite_store.uri)
    collect_workspace(root)
    move_alias(sqlite_store.client_uri, "fraud", "champion", "3")
    collect_workspace(root)
    move_alias(sqlite_store.client_uri, "fraud", "champion", "2")
    collect_workspace(root)
    collect_workspace(root)  # nothing moved: nothing new

    fraud = sorted(
        (d for d in stored(root, "deployments") if d["model"] == "fraud"), key=lambda d: d["at"]
    )
    assert [(d["version"], d["kind"]) for d in fraud] == [
        ("2", "deploy"),
        ("3", "deploy"),
        ("2", "rollback"),
    ]
    assert fraud[0]["at"] < fraud[1]["at"] < fraud[2]["at"]
    snapshots = stored(root, "registry_snapshots")
    assert len({s["collected_at"] for s in snapshots}) == 3  # the last saw no change


def test_findings_name_a_file_store_as_the_workspace_lists_it(
    sqlite_store: Store, tmp_path: Path
) -> None:
    """Never by the machine's absolute path: the reports travel to other machines."""
    assert sqlite_store.file is not None
    root = tmp_path / "ws"
    (root / "mlflow").mkdir(parents=True)
    shutil.copy(sqlite_store.file, root / "mlflow" / "claims.db")
    make_workspace(root, "mlflow/claims.db")

    found, notes = findings(root)

    assert notes == [] and len(found) == 10
    assert {f.subject for f in found.values()} == {"mlflow/claims.db"}
    assert {loc.path for f in found.values() for loc in f.locations} == {"mlflow/claims.db"}
    assert "churn v1" in found["mlflow-production-approved"].locations[0].snippet
    assert not any(str(tmp_path) in f.model_dump_json() for f in found.values())

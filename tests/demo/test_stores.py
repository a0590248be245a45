"""The demo's MLflow stores and event store, read with the MLflow client and pyarrow."""

from __future__ import annotations

import os
from datetime import UTC, datetime, time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.demo.conftest import QUARTERS

os.environ.setdefault("MLFLOW_ENABLE_ASYNC_LOGGING", "false")


def client(root: Path, team: str):
    from mlflow import MlflowClient

    uri = f"sqlite:///{root / 'mlflow' / f'{team}.db'}"
    return MlflowClient(tracking_uri=uri, registry_uri=uri)


def test_automated_team_registry(root: Path) -> None:
    mlflow = client(root, "pricing")
    [experiment] = [e for e in mlflow.search_experiments() if e.name == "motor-risk"]
    runs = mlflow.search_runs([experiment.experiment_id], max_results=1000)
    assert len(runs) >= 40
    scheduled = [r for r in runs if r.data.tags.get("trigger") == "scheduled"]
    assert len(scheduled) >= 20
    for run in scheduled:
        assert len(run.data.tags["mlflow.source.git.commit"]) == 40
        assert "test_roc_auc" in run.data.metrics and run.data.params["max_depth"] == "6"
        contexts = {
            t.value
            for d in run.inputs.dataset_inputs
            for t in d.tags
            if t.key == "mlflow.data.context"
        }
        assert contexts == {"training", "testing"}
    assert {r.data.tags.get("trigger") for r in runs} >= {"manual", "scheduled", "drift"}
    [model] = mlflow.search_registered_models()
    assert model.name == "motor-risk"
    versions = mlflow.search_model_versions("name = 'motor-risk'")
    newest = max(int(v.version) for v in versions)
    assert newest >= 25
    aliases = {alias: int(version) for alias, version in model.aliases.items()}
    assert aliases == {"champion": newest, "challenger": newest}
    first, last = QUARTERS[0].start.isoformat(), QUARTERS[-1].assessed_at.isoformat()
    for version in versions:
        assert version.run_id and version.tags["approved_by"]
        assert first <= version.tags["deployed_at"] <= last
        # Registered when the timeline says, not when the demo was built.
        registered = datetime.fromtimestamp(version.creation_timestamp / 1000, UTC)
        start = datetime.combine(QUARTERS[0].start, time(0), UTC)
        assert start <= registered <= datetime.fromisoformat(version.tags["deployed_at"])


def test_tracked_team_registry_by_hand(root: Path) -> None:
    mlflow = client(root, "claims")
    runs = mlflow.search_runs(
        [e.experiment_id for e in mlflow.search_experiments() if e.name == "claims-severity"]
    )
    assert {r.data.tags["mlflow.user"] for r in runs} == {"carlos", "hana"}
    assert all("trigger" not in r.data.tags for r in runs)  # nobody's pipeline started them
    [model] = mlflow.search_registered_models()
    assert model.name == "claims-severity"
    versions = mlflow.search_model_versions("name = 'claims-severity'")
    assert {a: int(v) for a, v in model.aliases.items()} == {
        "prod": max(int(v.version) for v in versions)
    }
    assert not any("approved_by" in v.tags for v in versions)


def test_notebook_team_tracks_from_q3_without_a_registry(root: Path) -> None:
    mlflow = client(root, "marketing")
    runs = mlflow.search_runs(
        [e.experiment_id for e in mlflow.search_experiments() if e.name == "churn"]
    )
    third = datetime.combine(QUARTERS[2].start, time(0), UTC).timestamp() * 1000
    assert runs and all(r.info.start_time >= third for r in runs)
    assert all(r.data.tags["mlflow.source.type"] == "NOTEBOOK" for r in runs)
    assert mlflow.search_registered_models() == []


def test_aliases_moved_between_collections(root: Path) -> None:
    """Each quarter's collection saw the champion on a newer version (registry snapshots)."""
    table = pq.read_table(root / ".mlmaturity" / "events" / "registry_snapshots.parquet")
    for team, alias in (("pricing", "champion"), ("claims", "prod")):
        rows = [
            r for r in table.to_pylist() if r["team"] == team and r["label"] == f"alias:{alias}"
        ]
        by_collection = sorted((r["collected_at"], int(r["version"])) for r in rows)
        assert [at for at, _ in by_collection] == [q.assessed_at for q in QUARTERS]
        versions = [v for _, v in by_collection]
        assert versions == sorted(versions) and len(set(versions)) == 4, versions


@pytest.mark.parametrize("name", ["report.md", "report.json", "report.html"])
def test_reports_written(root: Path, name: str) -> None:
    report = root / "reports" / name
    text = report.read_text()
    assert "Northwind Mutual" in text and "Motor pricing" in text
    assert report.stat().st_size < 3 * 1024 * 1024

"""Stores of older MLflow schema generations, made by MLflow's own migrations."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from mlmaturity.collect import collect_workspace
from mlmaturity.events.mlflowstore.sql import read_sql_store
from tests.kpi.workspaces import stored
from tests.mlflowstore.helpers import findings, make_workspace
from tests.mlflowstore.stores import (
    BEFORE_ALIASES,
    BEFORE_LOGGED_MODELS,
    fill_old_store,
    migrate_to,
)


@pytest.fixture(scope="module")
def before_aliases(tmp_path_factory: pytest.TempPathFactory) -> str:
    uri = f"sqlite:///{tmp_path_factory.mktemp('old') / 'mlflow.db'}"
    migrate_to(uri, BEFORE_ALIASES)
    fill_old_store(uri)
    return uri


def test_a_store_before_aliases_and_datasets_is_read_with_its_stages(
    before_aliases: str, tmp_path: Path
) -> None:
    contents = read_sql_store(before_aliases, ["mlflow.source.git.commit"], ["test_*"])
    assert contents.generation == "MLflow 1.x-2.2 (registry without aliases)"
    assert not contents.tracks_datasets
    root = make_workspace(tmp_path / "ws", before_aliases)

    collect_workspace(root)
    found, notes = findings(root)

    versions = {r["version"]: r for r in stored(root, "model_versions")}
    assert versions["2"]["in_production"] and versions["2"]["stage"] == "Production"
    assert not versions["1"]["in_production"]
    triggers = {r["run_id"][0]: r["trigger"] for r in stored(root, "training_runs")}
    assert triggers == {"a": "manual", "b": "automated"}  # b ran as svc-ml
    roles = {(r["version"], r["metric"], r["dataset_role"]) for r in stored(root, "evaluations")}
    assert roles == {("1", "test_rmse", "holdout"), ("2", "test_rmse", "holdout")}
    assert found["mlflow-runs-log-datasets"].outcome == "fail"
    assert "predates dataset tracking" in found["mlflow-runs-log-datasets"].detail
    # Signatures come from the run tag MLflow 2 wrote: one of two.
    assert found["mlflow-models-have-signature"].detail.startswith("1 of 2")
    assert found["mlflow-production-marked"].outcome == "pass"
    assert notes == []


def test_a_store_before_logged_models_reads_aliases_and_datasets(tmp_path: Path) -> None:
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    migrate_to(uri, BEFORE_LOGGED_MODELS)
    fill_old_store(uri)
    engine = create_engine(uri)
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO registered_model_aliases (alias, version, name) VALUES ('champion', 1, 'legacy')"
            )
        )
        c.execute(
            text(
                "INSERT INTO datasets (dataset_uuid, experiment_id, name, digest, dataset_source_type, dataset_source) VALUES ('d1', 1, 'train', 'x', 'code', '{}')"
            )
        )
        c.execute(
            text(
                "INSERT INTO inputs (input_uuid, source_type, source_id, destination_type, destination_id) VALUES ('i1', 'DATASET', 'd1', 'RUN', :r)"
            ),
            {"r": "a" * 32},
        )
        c.execute(
            text(
                "INSERT INTO input_tags (input_uuid, name, value) VALUES ('i1', 'mlflow.data.context', 'training')"
            )
        )
    engine.dispose()

    contents = read_sql_store(uri, [], ["test_*"])

    assert contents.generation == "MLflow 2.4-2.x"
    assert contents.tracks_datasets
    by_version = {v.version: v for v in contents.versions}
    assert by_version["1"].aliases == ["champion"]
    assert by_version["2"].stage == "Production"
    assert {r.run_id[0]: r.dataset_contexts for r in contents.runs} == {"a": ["training"], "b": []}

"""The same collector on MLflow stores in PostgreSQL and MariaDB, written by the real client."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from mlmaturity.collect import collect_workspace
from mlmaturity.events.mlflowstore.sql import _engine, redact_uri
from tests.kpi.workspaces import stored
from tests.mlflowstore.conftest import Store
from tests.mlflowstore.helpers import (
    by_run_name,
    evaluations_of,
    findings,
    in_production,
    make_workspace,
)
from tests.mlflowstore.test_collector import EVALUATIONS, IN_PRODUCTION, TRIGGERS


def test_a_server_store_gives_what_the_sqlite_store_gives(
    server_store: Store, tmp_path: Path
) -> None:
    root = make_workspace(tmp_path / "ws", server_store.uri)

    summary = collect_workspace(root)
    found, notes = findings(root)

    assert summary.notes == notes == []
    assert by_run_name(stored(root, "training_runs"), server_store.runs, "trigger") == TRIGGERS
    assert evaluations_of(root) == EVALUATIONS
    assert in_production(root) == IN_PRODUCTION
    assert found["mlflow-production-approved"].outcome == "fail"
    assert found["mlflow-runs-have-commit"].detail.startswith("4 of 5")
    # A server store is named by its URI as listed (without passwords), subject and location.
    assert {f.subject for f in found.values()} == {redact_uri(server_store.uri)}
    assert {loc.path for f in found.values() for loc in f.locations} == {
        redact_uri(server_store.uri)
    }


def test_the_collector_session_cannot_write(server_store: Store) -> None:
    engine = _engine(server_store.uri)
    try:
        with engine.connect() as connection, pytest.raises(SQLAlchemyError) as refused:
            connection.execute(text("UPDATE experiments SET name = 'changed'"))
    finally:
        engine.dispose()
    assert "read-only" in str(refused.value).lower() or "read only" in str(refused.value).lower()

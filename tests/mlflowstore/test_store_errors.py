"""A store that cannot be read makes its evidence unavailable; the rest is still collected."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlmaturity.cli import app
from mlmaturity.collect import collect_workspace
from mlmaturity.events.mlflowstore import sql
from tests.kpi.workspaces import stored
from tests.mlflowstore.conftest import Store
from tests.mlflowstore.helpers import findings, make_workspace

DEPLOYMENTS = "model,version,environment,at\nfraud,1,production,2026-09-01T00:00:00Z\n"


def _with_deployments(tmp_path: Path, store: str) -> Path:
    root = make_workspace(tmp_path / "ws", store, deployments=["deployments.csv"])
    (root / "deployments.csv").write_text(DEPLOYMENTS)
    return root


def _unavailable(root: Path, expected: str) -> None:
    found, notes = findings(root)
    assert len(notes) == 1 and "unavailable" in notes[0] and expected in notes[0], notes
    assert found["mlflow-registry-used"].outcome == "error"
    assert expected in found["mlflow-registry-used"].detail
    summary = collect_workspace(root)  # the deployments file is still collected
    assert [r["model"] for r in stored(root, "deployments")] == ["fraud"]
    assert any(expected in n for n in summary.notes)


def test_a_corrupt_file(tmp_path: Path) -> None:
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "mlflow.db").write_bytes(b"not a database at all " * 100)
    _unavailable(_with_deployments(tmp_path, "mlflow.db"), "not a readable SQLite database")


def test_a_missing_file(tmp_path: Path) -> None:
    _unavailable(_with_deployments(tmp_path, "sqlite:///gone.db"), "no SQLite file")


def test_a_database_that_is_not_mlflow(tmp_path: Path) -> None:
    (tmp_path / "ws").mkdir()
    with sqlite3.connect(tmp_path / "ws" / "other.db") as connection:
        connection.execute("CREATE TABLE things (id INTEGER)")
    _unavailable(_with_deployments(tmp_path, "other.db"), "not an MLflow tracking store")


def test_a_store_newer_than_we_know(sqlite_store: Store, tmp_path: Path) -> None:
    assert sqlite_store.file is not None
    with sqlite3.connect(sqlite_store.file) as connection:
        connection.execute("ALTER TABLE runs RENAME COLUMN start_time TO started_ms")
        connection.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'")
    _unavailable(_with_deployments(tmp_path, sqlite_store.uri), "lacks runs.start_time")
    _, notes = findings(tmp_path / "ws")
    assert "revision ffffffffffff" in notes[0]


def test_a_locked_store(
    sqlite_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sql, "LOCK_WAIT_SECONDS", 0.2)
    assert sqlite_store.file is not None
    writer = sqlite3.connect(sqlite_store.file, isolation_level=None)
    writer.execute("BEGIN EXCLUSIVE")
    try:
        root = _with_deployments(tmp_path, sqlite_store.uri)
        found, notes = findings(root)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert "locked" in notes[0]
    assert found["mlflow-runs-have-commit"].outcome == "error"


def test_an_unreachable_server_and_an_unknown_scheme(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "ws", "http://127.0.0.1:9", "ftp://example.com/store")
    _, notes = findings(root)
    assert len(notes) == 2
    assert notes[0].startswith("mlflow http://127.0.0.1:9: unavailable")
    assert "not a tracking URI mlmaturity reads" in notes[1]


def test_the_cli_reports_the_store_and_still_assesses(tmp_path: Path) -> None:
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "mlflow.db").write_bytes(b"\0" * 4096)
    root = _with_deployments(tmp_path, "mlflow.db")
    runner = CliRunner()

    collected = runner.invoke(app, ["collect", str(root)])
    assessed = runner.invoke(app, ["assess", str(root)])

    assert collected.exit_code == 0, collected.output
    assert "mlflow.db: unavailable" in collected.output
    assert assessed.exit_code == 0, assessed.output
    assert "Traceback" not in assessed.output


def test_a_store_locked_between_the_schema_and_the_rows(
    sqlite_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows are read with the driver's own cursor: its errors are explained as well."""
    monkeypatch.setattr(sql, "LOCK_WAIT_SECONDS", 0.2)
    assert sqlite_store.file is not None
    read_rows = sql._Reader.read

    def read_while_locked(reader: sql._Reader, *arguments: object) -> object:
        writer = sqlite3.connect(sqlite_store.file, isolation_level=None)
        writer.execute("BEGIN EXCLUSIVE")
        try:
            return read_rows(reader, *arguments)  # type: ignore[arg-type]
        finally:
            writer.execute("ROLLBACK")
            writer.close()

    monkeypatch.setattr(sql._Reader, "read", read_while_locked)
    with pytest.raises(sql.StoreError, match="locked by another process"):
        sql.read_sql_store(sqlite_store.uri, [], ["test_*"])

"""The Alembic migrations: they build the schema the code uses, and upgrading loses nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text, update
from sqlalchemy.exc import IntegrityError

from mlmaturity.store import HistoryStore, StoreError, tables
from mlmaturity.store.engine import store_engine
from mlmaturity.store.history import write_assessment
from mlmaturity.store.migrate import HEAD, current_revision, downgrade, revisions, upgrade
from tests.store.conftest import Quarter

DIGEST = "ef" * 32


def snapshot(engine: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every history table, in id order."""
    with engine.connect() as connection:
        return {
            table.name: [
                tuple(row) for row in connection.execute(select(table).order_by(table.c.id))
            ]
            for table in (tables.assessments, *tables.CHILDREN)
        }


def test_head_is_the_newest_script_and_there_is_one_line_of_revisions():
    assert revisions() == ["0001", "0002"]
    assert revisions()[-1] == HEAD


def test_the_migrated_schema_is_the_schema_the_code_writes(store_url: str):
    with HistoryStore.at(store_url) as store:
        store.entries()  # opening migrates
        with store.engine.connect() as connection:
            assert current_revision(connection) == HEAD
            context = MigrationContext.configure(
                connection,
                opts={
                    "compare_type": True,
                    "compare_server_default": True,
                    "version_table": tables.VERSION_TABLE,
                },
            )
            differences = compare_metadata(context, tables.metadata)
    assert differences == []


def test_upgrading_a_filled_first_revision_store_loses_nothing(
    store_url: str, quarters: list[Quarter]
):
    engine = store_engine(HistoryStore.at(store_url).url)
    try:
        upgrade(engine, "0001")
        with engine.connect() as connection:
            assert current_revision(connection) == "0001"
            assert "uq_assessments_milestone" not in {
                i["name"] for i in inspect(connection).get_indexes("assessments")
            }
        q1, q2 = quarters
        recorded = [
            (q1, "Q1"),
            (q2, "Q2"),
            (q2, "Q2"),  # revision 0001 left uniqueness to the code: a race could do this
            (q1, None),
        ]
        with engine.begin() as connection:
            for quarter, milestone in recorded:
                write_assessment(
                    connection,
                    quarter.assessment,
                    quarter.answers,
                    DIGEST,
                    milestone,
                    datetime(2026, 7, 1, tzinfo=UTC),
                )
        before = snapshot(engine)
        assert all(before.values())
        upgrade(engine)
        after = snapshot(engine)
        with engine.connect() as connection:
            assert current_revision(connection) == HEAD
    finally:
        engine.dispose()
    # Every row of every table is still there; only the repeated milestone was renamed.
    assert {name: rows for name, rows in after.items() if name != "assessments"} == {
        name: rows for name, rows in before.items() if name != "assessments"
    }
    milestone_column = [c.name for c in tables.assessments.columns].index("milestone")
    renamed = [list(row) for row in before["assessments"]]
    renamed[2][milestone_column] = "Q2 (#3)"
    assert [list(row) for row in after["assessments"]] == renamed
    with HistoryStore.at(store_url) as store:
        assert [e.milestone for e in store.entries()] == ["Q1", None, "Q2", "Q2 (#3)"]
        assert store.load("Q2 (#3)") == q2.assessment and store.load("Q1") == q1.assessment
        # The head revision refuses a repeated milestone in the database itself.
        with store.engine.begin() as connection, pytest.raises(IntegrityError):
            connection.execute(update(tables.assessments).values(milestone="Q1"))
        store.record(q2.assessment, answers=q2.answers, workspace_digest=DIGEST, milestone="Q3")
        assert len(store.entries()) == 5


def test_downgrading_and_upgrading_again_keeps_the_rows(store_url: str, quarters: list[Quarter]):
    with HistoryStore.at(store_url) as store:
        for q in quarters:
            store.record(
                q.assessment, answers=q.answers, workspace_digest=DIGEST, milestone=q.milestone
            )
        before = snapshot(store.engine)
        downgrade(store.engine, "0001")
        with store.engine.connect() as connection:
            assert current_revision(connection) == "0001"
        upgrade(store.engine)
        assert snapshot(store.engine) == before


def test_a_store_from_a_newer_mlmaturity_is_refused_by_name(tmp_path, quarters: list[Quarter]):
    url = f"sqlite:///{tmp_path / 'h.db'}"
    with HistoryStore.at(url) as store:
        store.entries()
        with store.engine.begin() as connection:
            connection.execute(text("UPDATE mlmaturity_alembic_version SET version_num = '0099'"))
    with pytest.raises(StoreError) as raised:
        HistoryStore.at(url).entries()
    problem = raised.value.problems[0]
    assert problem.file == str(tmp_path / "h.db")
    assert "revision 0099" in problem.message and "upgrade mlmaturity" in problem.hint


def test_the_version_table_never_meets_mlflows(tmp_path):
    """MLflow keeps its own alembic_version; a database both use must keep both."""
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    engine = store_engine(HistoryStore.at(url).url)
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32))"))
            connection.execute(text("INSERT INTO alembic_version VALUES ('mlflow-rev')"))
        upgrade(engine)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT * FROM alembic_version")).all() == [
                ("mlflow-rev",)
            ]
            assert current_revision(connection) == HEAD
    finally:
        engine.dispose()


def test_opening_a_current_store_does_not_import_alembic(tmp_path):
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'h.db'}"
    with HistoryStore.at(url) as store:
        assert store.engine is not None  # created and migrated here
    code = (
        "import sys\n"
        "from mlmaturity.store import HistoryStore\n"
        f"assert HistoryStore.at({url!r}).entries() == []\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

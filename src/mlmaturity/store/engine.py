"""SQLAlchemy engines for a history store, set up the same way for every use.

SQLite: Python's sqlite3 module would open transactions late and commit schema changes on its
own; here every transaction is an explicit ``BEGIN`` (``BEGIN IMMEDIATE`` to write, so a writer
takes the lock first and waits for another up to ``BUSY_TIMEOUT_SECONDS`` instead of failing
halfway), and foreign keys are enforced. Servers: a bounded connection timeout.

Reading uses the store as it is (``unmigrated``); only writing migrates it (``migrated``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event
from sqlalchemy.exc import SQLAlchemyError

from mlmaturity.store.errors import StoreError, database_error

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Connection, Engine

BUSY_TIMEOUT_SECONDS = 60.0
CONNECT_TIMEOUT_SECONDS = 10
_WRITE = "mlmaturity_write"


def store_engine(url: URL) -> Engine:
    if url.get_backend_name() != "sqlite":
        return create_engine(url, connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS})
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_SECONDS})

    @event.listens_for(engine, "connect")
    def _connect(connection: Any, _record: Any) -> None:
        connection.isolation_level = None  # we say BEGIN ourselves
        connection.execute("PRAGMA foreign_keys = ON")

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get(_WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def writing(connection: Connection) -> Connection:
    """Mark ``connection``'s transactions as writes (on SQLite: take the write lock at BEGIN)."""
    return connection.execution_options(**{_WRITE: True})


def unmigrated(url: URL, name: str) -> Engine:
    """An engine on the store as it is: nothing created (for reading)."""
    if url.get_backend_name() == "sqlite" and Path(url.database or "").is_dir():
        raise StoreError(name, "is a folder, not a SQLite file")
    try:
        return store_engine(url)
    except (ImportError, SQLAlchemyError) as exc:
        raise database_error(name, url, exc) from None


def migrated(engine: Engine | None, url: URL, name: str) -> Engine:
    """``engine`` (or a new one) on the store brought to the newest revision, the SQLite
    file's folder and the database's tables created if need be (for writing)."""
    from mlmaturity.store.migrate import SchemaTooNew, ensure_current

    if url.get_backend_name() == "sqlite":
        try:
            Path(url.database or "").parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(name, f"its folder cannot be created: {exc.strerror}") from None
    engine = engine or unmigrated(url, name)
    try:
        ensure_current(engine)
    except SchemaTooNew as exc:
        engine.dispose()
        raise schema_error(name, exc.revision) from None
    except (ImportError, SQLAlchemyError, TimeoutError) as exc:
        engine.dispose()
        raise database_error(name, url, exc, "cannot be opened") from None
    return engine


def schema_error(name: str, revision: str) -> StoreError:
    """A store of a revision this version cannot read as it is."""
    from mlmaturity.store.migrate import revisions

    if revision in revisions():
        return StoreError(
            name,
            f"its schema (revision {revision}) is older than this mlmaturity reads",
            "recording an assessment (`mlmaturity assess`) upgrades it",
        )
    return StoreError(
        name,
        f"its schema (revision {revision}) is newer than this mlmaturity knows",
        "upgrade mlmaturity to read it",
    )

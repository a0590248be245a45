"""SQLAlchemy engines for a history store, set up the same way for every use.

SQLite: Python's sqlite3 module would open transactions late and commit schema changes on its
own; here every transaction is an explicit ``BEGIN`` (``BEGIN IMMEDIATE`` to write, so a writer
takes the lock first and waits for another up to ``BUSY_TIMEOUT_SECONDS`` instead of failing
halfway), and foreign keys are enforced. Servers: a bounded connection timeout.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event

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

"""Schema changes through Alembic, run from inside the package: no alembic.ini, no command.

The scripts live in ``mlmaturity/store/migrations/``. A migration runs on the store's own
connection, in one transaction (SQLite and PostgreSQL undo a failed migration whole; MySQL
commits each schema statement as it runs), holding a lock so that two processes opening a new
store at once migrate it once: SQLite's write lock, a PostgreSQL advisory lock, a MySQL named
lock. Opening a store that is already current reads one row and never imports Alembic.
Only writing migrates; reading reads a store of any revision in ``READABLE`` as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import inspect, text

from mlmaturity.store.engine import writing
from mlmaturity.store.tables import VERSION_TABLE

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Connection, Engine

HEAD = "0002"
"""The newest revision (a test checks it against the scripts)."""
READABLE = frozenset({"0001", HEAD})
"""Revisions whose tables this version reads as they are: reading never migrates a store
(only recording does). 0002 added indexes only. A migration that changes what the reads use
leaves the revisions before it out of here, and reading such a store says to record first."""
SCRIPTS = "mlmaturity.store:migrations"
LOCK_ID = 0x6D6C6D61  # "mlma": the PostgreSQL advisory lock of migrations
LOCK_NAME = "mlmaturity_migrate"
LOCK_WAIT_SECONDS = 60


class SchemaTooNew(Exception):
    """The store was migrated by a newer mlmaturity, to a revision this one does not know."""

    def __init__(self, revision: str) -> None:
        super().__init__(revision)
        self.revision = revision


def current_revision(connection: Connection) -> str | None:
    """The store's revision; None for a database mlmaturity has not written to."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    revision = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
    return str(revision) if revision is not None else None


def readable(revision: str) -> bool:
    return revision in READABLE


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", SCRIPTS)
    config.attributes["connection"] = connection
    return config


def revisions() -> list[str]:
    """Every revision the scripts define, oldest first."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config())
    return [s.revision for s in reversed(list(scripts.walk_revisions()))]


def is_current(engine: Engine) -> bool:
    with engine.connect() as connection:
        return current_revision(connection) == HEAD


def upgrade(engine: Engine, revision: str = HEAD) -> None:
    """Bring the store to ``revision`` (no-op when it is there), under the migration lock."""
    _migrate(engine, revision, down=False)


def downgrade(engine: Engine, revision: str) -> None:
    _migrate(engine, revision, down=True)


def ensure_current(engine: Engine) -> None:
    """Migrate the store to the newest revision unless it is there already."""
    if not is_current(engine):
        upgrade(engine)


def _migrate(engine: Engine, revision: str, *, down: bool) -> None:
    from alembic import command

    known = revisions()
    with engine.connect() as connection:
        writing(connection)
        with connection.begin():
            _lock(connection)
            try:
                current = current_revision(connection)
                if current is not None and current not in known:
                    raise SchemaTooNew(current)
                if current != revision:
                    config = alembic_config(connection)
                    if down:
                        command.downgrade(config, revision)
                    else:
                        command.upgrade(config, revision)
            finally:
                _unlock(connection)


def _lock(connection: Connection) -> None:
    backend = connection.dialect.name
    if backend == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": LOCK_ID})
    elif backend in ("mysql", "mariadb"):
        got = connection.execute(
            text("SELECT GET_LOCK(:name, :wait)"), {"name": LOCK_NAME, "wait": LOCK_WAIT_SECONDS}
        ).scalar()
        if got != 1:
            raise TimeoutError(f"another process held the migration lock for {LOCK_WAIT_SECONDS} s")
    # SQLite: the transaction began with BEGIN IMMEDIATE and holds the write lock.


def _unlock(connection: Connection) -> None:
    if connection.dialect.name in ("mysql", "mariadb"):
        connection.execute(text("SELECT RELEASE_LOCK(:name)"), {"name": LOCK_NAME})

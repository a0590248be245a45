"""Alembic's environment for the history: always run from ``mlmaturity.store.migrate``, which
passes the connection (inside its transaction, holding the migration lock) in the config."""

from __future__ import annotations

from alembic import context

from mlmaturity.store.tables import VERSION_TABLE, metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, version_table=VERSION_TABLE)
with context.begin_transaction():
    context.run_migrations()

"""Read an MLflow backend store (SQLite, PostgreSQL, MySQL) with read-only SQL.

The schema is looked at before anything is read, so stores of every generation are read with
what they have: before model aliases (MLflow < 2.3), before input datasets (< 2.4), before
logged models (< 3.0) and MLflow 3. Only ``latest_metrics`` is read, never the full metrics
history, and only the tags and metric names the collector needs; the filtering runs in the
database. Every session is read-only: SQLite is opened with ``mode=ro``, PostgreSQL and MySQL
sessions are put in read-only transaction mode before the first query.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from mlmaturity.dburl import redact
from mlmaturity.events.mlflowstore.records import (
    DATASET_CONTEXT_TAG,
    LOG_MODEL_HISTORY_TAG,
    Run,
    StoreContents,
    Version,
    from_millis,
    version_order,
)
from mlmaturity.events.mlflowstore.signatures import history_has_signature, mlmodel_has_signature

LOCK_WAIT_SECONDS = 5
INDEX_SHARE = 0.2
"""Below this share of a table's rows, fetching through an index beats one sequential scan
(SQLite, which otherwise always takes the index)."""
SQL_SCHEMES = ("sqlite", "postgresql", "postgres", "mysql", "mssql")

REQUIRED = {
    "experiments": ("experiment_id", "name", "lifecycle_stage"),
    "runs": (
        "run_uuid", "experiment_id", "status", "start_time", "end_time", "source_type",
        "user_id", "lifecycle_stage",
    ),
    "tags": ("key", "value", "run_uuid"),
    "latest_metrics": ("key", "value", "run_uuid"),
}  # fmt: skip
"""Tables and columns every MLflow tracking store has had since MLflow 1.0."""


READ_TABLES = frozenset(
    [*REQUIRED, "alembic_version", "inputs", "input_tags", "datasets", "logged_models",
     "model_versions", "model_version_tags", "registered_model_aliases"]
)  # fmt: skip


class StoreError(Exception):
    """The store cannot be read; the message says why in the user's terms."""


def is_sql_uri(uri: str) -> bool:
    return uri.split(":", 1)[0].split("+", 1)[0].lower() in SQL_SCHEMES


def redact_uri(uri: str) -> str:
    """The URI without its passwords, for messages and the ``source`` column."""
    return redact(uri, uri)


def _engine(uri: str) -> Any:
    """A SQLAlchemy engine whose sessions cannot write."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        url = make_url(uri)
        backend, driver = url.get_backend_name(), url.get_driver_name()
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise StoreError(f"not a database URI mlmaturity reads: {exc}") from None
    if backend == "sqlite":
        path = Path(url.database or "")
        if not url.database or not path.is_file():
            raise StoreError(f"no SQLite file at {path}")
        read_only = f"sqlite:///file:{quote(str(path.resolve()))}?mode=ro&uri=true"
        engine = create_engine(read_only, connect_args={"timeout": LOCK_WAIT_SECONDS})

        @event.listens_for(engine, "connect")
        def _sqlite_read_only(connection: Any, _: Any) -> None:
            connection.execute("PRAGMA query_only = ON")
            # Text is untrusted: one bad byte in a tag must not make the whole store unreadable.
            connection.text_factory = lambda raw: raw.decode("utf-8", "replace")

        return engine
    # MLflow users write plain postgresql:// or mysql://; use the drivers we ship with.
    if backend == "postgresql" and driver in ("psycopg2", ""):
        url = url.set(drivername="postgresql+psycopg")
    if backend == "mysql" and driver in ("mysqldb", ""):
        url = url.set(drivername="mysql+pymysql")
    try:
        if backend == "postgresql":
            options = "-c default_transaction_read_only=on -c statement_timeout=300000"
            engine = create_engine(url, connect_args={"options": options, "connect_timeout": 10})
        elif backend == "mysql":
            engine = create_engine(url, connect_args={"connect_timeout": 10})

            @event.listens_for(engine, "connect")
            def _mysql_read_only(connection: Any, _: Any) -> None:
                with connection.cursor() as cursor:
                    cursor.execute("SET SESSION TRANSACTION READ ONLY")

        else:
            raise StoreError(f"{backend} stores are not supported; use SQLite, PostgreSQL or MySQL")
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        extra = "postgres" if backend == "postgresql" else "mysql"
        raise StoreError(
            f"the database driver is not installed ({exc}): pip install 'mlmaturity[{extra}]'"
        ) from None
    return engine


def read_sql_store(
    uri: str, wanted_tags: Sequence[str], metric_globs: Sequence[str]
) -> StoreContents:
    """Everything the collector needs from one SQL store, in a single read-only transaction."""
    from sqlalchemy import inspect
    from sqlalchemy.exc import SQLAlchemyError

    engine = _engine(uri)
    driver_error = getattr(engine.dialect.dbapi, "Error", SQLAlchemyError)  # raw cursor reads
    try:
        with engine.connect() as connection:
            schema = _Schema.of(inspect(connection))
            return _Reader(connection, schema, redact_uri(uri)).read(wanted_tags, metric_globs)
    except StoreError:
        raise
    # TypeError and ValueError: a driver refusing the URI's options (``?bogus=1``, a bad port).
    except (SQLAlchemyError, driver_error, TypeError, ValueError) as exc:
        raise StoreError(redact(_explain(exc), uri)) from None
    finally:
        engine.dispose()


def _explain(exc: Exception) -> str:
    """The database's own words, first line only, with a hint for the usual causes."""
    text = next(iter(str(getattr(exc, "orig", None) or exc).strip().splitlines()), "")
    text = text or type(exc).__name__
    lowered = text.lower()
    if "locked" in lowered:
        return f"the store is locked by another process ({text}); try again when MLflow is idle"
    if "not a database" in lowered or "malformed" in lowered:
        return f"the file is not a readable SQLite database ({text})"
    unknown_column = ("column" in lowered or "relation" in lowered) and "does not exist" in lowered
    if "no such column" in lowered or "unknown column" in lowered or unknown_column:
        return (
            f"the store's schema is not one mlmaturity knows ({text}); it may be newer than the "
            "MLflow versions this release reads (up to 3.x)"
        )
    return text


class _Schema:
    """Which tables and columns this store has."""

    def __init__(self, columns: dict[str, set[str]], revision: str | None) -> None:
        self.columns = columns
        self.revision = revision

    @classmethod
    def of(cls, inspector: Any) -> _Schema:
        # Only the tables read are inspected: MLflow 3 has some seventy.
        columns = {
            table: {c["name"] for c in inspector.get_columns(table)}
            for table in inspector.get_table_names()
            if table in READ_TABLES
        }
        missing = [
            f"{table}.{column}"
            for table, needed in REQUIRED.items()
            for column in needed
            if column not in columns.get(table, set())
        ]
        if "runs" not in columns:
            raise StoreError("not an MLflow tracking store: it has no 'runs' table")
        revision = None
        if "alembic_version" in columns:
            rows = inspector.bind.exec_driver_sql("SELECT version_num FROM alembic_version")
            revision = next((r[0] for r in rows), None)
        if missing:
            raise StoreError(
                f"the store's schema (revision {revision or 'unknown'}) lacks "
                f"{', '.join(missing)}: it is not an MLflow store mlmaturity can read, "
                "or newer than the MLflow versions this release knows (up to 3.x)"
            )
        return cls(columns, revision)

    def has(self, table: str, column: str | None = None) -> bool:
        present = self.columns.get(table)
        return present is not None and (column is None or column in present)

    @property
    def generation(self) -> str:
        if self.has("logged_models"):
            return "MLflow 3"
        if self.has("datasets"):
            return "MLflow 2.4-2.x"
        if self.has("registered_model_aliases"):
            return "MLflow 2.3"
        if self.has("model_versions"):
            return "MLflow 1.x-2.2 (registry without aliases)"
        return "MLflow tracking without a model registry"


def metric_name_regex(globs: Sequence[str]) -> re.Pattern[str]:
    """Metric-name globs (``*`` any text, case-insensitive) as one regex."""
    parts = [".*".join(re.escape(piece) for piece in glob.split("*")) for glob in globs]
    return re.compile("(?:" + "|".join(parts) + r")\Z" if parts else r"(?!)", re.I)


class _Reader:
    def __init__(self, connection: Any, schema: _Schema, uri: str) -> None:
        self.connection = connection
        self.schema = schema
        self.uri = uri
        # `key` is a reserved word in MySQL: column names are quoted as the dialect requires.
        quote = connection.dialect.identifier_preparer.quote_identifier
        self.key, self.value = quote("key"), quote("value")
        # SQLite's planner takes an index for any IN list, and fetching many rows through it
        # costs twice a scan; `+key` tells it to scan. Servers' planners choose for themselves.
        self.scanned_key = f"+{self.key}" if connection.dialect.name == "sqlite" else self.key

    def _rows(self, sql: str, **params: Any) -> list[Any]:
        """All rows of a query, fetched by the driver in one call.

        The parameters are rendered as literals by the dialect (which escapes them) and the
        rows come as plain tuples: building SQLAlchemy row objects would double the cost of
        reading a store of many thousands of runs.
        """
        from sqlalchemy import bindparam, text

        statement = text(sql)
        for name, value in params.items():
            expanding = isinstance(value, (list, tuple))
            statement = statement.bindparams(bindparam(name, value, expanding=expanding))
        compiled = statement.compile(
            dialect=self.connection.dialect,
            compile_kwargs={"literal_binds": True, "render_postcompile": True},
        )
        cursor = self.connection.connection.dbapi_connection.cursor()
        try:
            cursor.execute(str(compiled))
            rows: list[Any] = cursor.fetchall()
        finally:
            cursor.close()
        return rows

    def read(self, wanted_tags: Sequence[str], metric_globs: Sequence[str]) -> StoreContents:
        contents = StoreContents(
            uri=self.uri,
            generation=self.schema.generation,
            collected_at=datetime.now(UTC),
            tracks_datasets=self.schema.has("inputs") and self.schema.has("datasets"),
        )
        runs = self._runs()
        self._tags(runs, wanted_tags)
        self._metrics(runs, metric_globs)
        if contents.tracks_datasets:
            self._datasets(runs)
        self._signatures(runs)
        contents.runs = list(runs.values())
        if self.schema.has("model_versions"):
            contents.versions = self._versions()
        return contents

    def _runs(self) -> dict[str, Run]:
        name = "r.name" if self.schema.has("runs", "name") else "NULL"
        rows = self._rows(
            f"""SELECT r.run_uuid, e.name, {name}, r.status, r.start_time, r.end_time,
                       r.source_type, r.user_id
                FROM runs r JOIN experiments e ON e.experiment_id = r.experiment_id
                WHERE r.lifecycle_stage = 'active' AND e.lifecycle_stage = 'active'"""
        )
        millis = from_millis
        return {
            run_id: Run(
                run_id, experiment or "", run_name or "", status or "", millis(started),
                millis(ended), source_type or "", user or "",
            )
            for run_id, experiment, run_name, status, started, ended, source_type, user in rows
        }  # fmt: skip

    def _tags(self, runs: dict[str, Run], wanted: Sequence[str]) -> None:
        keys = sorted(set(wanted) | {LOG_MODEL_HISTORY_TAG})
        for key, value, run_id in self._rows(
            f"SELECT {self.key}, {self.value}, run_uuid FROM tags WHERE {self.scanned_key} IN :keys",
            keys=keys,
        ):
            run = runs.get(run_id)
            if run is None:
                continue
            if key == LOG_MODEL_HISTORY_TAG:
                run.logged_model = True
                run.has_signature = history_has_signature(value)
            elif isinstance(value, bytes):  # a tag stored as a blob
                run.tags[key] = value.decode("utf-8", "replace")
            else:
                run.tags[key] = value or ""

    def _metrics(self, runs: dict[str, Run], globs: Sequence[str]) -> None:
        """Latest values of the metrics whose names match. The few distinct names are matched
        here (one scan of the primary key index, with their row counts); their rows are then
        fetched through the index when they are a small share of the table, or by one scan."""
        wanted = metric_name_regex(globs)
        counts = {
            name: count
            for name, count in self._rows(
                f"SELECT {self.key}, COUNT(*) FROM latest_metrics GROUP BY {self.key}"
            )
            if name is not None
        }
        names = {name for name in counts if wanted.match(name)}
        if not names:
            return
        nan = ", is_nan" if self.schema.has("latest_metrics", "is_nan") else ", 0"
        few = sum(counts[n] for n in names) < INDEX_SHARE * sum(counts.values())
        key = self.key if few else self.scanned_key
        rows = self._rows(
            f"SELECT {self.key}, {self.value}, run_uuid{nan} FROM latest_metrics "
            f"WHERE {key} IN :names",
            names=sorted(names),
        )
        for name, value, run_id, is_nan in rows:
            if not is_nan and value is not None:
                run = runs.get(run_id)
                if run is not None:
                    run.metrics[name] = value

    def _datasets(self, runs: dict[str, Run]) -> None:
        for run_id, context in self._rows(
            f"""SELECT i.destination_id, t.{self.value}
                FROM inputs i LEFT JOIN input_tags t
                  ON t.input_uuid = i.input_uuid AND t.name = '{DATASET_CONTEXT_TAG}'
                WHERE i.source_type = 'DATASET' AND i.destination_type = 'RUN'"""
        ):
            run = runs.get(run_id)
            if run is not None:
                run.dataset_contexts.append((context or "").lower())

    def _signatures(self, runs: dict[str, Run]) -> None:
        """MLflow 3 keeps the signature in the model's MLmodel file, not in the database:
        look at it when the artifacts are on this machine; otherwise it stays unknown."""
        if not self.schema.has("logged_models"):
            return
        for run_id, location in self._rows(
            "SELECT source_run_id, artifact_location FROM logged_models "
            "WHERE lifecycle_stage = 'active' AND source_run_id IS NOT NULL"
        ):
            run = runs.get(run_id)
            if run is None:
                continue
            run.logged_model = True
            found = mlmodel_has_signature(location or "")
            if found:
                run.has_signature = True
            elif found is False and run.has_signature is None:
                run.has_signature = False

    def _versions(self) -> list[Version]:
        schema = self.schema
        ws = "workspace" if schema.has("model_versions", "workspace") else "'default'"
        versions: dict[tuple[str, str, str], Version] = {}
        for row in self._rows(
            f"""SELECT {ws}, name, version, creation_time, last_updated_time, description,
                       current_stage, run_id, status
                FROM model_versions"""
        ):
            workspace, name, version = row[0], row[1], str(row[2])
            versions[(workspace, name, version)] = Version(
                model=name if workspace == "default" else f"{workspace}/{name}",
                version=version,
                created_at=from_millis(row[3]),
                updated_at=from_millis(row[4]),
                description=row[5] or "",
                stage=row[6] or "None",
                run_id=row[7] or "",
                status=row[8] or "",
            )
        if schema.has("model_version_tags"):
            tws = "workspace" if schema.has("model_version_tags", "workspace") else "'default'"
            for workspace, name, version, key, value in self._rows(
                f"SELECT {tws}, name, version, {self.key}, {self.value} FROM model_version_tags"
            ):
                found = versions.get((workspace, name, str(version)))
                if found is not None:
                    found.tags[key] = value or ""
        if schema.has("registered_model_aliases"):
            aws = (
                "workspace" if schema.has("registered_model_aliases", "workspace") else "'default'"
            )
            for workspace, name, version, alias in self._rows(
                f"SELECT {aws}, name, version, alias FROM registered_model_aliases"
            ):
                found = versions.get((workspace, name, str(version)))
                if found is not None:
                    found.aliases.append(alias)
        for entry in versions.values():
            entry.aliases.sort()
        return sorted(versions.values(), key=lambda v: (v.model, version_order(v.version)))

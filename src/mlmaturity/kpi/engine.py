"""The query engine KPIs run on: DuckDB in this process, or Spark, through the same Ibis code.

The workspace's ``engine`` chooses; the environment variable ``MLMATURITY_ENGINE`` overrides it
(to try Spark on a workspace without editing it, or to run a test suite on both). Spark runs
as one session per process, started on first use and kept for later computations: starting
its JVM takes seconds, a query on it a fraction of one.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any, Literal, get_args

from mlmaturity.errors import InputError
from mlmaturity.workspace import SparkSettings, Workspace

EngineName = Literal["duckdb", "spark"]
ENGINES: tuple[EngineName, ...] = get_args(EngineName)
ENGINE_VARIABLE = "MLMATURITY_ENGINE"
SPARK_EXTRA = "pip install 'mlmaturity[spark]'"
_STORE_HINT = "delete it and run `mlmaturity collect` again"
_LOCAL_SETTINGS = {
    # A local session stays on this machine: no UI, driver and block manager on loopback.
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    # KPI queries shuffle small aggregates; Spark's 200 partitions would be 200 tiny tasks.
    "spark.sql.shuffle.partitions": "4",
}
_SETTINGS = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}


@dataclass(frozen=True)
class Engine:
    """Which engine computes KPIs, and where that choice was made (for error messages)."""

    name: EngineName = "duckdb"
    spark: SparkSettings = field(default_factory=SparkSettings)
    origin: str = "engine"

    @classmethod
    def of(cls, workspace: Workspace) -> Engine:
        return cls(workspace.spec.engine, workspace.spec.spark, str(workspace.path))


def chosen(engine: Engine | None) -> Engine:
    """The engine asked for, unless ``MLMATURITY_ENGINE`` names another."""
    engine = engine or Engine()
    override = os.environ.get(ENGINE_VARIABLE, "")
    if not override:
        return engine
    if override not in ENGINES:
        raise InputError.single(
            ENGINE_VARIABLE, f"'{override}' is not an engine", hint=" or ".join(ENGINES)
        )
    name: EngineName = "spark" if override == "spark" else "duckdb"
    return replace(engine, name=name, origin=ENGINE_VARIABLE)


class Connection:
    """An Ibis backend on one engine, and the store files it has registered."""

    def __init__(self, engine: Engine) -> None:
        import ibis

        self.engine = engine
        self._views: list[str] = []
        self._kept: list[Any] = []
        if engine.name == "duckdb":
            self.backend: Any = ibis.duckdb.connect()
        else:
            session = spark_session(engine)  # first: it names what is missing
            self.backend = ibis.pyspark.connect(session)

    def read_parquet(self, path: Path, name: str) -> Any:
        """One event store file as an Ibis table; a file the engine cannot read is named."""
        if self.engine.name == "duckdb":
            import duckdb

            errors: tuple[type[Exception], ...] = (duckdb.Error,)
        else:
            from py4j.protocol import Py4JJavaError
            from pyspark.errors import PySparkException

            errors = (PySparkException, Py4JJavaError)
            # The session outlives this computation: views get names no other one uses.
            name = f"{name}_{uuid.uuid4().hex}"
            self._views.append(name)
        try:
            return self.backend.read_parquet(path, table_name=name)
        except errors as exc:
            raise InputError.single(
                path, f"the event store file cannot be read: {_reason(exc)}", hint=_STORE_HINT
            ) from None

    def keep(self, table: Any) -> Any:
        """``table`` computed once and kept for the queries of this computation."""
        if self.engine.name == "duckdb":
            # A table of the in-memory database, which goes with the connection.
            return self.backend.create_table(f"kept_{uuid.uuid4().hex}", table, temp=True)
        # Ibis's Spark cache does not register the in-memory tables (periods) a relation reads.
        self.backend._run_pre_execute_hooks(table)
        kept = table.cache()  # persisted in the session until released
        self._kept.append(kept)
        return kept

    def close(self) -> None:
        """Drop what this computation registered; a DuckDB database goes with its connection."""
        if self.engine.name == "duckdb":
            self.backend.disconnect()
            return
        for kept in self._kept:
            kept.release()
        catalog = self.backend._session.catalog
        for view in self._views:
            catalog.dropTempView(view)


@contextmanager
def connect(engine: Engine) -> Iterator[Connection]:
    connection = Connection(engine)
    try:
        yield connection
    finally:
        connection.close()


def _reason(exc: Exception) -> str:
    """Why an engine failed: Spark's first cause (its own message wraps the JVM's stack)."""
    cause = getattr(exc, "java_exception", None)
    while cause is not None and cause.getCause() is not None:
        cause = cause.getCause()
    return _first_line(str(cause.getMessage()) if cause is not None else str(exc))


def _first_line(message: str) -> str:
    """An engine's message without the SQL, plan or JVM stack it appends."""
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    return lines[0] if lines else message


def spark_session(engine: Engine) -> Any:
    """This process's Spark session, started on first use with the engine's settings."""
    try:
        from pyspark.errors import PySparkException
        from pyspark.sql import SparkSession
    except ImportError:
        raise InputError.single(
            engine.origin,
            "the spark engine needs PySpark, which is not installed",
            key="engine",
            hint=SPARK_EXTRA,
        ) from None
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    java = _java()
    if java is None:
        raise InputError.single(
            engine.origin,
            "the spark engine needs Java 17 or later, and no java was found",
            key="engine",
            hint="install a JDK or JRE 17+ (e.g. apt-get install openjdk-17-jre-headless) "
            "or set JAVA_HOME",
        )
    settings = dict(_SETTINGS)
    if engine.spark.master.startswith("local"):
        settings |= _LOCAL_SETTINGS
        log4j = resources.files("mlmaturity.kpi") / "spark-log4j2.properties"
        settings["spark.driver.extraJavaOptions"] = f"-Dlog4j2.configurationFile=file:{log4j}"
    settings |= engine.spark.config
    builder = SparkSession.builder.master(engine.spark.master).appName("mlmaturity")
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except PySparkException as exc:
        raise InputError.single(
            engine.origin,
            f"Spark did not start with {java}: {_first_line(str(exc))}",
            key="engine",
            hint="PySpark 4 needs Java 17 or later; check `java -version` or JAVA_HOME",
        ) from None
    with suppress(Exception):
        session.sparkContext.setLogLevel("ERROR")
    return session


def _java() -> str | None:
    """The java Spark's launcher runs: JAVA_HOME's, else the first on PATH."""
    home = os.environ.get("JAVA_HOME")
    if home:
        candidate = Path(home) / "bin" / "java"
        return str(candidate) if candidate.is_file() else None
    return shutil.which("java")

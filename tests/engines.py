"""KPI tests on both engines: a test marked ``engines`` runs on DuckDB and on Spark local[2].

The Spark variant sets MLMATURITY_ENGINE=spark for the test, so the same hand-computed
expectations are checked on Spark, through the same code users run. One Spark session serves
the whole run (starting its JVM takes seconds). Without PySpark or Java the Spark variants
skip, except under CI, where they fail: CI installs both.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from mlmaturity.kpi.engine import ENGINE_VARIABLE, ENGINES, Engine, spark_session

MARKER = "engines"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{MARKER}: run once per KPI engine (DuckDB, and Spark local[2])"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.definition.get_closest_marker(MARKER):
        metafunc.parametrize("kpi_engine", ENGINES, indirect=True)


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """This run's Spark session, local[2], as `engine: spark` starts it."""
    from mlmaturity.errors import InputError

    try:
        session = spark_session(Engine("spark"))
    except InputError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the Spark tests must run in CI: {exc}")
        pytest.skip(f"Spark is not available here: {exc}")
    yield session
    session.stop()


@pytest.fixture(autouse=True)
def kpi_engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The engine this test computes KPIs on: DuckDB unless the test runs on both."""
    engine: str = getattr(request, "param", "duckdb")
    if engine == "spark":
        request.getfixturevalue("spark")
        monkeypatch.setenv(ENGINE_VARIABLE, "spark")
    else:
        monkeypatch.delenv(ENGINE_VARIABLE, raising=False)
    return engine

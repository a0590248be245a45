"""MLflow stores built once per test session by the real client, copied or shared per test.

The PostgreSQL and MariaDB stores live on the servers of the development and CI machines
(127.0.0.1). Without a server the tests of that backend are skipped, except under CI=true,
where they must run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.mlflowstore.stores import populate
from tests.servers import create_or_skip, server_database

SERVERS = {
    "postgresql": (
        "postgresql+psycopg://postgres@127.0.0.1:5432/{db}",
        "postgresql://postgres@127.0.0.1:5432/{db}",
    ),
    "mysql": ("mysql+pymysql://root@127.0.0.1:3306/{db}", "mysql://root@127.0.0.1:3306/{db}"),
}


@dataclass(frozen=True)
class Store:
    uri: str
    """What a workspace lists (plain postgresql:// and mysql://, as MLflow users write them)."""
    client_uri: str
    """What the MLflow client writes to."""
    runs: dict[str, str]
    """Run name -> run id."""
    file: Path | None = None


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Store:
    folder = tmp_path_factory.mktemp("mlflow-template")
    uri = f"sqlite:///{folder / 'mlflow.db'}"
    runs = populate(uri, folder / "artifacts")
    return Store(uri, uri, runs, folder / "mlflow.db")


@pytest.fixture
def sqlite_store(sqlite_template: Store, tmp_path: Path) -> Store:
    """A private copy of the template store (its artifacts stay shared: they are only read)."""
    assert sqlite_template.file is not None
    copy = tmp_path / "store" / "mlflow.db"
    copy.parent.mkdir()
    shutil.copy(sqlite_template.file, copy)
    uri = f"sqlite:///{copy}"
    return Store(uri, uri, sqlite_template.runs, copy)


@pytest.fixture(scope="session", params=sorted(SERVERS))
def server_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    backend = request.param
    name = f"mlm_mlflow_{os.getpid()}"
    create_or_skip(backend, name)
    client_uri, uri = (pattern.format(db=name) for pattern in SERVERS[backend])
    runs = populate(client_uri, tmp_path_factory.mktemp(f"{backend}-artifacts"))
    yield Store(uri, client_uri, runs)
    server_database(backend, name, create=False)

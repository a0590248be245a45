"""Stores read through the MLflow client: a tracking server over HTTP and an mlruns folder."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from mlmaturity.collect import collect_workspace
from tests.kpi.workspaces import stored
from tests.mlflowstore.conftest import Store
from tests.mlflowstore.helpers import (
    by_run_name,
    digest,
    evaluations_of,
    findings,
    in_production,
    make_workspace,
)
from tests.mlflowstore.stores import populate
from tests.mlflowstore.test_collector import EVALUATIONS, IN_PRODUCTION, TRIGGERS


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def tracking_server(sqlite_store: Store, tmp_path: Path) -> Iterator[str]:
    """The real ``mlflow server`` on 127.0.0.1, serving a copy of the template store."""
    port = _free_port()
    mlflow = Path(sys.executable).parent / "mlflow"
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [str(mlflow), "server", "--host", "127.0.0.1", "--port", str(port),
         "--backend-store-uri", sqlite_store.uri, "--workers", "1"],
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    f"mlflow server did not start:\n{(tmp_path / 'server.log').read_text()}"
                )
            time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_a_tracking_server_gives_what_the_sql_store_gives(
    tracking_server: str, sqlite_store: Store, tmp_path: Path
) -> None:
    root = make_workspace(tmp_path / "ws", tracking_server)

    summary = collect_workspace(root)
    found, _ = findings(root)

    assert summary.notes == []
    assert by_run_name(stored(root, "training_runs"), sqlite_store.runs, "trigger") == TRIGGERS
    assert evaluations_of(root) == EVALUATIONS
    assert in_production(root) == IN_PRODUCTION
    assert found["mlflow-models-have-signature"].detail.startswith("4 of 5")
    assert found["mlflow-runs-log-datasets"].outcome == "pass"


@pytest.fixture(scope="module")
def mlruns_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("mlruns-template")
    runs = populate((folder / "mlruns").as_uri(), folder / "artifacts")
    return folder / "mlruns", runs


def _tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): digest(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def test_an_mlruns_folder_is_read_through_the_client_without_changing_it(
    mlruns_template: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    template, runs = mlruns_template
    root = make_workspace(tmp_path / "ws", "mlruns")
    shutil.copytree(template, root / "mlruns")
    before = _tree_digest(root / "mlruns")

    summary = collect_workspace(root)

    assert summary.notes == []
    assert _tree_digest(root / "mlruns") == before
    assert by_run_name(stored(root, "training_runs"), runs, "trigger") == TRIGGERS
    assert in_production(root) == IN_PRODUCTION

"""History stores on SQLite, PostgreSQL and MariaDB, and a workspace assessed at two dates.

The server databases are made per test (``mlm_history_<pid>_<n>``) and dropped after it, so
tests never meet each other's rows or other suites' databases on the same servers.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from mlmaturity.assess import assess_run
from mlmaturity.scoring import Assessment
from mlmaturity.survey.answers import Answer
from tests.conftest import DATA
from tests.servers import BACKENDS, create_or_skip, server_database

SERVER_URLS = {
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:5432/{db}",
    "mysql": "mysql+pymysql://root@127.0.0.1:3306/{db}",
}
_numbers = itertools.count()


@pytest.fixture(params=("sqlite", *BACKENDS))
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each backend."""
    backend = request.param
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'history.db'}"
        return
    name = f"mlm_history_{os.getpid()}_{next(_numbers)}"
    create_or_skip(backend, name)
    yield SERVER_URLS[backend].format(db=name)
    server_database(backend, name, create=False)


@dataclass(frozen=True)
class Quarter:
    milestone: str
    assessment: Assessment
    answers: list[Answer]


ANSWERS = {
    "Q1": {"ana": {"test-q-coverage": "a-few"}, "bo": {"roles-q-model-owner": "author-informally"}},
    "Q2": {"ana": {"test-q-coverage": "a-few"}, "bo": {"roles-q-model-owner": "named-owner"}},
}
DEPLOYMENTS = {
    "Q1": ["2026-03-03", "2026-03-17"],
    "Q2": ["2026-03-03", "2026-03-17", "2026-06-02", "2026-06-09", "2026-06-16", "2026-06-23"],
}
WHEN = {"Q1": datetime(2026, 3, 31, 12, tzinfo=UTC), "Q2": datetime(2026, 6, 30, 12, tzinfo=UTC)}


def write_quarter(root: Path, quarter: str) -> None:
    """The workspace as it stands in ``quarter``: team a adds tests in Q2, team b names owners."""
    repo = root / "repo-a"
    (repo / "src").mkdir(parents=True, exist_ok=True)
    (repo / "src" / "train.py").write_text("import sklearn\n\nmodel = sklearn.linear_model\n")
    if quarter == "Q2":
        (repo / "tests").mkdir(exist_ok=True)
        (repo / "tests" / "test_features.py").write_text("def test_features():\n    assert 1\n")
    rows = "".join(
        f"churn,{i},production,{day}T10:00:00+00:00,deploy,true,\n"
        for i, day in enumerate(DEPLOYMENTS[quarter], 1)
    )
    (root / "deployments.csv").write_text(
        "model,version,environment,at,kind,automated,commit\n" + rows
    )
    roles = {"ana": ("a", "ml-engineering"), "bo": ("b", "data-science")}
    respondents = [
        {"id": who, "team": roles[who][0], "role": roles[who][1], "answers": answers}
        for who, answers in ANSWERS[quarter].items()
    ]
    (root / "answers.yaml").write_text(yaml.safe_dump({"version": 1, "respondents": respondents}))
    spec = {
        "version": 1,
        "organization": "History Org",
        "target_stage": 3,
        "answers": ["answers.yaml"],
        "teams": [
            {"id": "a", "name": "Team A", "sources": {"repos": ["repo-a"], "deployments": ["deployments.csv"]}},
            {"id": "b", "name": "Team B"},
        ],
    }  # fmt: skip
    (root / "mlmaturity.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))


@pytest.fixture(scope="session")
def quarters(tmp_path_factory: pytest.TempPathFactory) -> list[Quarter]:
    """The same workspace assessed at the end of Q1 and of Q2 2026."""
    root = tmp_path_factory.mktemp("history-workspace")
    found = []
    for quarter in ("Q1", "Q2"):
        write_quarter(root, quarter)
        made = assess_run(root, now=WHEN[quarter])
        found.append(Quarter(quarter, made.assessment, list(made.answers)))
    return found


def copy_cli_workspace(into: Path) -> Path:
    """The CLI tests' workspace (tests/data/workspace) copied with the model and answers it
    points at, without its stored state; the copy's folder."""
    shutil.copytree(DATA / "workspace", into / "ws", ignore=shutil.ignore_patterns(".*"))
    shutil.copytree(DATA / "models", into / "models")
    shutil.copytree(DATA / "answers", into / "answers")
    return into / "ws"


def with_store(workspace: Path, value: str) -> int:
    """Add ``store: value`` to the workspace file; the line it is on."""
    file = workspace / "mlmaturity.yaml"
    lines = file.read_text().splitlines()
    file.write_text("\n".join([*lines, f"store: {value}"]) + "\n")
    return len(lines) + 1


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A private copy of the CLI tests' workspace."""
    return copy_cli_workspace(tmp_path)


@pytest.fixture
def workspace_at(tmp_path: Path) -> Iterator[Path]:
    """A private workspace folder to write quarters into (``write_quarter``)."""
    root = tmp_path / "ws"
    root.mkdir()
    yield root
    shutil.rmtree(root, ignore_errors=True)

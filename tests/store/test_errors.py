"""A store that cannot be used is a clear error naming it (exit 2), never a traceback, and
never shows a password. `assess` still prints its report first."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from mlmaturity.dburl import display, redact
from mlmaturity.store import HistoryStore
from tests.store.conftest import copy_cli_workspace, with_store
from tests.test_cli import EXE, _assert_clean_failure, run

NOBODY = 65534


def test_a_damaged_sqlite_store_is_named_after_the_report(workspace: Path):
    database = workspace / ".mlmaturity" / "history.db"
    database.parent.mkdir()
    database.write_bytes(b"this is not a database, it only has its name\n" * 100)
    result = run("assess", workspace)
    _assert_clean_failure(
        result,
        2,
        f"error: {database}: the assessment was not recorded: is not a SQLite database",
        "mlmaturity never overwrites it",
    )
    assert "Test Org" in result.stdout  # the report was printed before
    assert database.read_bytes().startswith(b"this is not a database")
    _assert_clean_failure(run("history", workspace), 2, f"{database}: is not a SQLite database")
    _assert_clean_failure(run("diff", "-w", workspace), 2, f"{database}: is not a SQLite database")
    assert run("assess", workspace, "--no-history").returncode == 0


def test_a_store_folder_that_is_a_file_is_named(workspace: Path):
    (workspace / "blocked").write_text("in the way\n")
    with_store(workspace, "sqlite:///blocked/history.db")
    result = run("assess", workspace, "-f", "json")
    _assert_clean_failure(
        result,
        2,
        f"{workspace / 'blocked' / 'history.db'}: the assessment was not recorded: "
        "its folder cannot be created",
    )
    assert result.stdout.startswith("{")


@pytest.fixture
def shared_workspace() -> Iterator[Path]:
    """A workspace another user can read (pytest's own temporary folders are private)."""
    root = Path(tempfile.mkdtemp(prefix="mlm-readonly-"))
    try:
        root.chmod(0o755)
        yield copy_cli_workspace(root)
    finally:
        shutil.rmtree(root)


def run_unprivileged(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """``mlmaturity`` run as a user the files do not belong to (root may write anything)."""
    assert EXE is not None
    command = [EXE, *map(str, args)]
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: no user to lack write permission")
        ids = [f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
        command = ["setpriv", *ids, *command]
    env = {**os.environ, "NO_COLOR": "1", "HOME": tempfile.gettempdir()}
    env.pop("MLMATURITY_DEBUG", None)
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)


def test_a_read_only_store_folder_prints_the_report_then_fails_to_record(shared_workspace: Path):
    """The workspace can be written (its events are), the history's folder cannot."""
    shared_workspace.chmod(0o777)
    folder = shared_workspace / "history"
    folder.mkdir(mode=0o555)
    folder.chmod(0o555)
    with_store(shared_workspace, "sqlite:///history/history.db")
    result = run_unprivileged("assess", shared_workspace)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "Test Org" in result.stdout
    database = folder / "history.db"
    assert f"{database}: the assessment was not recorded: cannot be opened or created" in (
        result.stderr
    )
    assert "--no-history" in result.stderr
    assert not database.exists()
    if os.geteuid() != 0:
        return  # the owner of a read-only history could not create it either
    with HistoryStore.at(f"sqlite:///{database}") as store:  # root can: now it exists
        assert store.engine is not None  # opening creates and migrates it
    database.chmod(0o444)
    again = run_unprivileged("assess", shared_workspace)
    assert again.returncode == 2 and "Test Org" in again.stdout
    assert f"{database}: the assessment was not recorded: is read-only" in again.stderr


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://mlm:hunter2secret@127.0.0.1:1/history",
        "mysql+pymysql://mlm:hunter2secret@127.0.0.1:1/history",
    ],
)
def test_a_server_that_is_down_is_named_without_its_password(workspace: Path, url: str):
    with_store(workspace, url)
    result = run("assess", workspace)
    shown = display(url)
    assert "***" in shown
    _assert_clean_failure(
        result, 2, f"{shown}: the assessment was not recorded: cannot connect", "server running"
    )
    listed = run("history", workspace)
    _assert_clean_failure(listed, 2, f"{shown}: cannot connect")
    for output in (result, listed):
        assert "hunter2secret" not in output.stdout + output.stderr


def test_a_milestone_on_a_server_that_is_down_fails_before_assessing(workspace: Path):
    with_store(workspace, "postgresql+psycopg://mlm:hunter2secret@127.0.0.1:1/history")
    result = run("assess", workspace, "--milestone", "Q3")
    _assert_clean_failure(result, 2, "cannot connect")
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("value", "message", "hint"),
    [
        ("'postgresql://u:hunter2secret@db:port/x'", "not a database URL", "e.g. sqlite:///"),
        ("'no url at all'", "not a database URL", "postgresql+psycopg://"),
        ("oracle://u@db/x", "unknown database 'oracle'", "sqlite, postgresql or mysql"),
        ("postgres://u@db/x", "unknown database 'postgres'", "write postgresql://"),
        ("postgresql+asyncpg://u@db/x", "unknown driver 'asyncpg' for postgresql", "psycopg"),
        ("mysql+aiomysql://u@db/x", "unknown driver 'aiomysql' for mysql", "mysql+pymysql"),
        ("'sqlite://'", "an in-memory SQLite database keeps no history", "sqlite:///"),
        ("postgresql://u:hunter2secret@db", "names no database", "host/db"),
    ],
)
def test_a_bad_store_url_names_the_workspace_file_and_line(
    workspace: Path, value: str, message: str, hint: str
):
    line = with_store(workspace, value)
    file = workspace / "mlmaturity.yaml"
    result = run("assess", workspace)
    _assert_clean_failure(result, 2, f"{file}:{line}: store: {message}", hint)
    assert "hunter2secret" not in result.stderr
    assert result.stdout == ""


def test_a_driver_that_is_not_installed_names_the_extra(workspace: Path):
    pytest.importorskip("psycopg")
    try:
        import psycopg2  # noqa: F401

        pytest.skip("psycopg2 is installed here")
    except ImportError:
        pass
    with_store(workspace, "postgresql+psycopg2://u@127.0.0.1/history")
    _assert_clean_failure(
        run("history", workspace),
        2,
        "the database driver postgresql+psycopg2 is not installed",
        "use postgresql+psycopg (pip install 'mlmaturity[postgres]')",
    )


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://u:pw@h/db", "postgresql://u:***@h/db"),
        ("postgresql://u:p%40ss@h/db?sslpassword=zz9&x=1", "postgresql://u:***@h/db?sslpassword=***&x=1"),
        ("mysql+pymysql://root@h:3306/db", "mysql+pymysql://root@h:3306/db"),
        ("sqlite:////var/lib/history.db", "sqlite:////var/lib/history.db"),
        ("postgresql://u:secret@h:notaport/db", "postgresql://u:***@h:notaport/db"),
    ],
)  # fmt: skip
def test_urls_are_shown_without_passwords(url: str, shown: str):
    assert display(url) == shown
    assert redact("failed for p@ss (p%40ss) and zz9", url).count("***") == (
        3 if "p%40ss" in url else 0
    )

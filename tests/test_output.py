"""`--output` is checked before any work, and written whatever it is: a new or existing file
(atomically), a character device such as /dev/null, or a FIFO (directly)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
from pathlib import Path

import pytest

from tests.store.conftest import copy_cli_workspace
from tests.store.test_errors import run_unprivileged
from tests.test_cli import _assert_clean_failure, run


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return copy_cli_workspace(tmp_path)


def test_every_command_writes_to_dev_null(workspace: Path):
    for _ in range(2):  # two recorded assessments, for diff
        assert run("assess", workspace, "-o", "/dev/null").returncode == 0
    for command in (
        ("assess", workspace, "--no-history", "-f", "json"),
        ("scan", workspace / "repo", "-f", "json"),
        ("kpi", workspace),
        ("history", workspace),
        ("diff", "-w", workspace),
    ):
        result = run(*command, "-o", "/dev/null")
        assert result.returncode == 0, (command, result.stderr)
        assert result.stdout == "" and "wrote /dev/null" in result.stderr
    assert Path("/dev/null").is_char_device()  # still the device, never replaced


def test_a_fifo_is_written_directly(workspace: Path, tmp_path: Path):
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = run("assess", workspace, "--no-history", "-f", "json", "-o", fifo)
    reader.join(timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(received[0])["organization"]["name"] == "Test Org"
    assert fifo.is_fifo()


@pytest.mark.parametrize(
    ("output", "message"),
    [
        ("missing/report.md", "cannot be written: its folder {ws}/missing does not exist"),
        (".", "cannot be written: it is a folder"),
    ],
)
def test_an_output_that_cannot_be_written_is_refused_before_assessing(
    workspace: Path, output: str, message: str
):
    target = workspace / output
    result = run("assess", workspace, "-o", target)
    _assert_clean_failure(result, 2, f"{target}: " + message.format(ws=workspace))
    assert not (workspace / ".mlmaturity").exists()  # nothing collected, nothing recorded
    assert not (workspace / "missing").exists()
    for command in (("scan", workspace / "repo"), ("kpi", workspace), ("diff", "-w", workspace)):
        _assert_clean_failure(run(*command, "-o", target), 2, message.format(ws=workspace))


def test_an_unwritable_folder_is_refused_before_scanning():
    root = Path(tempfile.mkdtemp(prefix="mlm-output-"))  # pytest's own folders are private
    try:
        root.chmod(0o755)
        folder = root / "locked"
        folder.mkdir(mode=0o555)
        repo = Path(__file__).parent / "data" / "workspace" / "repo"
        result = run_unprivileged("scan", repo, "-o", folder / "scan.json")
        _assert_clean_failure(result, 2, f"its folder {folder} is not writable")
        assert result.stdout == "" and not list(folder.iterdir())
    finally:
        shutil.rmtree(root)

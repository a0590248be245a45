"""`mlmaturity report`: a recorded assessment written again in any format, never assessed
again and never recorded."""

from __future__ import annotations

import json
from pathlib import Path

from mlmaturity.store import HistoryStore
from mlmaturity.workspace import load_workspace
from tests.test_cli import _assert_clean_failure, run


def _entries(workspace: Path) -> int:
    with HistoryStore.for_workspace(load_workspace(workspace)) as store:
        return len(store.entries())


def test_a_recorded_assessment_is_written_as_it_was_with_the_history_before_it(
    workspace: Path, tmp_path: Path
):
    for name in ("Q-one", "Q-two", "Q-three"):
        assert run("assess", workspace, "-f", "json", "--milestone", name).returncode == 0
    recorded = json.loads(run("report", "Q-two", "-w", workspace, "-f", "json").stdout)
    with HistoryStore.for_workspace(load_workspace(workspace)) as store:
        assert recorded == json.loads(store.load("Q-two").model_dump_json())
    html = tmp_path / "q2.html"
    result = run("report", "Q-two", "-w", workspace, "-o", html)
    assert result.returncode == 0, result.stderr
    text = html.read_text()
    assert "2 assessments from Q-one to Q-two" in text and "Since Q-one" in text
    assert "Q-three" not in text  # only what came before it
    pdf = tmp_path / "latest.pdf"
    assert run("report", "-w", workspace, "-o", pdf).returncode == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    assert _entries(workspace) == 3  # nothing recorded


def test_report_refuses_what_it_cannot_write_and_what_is_not_recorded(
    workspace: Path, tmp_path: Path
):
    _assert_clean_failure(run("report", "-w", workspace), 2, "no assessments recorded yet")
    assert run("assess", workspace, "-f", "json").returncode == 0
    _assert_clean_failure(run("report", "nosuch", "-w", workspace), 2, "no assessment 'nosuch'")
    _assert_clean_failure(run("report", "-w", workspace, "-f", "pdf"), 2, "pdf needs --output")
    missing = tmp_path / "no" / "such" / "r.html"
    result = run("report", "-w", workspace, "-o", missing)
    assert result.returncode == 2 and not missing.exists()


def test_reading_the_history_needs_no_answers_or_model_files(workspace: Path):
    """history, diff and report read the store only: a workspace whose answers files are
    gone (copied without them) still lists and renders what was recorded."""
    assert run("assess", workspace, "-f", "json", "--milestone", "A").returncode == 0
    assert run("assess", workspace, "-f", "json", "--milestone", "B").returncode == 0
    for answers in (workspace.parent / "answers").iterdir():
        answers.unlink()
    assert run("assess", workspace).returncode == 2  # assessing does need them
    for command in (["history", workspace], ["diff", "A", "B", "-w", workspace]):
        result = run(*command)
        assert result.returncode == 0, result.stderr
    assert run("report", "A", "-w", workspace, "-f", "markdown").stdout.startswith("# ")

"""`assess` records, `history` lists, `diff` compares: the installed command, in a subprocess."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import yaml

from mlmaturity.store import HistoryStore, workspace_digest
from mlmaturity.workspace import load_workspace
from tests.store.conftest import Quarter, with_store, write_quarter
from tests.test_cli import _assert_clean_failure, run


def test_assess_records_every_run_and_history_lists_them(workspace: Path):
    first = run("assess", workspace, "--milestone", "2026-Q3")
    assert first.returncode == 0, first.stderr
    assert "Test Org" in first.stdout  # the report, as always
    database = workspace / ".mlmaturity" / "history.db"
    assert f"recorded as #1 (2026-Q3) in {database}" in first.stderr
    second = run("assess", workspace, "-f", "json")
    assert second.returncode == 0 and json.loads(second.stdout)["organization"]["name"]
    assert f"recorded as #2 in {database}" in second.stderr
    assert run("assess", workspace, "--no-history").returncode == 0
    assert run("gate", "--min-stage", 1, workspace).returncode == 1  # gates never record
    listed = run("history", workspace)
    assert listed.returncode == 0, listed.stderr
    lines = [line for line in listed.stdout.splitlines() if line.startswith("│")]
    assert len(lines) == 2
    assert "│ 1 │" in lines[0] and "2026-Q3" in lines[0] and "mini 1" in lines[0]
    assert "2 Repeatable" in lines[0] and "0 (below Initial)" in lines[0]  # org and team t
    digest = workspace_digest(load_workspace(workspace))
    assert digest[:12] in lines[0]
    footer = " ".join(listed.stdout.split("┘")[-1].split())  # under the table, unwrapped
    assert footer == (
        "Inputs: the digest of the workspace, model and answers files assessed "
        "(docs/history.md). `mlmaturity diff A B` shows what changed from entry A to entry B "
        "(an id or a milestone); without arguments, from the previous to the latest."
    )
    document = json.loads(run("history", workspace, "--format", "json").stdout)
    assert document["store"] == str(database)
    assert [e["milestone"] for e in document["entries"]] == ["2026-Q3", None]
    assert document["entries"][0]["team_stages"] == {"t": 0, "u": 2}
    assert document["entries"][0]["workspace_digest"] == digest


def test_a_milestone_used_twice_is_refused_before_assessing(workspace: Path):
    assert run("assess", workspace, "--milestone", "Q3").returncode == 0
    again = run("assess", workspace, "--milestone", "Q3", "-o", workspace / "report.md")
    _assert_clean_failure(again, 2, "milestone 'Q3' is already recorded (#1, ")
    assert again.stdout == "" and not (workspace / "report.md").exists()
    _assert_clean_failure(
        run("assess", workspace, "--milestone", "Q4", "--no-history"),
        2,
        "--milestone: cannot be used with --no-history",
    )
    _assert_clean_failure(run("assess", workspace, "--milestone", "7"), 2, "would read as an id")
    assert len(HistoryStore.for_workspace(load_workspace(workspace)).entries()) == 1


def _record_quarters(root: Path, quarters: list[Quarter]) -> None:
    write_quarter(root, "Q2")
    with HistoryStore.for_workspace(load_workspace(root)) as store:
        for q in quarters:
            store.record(
                q.assessment, answers=q.answers, workspace_digest="0" * 64, milestone=q.milestone
            )


def test_diff_shows_what_changed_in_every_format(workspace_at: Path, quarters: list[Quarter]):
    _record_quarters(workspace_at, quarters)
    shown = run("diff", "Q1", "Q2", "--workspace", workspace_at)
    assert shown.returncode == 0, shown.stderr
    out = shown.stdout
    assert "Changes from #1 Q1 (2026-03-31 12:00, model default" in out
    assert "Criteria that flipped" in out and "test-1-some-tests" in out
    assert "tests-present pass on repo-a" in out and "tests-present fail on repo-a" in out
    assert "Evidence-vs-survey conflicts" in out and "resolved" in out
    assert "Deployment frequency" in out
    default = run("diff", "--workspace", workspace_at)  # previous against latest
    assert default.stdout == out
    markdown = run("diff", "1", "latest", "-w", workspace_at, "-f", "markdown").stdout
    assert markdown.startswith("# Changes from \\#1 Q1")
    assert "## Criteria that flipped" in markdown
    assert "| a | test-1-some-tests (L1) |" in markdown
    document = json.loads(run("diff", "Q1", "Q2", "-w", workspace_at, "-f", "json").stdout)
    assert document["old"]["label"] == "#1 Q1" and document["new"]["label"] == "#2 Q2"
    flipped = {(k["team"], k["criterion"]) for k in document["criteria"]}
    assert ("a", "test-1-some-tests") in flipped and ("b", "roles-2-named-owner") in flipped
    out_file = workspace_at / "diff.md"
    assert run("diff", "Q1", "Q2", "-w", workspace_at, "-o", out_file).returncode == 0
    assert "Criteria that flipped" in out_file.read_text()


def test_diff_of_an_unknown_reference_names_what_exists(
    workspace_at: Path, quarters: list[Quarter]
):
    write_quarter(workspace_at, "Q1")
    _assert_clean_failure(
        run("diff", "-w", workspace_at), 2, "no assessments recorded yet", "mlmaturity assess"
    )
    _record_quarters(workspace_at, quarters)
    _assert_clean_failure(
        run("diff", "Q1", "Q7", "-w", workspace_at),
        2,
        "no assessment 'Q7' in the history",
        "ids 1, 2; milestones: Q1, Q2; or latest, previous",
    )


def test_history_of_a_workspace_never_assessed(workspace: Path):
    listed = run("history", workspace)
    assert listed.returncode == 0
    assert "no assessments recorded yet" in listed.stdout
    assert not (workspace / ".mlmaturity" / "history.db").exists()


def test_the_workspace_store_key_points_at_a_server_or_a_file(store_url: str, workspace: Path):
    if store_url.startswith("sqlite"):
        store_url = "sqlite:///kept/history.db"  # relative: to the workspace file's folder
    with_store(workspace, store_url)
    recorded = run("assess", workspace, "--milestone", "M1", cwd=workspace.parent)
    assert recorded.returncode == 0, recorded.stderr
    document = json.loads(run("history", workspace, "-f", "json").stdout)
    assert [e["milestone"] for e in document["entries"]] == ["M1"]
    if store_url.startswith("sqlite"):
        assert (workspace / "kept" / "history.db").is_file()
        assert document["store"] == str(workspace / "kept" / "history.db")
    assert not (workspace / ".mlmaturity" / "history.db").exists()


def test_the_workspace_digest_is_the_documented_one(workspace: Path):
    """sha256sum of the workspace file, the model and the answers files, then of those lines."""
    spec = yaml.safe_load((workspace / "mlmaturity.yaml").read_text())
    files = [workspace / "mlmaturity.yaml", workspace / spec["model"]]
    files += [workspace / a for a in spec["answers"]]
    listing = subprocess.run(
        ["sha256sum", *map(str, files)], capture_output=True, text=True, check=True
    ).stdout
    lines = "".join(line[:64] + "\n" for line in listing.splitlines())
    expected = subprocess.run(
        ["sha256sum"], input=lines, capture_output=True, text=True, check=True
    ).stdout[:64]
    assert workspace_digest(load_workspace(workspace)) == expected
    before = expected
    answers = workspace / "team-u.csv"
    answers.write_text(answers.read_text().replace("some", "no"))
    assert workspace_digest(load_workspace(workspace)) != before

"""The event store holds what the workspace's sources yield now, written atomically under a lock."""

from __future__ import annotations

import fcntl
import os
import stat
import subprocess
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pytest

from mlmaturity.collect import collect_workspace
from mlmaturity.errors import InputError
from mlmaturity.events.store import EventStore
from mlmaturity.events.tables import TABLES
from tests.evidence.conftest import make_git_repo
from tests.kpi.workspaces import kpis, make_workspace, stored
from tests.test_cli import EXE, run

HEADER = "model,version,environment,at,kind,automated\n"
TWO_DEPLOYS = HEADER + (
    "fraud,1,production,2026-03-02T00:00:00Z,deploy,true\n"
    "fraud,2,production,2026-03-09T00:00:00Z,deploy,true\n"
)
ONE_TEAM = {"t": {"deployments": ["d.csv"], "incidents": ["i.jsonl"]}}
INCIDENT = '{"model": "fraud", "opened_at": "2026-03-03T00:00:00Z"}\n'


def _times(root: Path) -> list[datetime]:
    return [row["at"] for row in stored(root, "deployments")]  # type: ignore[misc]


def test_an_edited_row_replaces_the_old_one(tmp_path: Path):
    make_workspace(tmp_path, ONE_TEAM, {"d.csv": TWO_DEPLOYS, "i.jsonl": INCIDENT})
    collect_workspace(tmp_path)
    (tmp_path / "d.csv").write_text(TWO_DEPLOYS.replace("2026-03-09", "2026-03-10"))
    assert collect_workspace(tmp_path).rows["deployments"] == 2
    assert _times(tmp_path) == [
        datetime(2026, 3, 2, tzinfo=UTC),
        datetime(2026, 3, 10, tzinfo=UTC),
    ]


def test_a_deleted_row_is_forgotten(tmp_path: Path):
    make_workspace(tmp_path, ONE_TEAM, {"d.csv": TWO_DEPLOYS, "i.jsonl": INCIDENT})
    collect_workspace(tmp_path)
    (tmp_path / "d.csv").write_text(
        TWO_DEPLOYS.splitlines(keepends=True)[0] + TWO_DEPLOYS.splitlines(keepends=True)[1]
    )
    assert collect_workspace(tmp_path).rows["deployments"] == 1
    assert _times(tmp_path) == [datetime(2026, 3, 2, tzinfo=UTC)]


def test_an_emptied_source_stores_no_rows(tmp_path: Path):
    make_workspace(tmp_path, ONE_TEAM, {"d.csv": TWO_DEPLOYS, "i.jsonl": INCIDENT})
    collect_workspace(tmp_path)
    (tmp_path / "d.csv").write_text(HEADER)
    assert collect_workspace(tmp_path).rows["deployments"] == 0
    assert stored(tmp_path, "deployments") == []


@pytest.mark.engines
def test_a_source_removed_from_the_workspace_has_its_rows_dropped(tmp_path: Path):
    make_workspace(tmp_path, ONE_TEAM, {"d.csv": TWO_DEPLOYS, "i.jsonl": INCIDENT})
    collect_workspace(tmp_path)
    make_workspace(tmp_path, {"t": {"deployments": ["d.csv"]}}, {})
    assert collect_workspace(tmp_path).rows == {"deployments": 2}
    assert EventStore.for_workspace(tmp_path).read("incidents") is None
    values = kpis(tmp_path, ["t"], date(2026, 3, 1), date(2026, 3, 31))
    assert values[("time-to-restore", "t", date(2026, 3, 1))].note == (
        "not measurable: needs incidents"
    )


def test_the_last_row_in_file_order_wins_on_the_first_collect(tmp_path: Path):
    twice = HEADER + (
        "fraud,1,production,2026-03-02T00:00:00Z,deploy,false\n"
        "fraud,1,production,2026-03-02T00:00:00Z,deploy,true\n"
        "fraud,1,production,2026-03-02T00:00:00Z,deploy,false\n"
        "fraud,1,production,2026-03-02T00:00:00Z,deploy,true\n"
    )
    make_workspace(tmp_path, {"t": {"deployments": ["d.csv"]}}, {"d.csv": twice})
    for _ in range(3):
        assert collect_workspace(tmp_path).rows == {"deployments": 1}
        assert [r["automated"] for r in stored(tmp_path, "deployments")] == [True]


def test_commits_outside_the_git_window_are_kept_while_their_repository_is_listed(
    tmp_path: Path,
):
    make_git_repo(tmp_path / "repo", {"README.md": "hi\n"})
    make_git_repo(tmp_path / "gone", {"README.md": "hi\n"})
    make_workspace(tmp_path, {"t": {"repos": ["repo"]}}, {})
    old = {"sha": "a" * 40, "at": datetime(2025, 1, 1, tzinfo=UTC), "author": "x", "team": "t"}
    earlier = [{**old, "repository": "repo", "source": "repo"}]
    earlier.append({**old, "repository": "gone", "source": "gone", "sha": "b" * 40})
    store = EventStore.for_workspace(tmp_path)
    store.write("changes", pa.Table.from_pylist(earlier, schema=TABLES["changes"].schema))
    collect_workspace(tmp_path)
    by_sha = {r["sha"]: r for r in stored(tmp_path, "changes")}
    # The old commit of the listed repository stays (git log reads 90 days); the initial
    # commit is collected; the repository no longer listed is forgotten.
    assert "a" * 40 in by_sha and "b" * 40 not in by_sha
    assert len(by_sha) == 2 and {r["source"] for r in by_sha.values()} == {"repo"}


def test_an_event_file_listed_by_two_teams_is_bad_input(tmp_path: Path):
    teams = {"a": {"deployments": ["d.csv"]}, "b": {"deployments": ["./d.csv"]}}
    make_workspace(tmp_path, teams, {"d.csv": TWO_DEPLOYS})
    with pytest.raises(InputError) as caught:
        collect_workspace(tmp_path)
    [problem] = caught.value.problems
    assert "listed by teams a and b" in problem.message and problem.file.endswith("d.csv")
    assert not (tmp_path / ".mlmaturity").exists()
    result = run("collect", tmp_path)
    assert result.returncode == 2 and "listed by teams a and b" in result.stderr


SHARED_FOCUS = (
    "ChargePeriodStart,ChargePeriodEnd,EffectiveCost,ResourceId,BillingCurrency,Tags\n"
    '2026-03-01,2026-04-01,100,i-1,EUR,"{""team"": ""a"", ""model"": ""x""}"\n'
    '2026-03-01,2026-04-01,50,i-2,EUR,"{""team"": ""b"", ""model"": ""y""}"\n'
    "2026-03-01,2026-04-01,30,i-3,EUR,\n"
    '2026-03-01,2026-04-01,20,i-4,EUR,"{""team"": ""ghost"", ""model"": ""z""}"\n'
)


@pytest.mark.engines
def test_a_shared_focus_file_is_read_once_and_allocated_by_tags(tmp_path: Path):
    teams = {"a": {"costs": ["focus.csv"]}, "b": {"costs": ["./focus.csv"]}}
    make_workspace(
        tmp_path, teams, {"focus.csv": SHARED_FOCUS}, cost_allocation={"resources": {"i-3": "m"}}
    )
    summary = collect_workspace(tmp_path)
    assert summary.rows == {"costs": 4}
    teams_of = {r["resource_id"]: r["team"] for r in stored(tmp_path, "costs")}
    # Untagged lines of a file two teams list belong to no team; an unknown team tag neither.
    assert teams_of == {"i-1": "a", "i-2": "b", "i-3": None, "i-4": None}
    assert any("'ghost'" in n and "not a team of the workspace" in n for n in summary.notes)
    assert any("listed by teams a and b" in n for n in summary.notes)
    march = date(2026, 3, 1)
    values = kpis(tmp_path, ["a", "b"], march, date(2026, 3, 31))
    assert values[("cost-per-model", "a", march)].value == pytest.approx(100.0)
    assert values[("cost-per-model", "b", march)].value == pytest.approx(50.0)
    # The organization counts each line once: 200 over four (team, model) pairs.
    assert values[("cost-per-model", None, march)].value == pytest.approx(50.0)


def test_store_files_get_the_mode_a_new_file_would_have(tmp_path: Path):
    make_workspace(tmp_path, ONE_TEAM, {"d.csv": TWO_DEPLOYS, "i.jsonl": INCIDENT})
    old = os.umask(0o022)
    try:
        collect_workspace(tmp_path)
    finally:
        os.umask(old)
    path = EventStore.for_workspace(tmp_path).path("deployments")
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    path.chmod(0o640)  # a mode the user chose is kept
    collect_workspace(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_collect_waits_for_the_store_lock(tmp_path: Path):
    make_workspace(tmp_path, ONE_TEAM, {"d.csv": TWO_DEPLOYS, "i.jsonl": INCIDENT})
    folder = EventStore.for_workspace(tmp_path).root
    folder.mkdir(parents=True)
    held = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(held, fcntl.LOCK_EX)
        assert EXE is not None
        process = subprocess.Popen(
            [EXE, "collect", str(tmp_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        time.sleep(3)
        assert process.poll() is None  # still waiting for the lock
        assert not EventStore.for_workspace(tmp_path).path("deployments").exists()
    finally:
        os.close(held)  # releases the lock
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert b"deployments: 2 row(s) stored" in out


def test_no_table_is_replaced_when_another_cannot_be(tmp_path: Path):
    make_workspace(tmp_path, ONE_TEAM, {"d.csv": TWO_DEPLOYS, "i.jsonl": INCIDENT})
    collect_workspace(tmp_path)
    store = EventStore.for_workspace(tmp_path)
    before = store.path("deployments").read_bytes()
    store.path("incidents").unlink()
    (store.path("incidents") / "blocker").mkdir(parents=True)  # a folder where a file belongs
    (tmp_path / "d.csv").write_text(HEADER)
    result = run("collect", tmp_path)
    assert result.returncode == 2, result.stderr
    assert "incidents.parquet" in result.stderr and "Traceback" not in result.stderr
    assert store.path("deployments").read_bytes() == before
    assert [p.name for p in store.root.iterdir() if p.name.startswith(".")] == []


def test_a_source_that_cannot_be_read_keeps_what_was_stored_from_it(tmp_path: Path):
    server = "http://127.0.0.1:9"  # nothing listens there: the MLflow store is unavailable
    make_workspace(
        tmp_path,
        {"t": {"mlflow": [server], "deployments": ["d.csv"]}},
        {"d.csv": TWO_DEPLOYS},
    )
    run = {"run_id": "r1", "model": "fraud", "started_at": datetime(2026, 3, 1, tzinfo=UTC)}
    earlier = [{**run, "team": "t", "source": server}]
    store = EventStore.for_workspace(tmp_path)
    store.write(
        "training_runs", pa.Table.from_pylist(earlier, schema=TABLES["training_runs"].schema)
    )
    summary = collect_workspace(tmp_path)
    assert any(note.startswith(f"mlflow {server}: unavailable") for note in summary.notes)
    assert [r["run_id"] for r in stored(tmp_path, "training_runs")] == ["r1"]
    assert summary.rows["deployments"] == 2
    # Once the source is no longer listed, its rows go.
    make_workspace(tmp_path, {"t": {"deployments": ["d.csv"]}}, {})
    collect_workspace(tmp_path)
    assert store.read("training_runs") is None

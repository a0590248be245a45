"""Cases an independent review found: secrets, hostile tags, odd folders, registry history."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from mlmaturity.collect import collect_workspace
from mlmaturity.events.mlflowstore.derive import Triggers, derive
from mlmaturity.events.mlflowstore.records import PARENT_RUN_TAG, Run, StoreContents, Version
from mlmaturity.events.mlflowstore.sql import read_sql_store, redact_uri
from mlmaturity.workspace import MlflowSettings
from tests.kpi.workspaces import stored
from tests.mlflowstore.conftest import Store
from tests.mlflowstore.helpers import findings, make_workspace

SETTINGS = MlflowSettings()


def test_passwords_never_reach_notes_or_sources(tmp_path: Path) -> None:
    assert (
        redact_uri("postgresql://u:hunter2@db/x?sslpassword=pw9")
        == "postgresql://u:***@db/x?sslpassword=***"
    )
    root = make_workspace(
        tmp_path / "ws", "http://alice:s3cret@127.0.0.1:9", "mysql://u:pw@127.0.0.1:notaport/db"
    )
    found, notes = findings(root)
    assert len(notes) == 2
    text = " ".join(notes) + " ".join(f.detail + f.subject for f in found.values())
    assert "s3cret" not in text and ":pw@" not in text
    assert "not a database URI" in notes[1]


def test_a_tag_nesting_bomb_and_bad_bytes_leave_the_store_readable(
    sqlite_store: Store, tmp_path: Path
) -> None:
    assert sqlite_store.file is not None
    run_id = sqlite_store.runs["by-hand"]
    with sqlite3.connect(sqlite_store.file) as db:
        db.execute(
            "UPDATE tags SET value = CAST(? AS TEXT) "
            "WHERE run_uuid = ? AND key = 'mlflow.source.git.commit'",
            (b"\xff\xfe-not-utf8", run_id),
        )
        db.execute(
            "INSERT INTO tags (key, value, run_uuid) VALUES ('mlflow.log-model.history', ?, ?)",
            ("[" * 5000, run_id),
        )
    contents = read_sql_store(sqlite_store.uri, ["mlflow.source.git.commit"], ["test_*"])
    run = next(r for r in contents.runs if r.run_id == run_id)
    assert run.tags["mlflow.source.git.commit"].endswith("-not-utf8")
    assert run.logged_model


def test_an_mlruns_folder_mlflow_did_not_write_is_refused_and_left_alone(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "my ws", "mlruns")
    (root / "mlruns" / "0").mkdir(parents=True)
    _, notes = findings(root)
    assert "not an mlruns folder written by MLflow" in notes[0]
    assert sorted(p.name for p in (root / "mlruns").iterdir()) == ["0"]


def _run(run_id: str, **tags: str) -> Run:
    started = datetime(2026, 9, 1, tzinfo=UTC)
    return Run(run_id, "e", run_id, "FINISHED", started, started, "LOCAL", "alice", dict(tags))


def test_a_child_run_inherits_its_parents_trigger() -> None:
    parent = _run("p", **{"airflow.dag_id": "sweep"})
    child = _run("c", **{PARENT_RUN_TAG: "p"})
    orphan = _run("o", **{PARENT_RUN_TAG: "missing"})
    triggers = Triggers(SETTINGS, {r.run_id: r for r in (parent, child, orphan)})
    assert [triggers.of(r) for r in (parent, child, orphan)] == ["scheduled", "scheduled", "manual"]


def _store(at: datetime, versions: list[Version]) -> StoreContents:
    return StoreContents(uri="s", generation="test", collected_at=at, versions=versions)


def _version(number: str, *aliases: str, deployed_at: str = "") -> Version:
    registered = datetime(2026, 8, 1, tzinfo=UTC)
    tags = {"deployed_at": deployed_at} if deployed_at else {}
    return Version(
        "m", number, registered, registered, "", "None", "READY", "", list(aliases), tags
    )


def test_registry_history_deletions_redeploys_and_no_change() -> None:
    days = [datetime(2026, 9, d, tzinfo=UTC) for d in (1, 2, 3, 4, 5)]
    tagged = "2026-08-15T00:00:00+00:00"
    states = [
        [_version("1"), _version("2", "champion", deployed_at=tagged)],  # v2 live (tagged)
        [_version("1", "champion"), _version("2", deployed_at=tagged)],  # rollback to v1
        [_version("1", "champion"), _version("2", deployed_at=tagged)],  # nothing changed
        [_version("1"), _version("2", "champion", deployed_at=tagged)],  # v2 again
        [],  # the model was deleted
    ]
    snapshots: list[dict[str, object]] = []
    derived = []
    for day, versions in zip(days, states, strict=True):
        rows = derive(_store(day, versions), SETTINGS, "t", "s", snapshots)
        snapshots = rows["registry_snapshots"]
        derived.append(rows["deployments"])

    assert len({s["collected_at"] for s in snapshots}) == 4  # the unchanged day stored nothing
    assert snapshots[-1]["label"] == "none" and snapshots[-1]["collected_at"] == days[4]
    events = sorted((d["at"], d["version"], d["kind"]) for d in derived[3])
    assert events == [
        (datetime(2026, 8, 15, tzinfo=UTC), "2", "deploy"),  # dated by its tag
        (days[1], "1", "rollback"),
        (days[3], "2", "deploy"),  # deployed again: not hidden by the tag
    ]


def test_a_loss_is_never_the_primary_held_out_metric(tmp_path: Path) -> None:
    run = _run("r")
    run.metrics = {"test_rmse": 0.3, "test_loss": 0.1}
    contents = StoreContents(uri="s", generation="t", collected_at=datetime.now(UTC), runs=[run])
    rows = derive(contents, SETTINGS, "t", "s", [])
    assert {r["metric"]: r["primary"] for r in rows["evaluations"]} == {
        "test_loss": False,
        "test_rmse": False,
    }


def test_a_store_that_is_unavailable_keeps_its_stored_events(
    sqlite_store: Store, tmp_path: Path
) -> None:
    assert sqlite_store.file is not None
    root = make_workspace(tmp_path / "ws", sqlite_store.uri)
    collect_workspace(root)
    before = len(stored(root, "training_runs"))
    shutil.copy(sqlite_store.file, tmp_path / "saved.db")
    sqlite_store.file.write_bytes(b"garbage" * 100)

    summary = collect_workspace(root)

    assert any("unavailable" in n for n in summary.notes)
    assert len(stored(root, "training_runs")) == before == 6

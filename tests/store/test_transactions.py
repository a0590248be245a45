"""Recording is one transaction: a process killed halfway leaves the history as it was, and
processes recording at once all land (on SQLite through its busy timeout)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from mlmaturity.store import HistoryStore, tables
from tests.store.conftest import Quarter

DIGEST = "12" * 32

KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from sqlalchemy import event
    from mlmaturity.scoring import Assessment
    from mlmaturity.store import HistoryStore

    url, document, table = sys.argv[1:4]
    assessment = Assessment.model_validate_json(Path(document).read_text())
    store = HistoryStore.at(url)

    @event.listens_for(store.engine, "after_cursor_execute")
    def _die(connection, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(f"INSERT INTO {table.upper()} "):
            os.kill(os.getpid(), signal.SIGKILL)  # no rollback, no cleanup: a crash

    store.record(assessment, answers=[], workspace_digest="00" * 32, milestone="crashed")
    print("recorded: the process was not killed")
    """
)

RECORDER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from mlmaturity.scoring import Assessment
    from mlmaturity.store import HistoryStore, StoreError

    url, document, go, *milestones = sys.argv[1:]
    assessment = Assessment.model_validate_json(Path(document).read_text())
    while not Path(go).exists():
        time.sleep(0.005)
    results = []
    with HistoryStore.at(url) as store:
        for milestone in milestones:
            try:
                entry = store.record(
                    assessment, answers=[], workspace_digest="34" * 32, milestone=milestone
                )
                results.append(["recorded", entry.id])
            except StoreError as exc:
                results.append(["refused", exc.problems[0].message])
    print(json.dumps(results))
    """
)


def _python(code: str, *args: str | Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", code, *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _counts(store: HistoryStore) -> dict[str, int]:
    with store.engine.connect() as connection:
        return {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (tables.assessments, *tables.CHILDREN)
        }


@pytest.mark.parametrize("table", ["assessments", "findings", "kpi_values"])
def test_a_process_killed_while_recording_leaves_the_history_intact(
    store_url: str, quarters: list[Quarter], tmp_path: Path, table: str
):
    """Killed after the assessment's first row, in the middle, and after its last row."""
    with HistoryStore.at(store_url) as store:
        for q in quarters:
            store.record(
                q.assessment, answers=q.answers, workspace_digest=DIGEST, milestone=q.milestone
            )
        before_entries, before_counts = store.entries(), _counts(store)
    document = tmp_path / "assessment.json"
    document.write_text(quarters[1].assessment.model_dump_json())
    child = _python(KILLER, store_url, document, table)
    out, err = child.communicate(timeout=120)
    assert child.returncode == -signal.SIGKILL, out + err
    with HistoryStore.at(store_url) as store:
        assert store.entries() == before_entries
        assert _counts(store) == before_counts  # no half-written rows anywhere
        assert store.load("latest") == quarters[1].assessment
        store.check_milestone_free("crashed")  # the killed write's milestone is not taken
        if store.url.get_backend_name() == "sqlite":
            with store.engine.connect() as connection:
                assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        q = quarters[0]
        entry = store.record(
            q.assessment, answers=q.answers, workspace_digest=DIGEST, milestone="crashed"
        )
        assert store.entries() == [before_entries[0], entry, before_entries[1]]  # by date


def test_processes_recording_at_once_all_land(
    store_url: str, quarters: list[Quarter], tmp_path: Path
):
    """Three processes, four assessments each, into a store none has created yet."""
    document = tmp_path / "assessment.json"
    document.write_text(quarters[0].assessment.model_dump_json())
    go = tmp_path / "go"
    names = {p: [f"p{p}-{k}" for k in range(4)] for p in range(3)}
    children = [_python(RECORDER, store_url, document, go, *names[p]) for p in names]
    time.sleep(1.5)  # let them all start and wait at the line
    go.touch()
    results = []
    for child in children:
        out, err = child.communicate(timeout=240)
        assert child.returncode == 0, err
        results.append(json.loads(out))
    assert all(kind == "recorded" for result in results for kind, _ in result), results
    ids = [entry_id for result in results for _, entry_id in result]
    assert len(set(ids)) == 12
    with HistoryStore.at(store_url) as store:
        entries = store.entries()
        assert sorted(e.milestone or "" for e in entries) == sorted(
            n for group in names.values() for n in group
        )
        assert sorted(e.id for e in entries) == sorted(ids)
        assert _counts(store)["team_results"] == 12 * len(quarters[0].assessment.teams)


def test_two_processes_recording_one_milestone_at_once_record_it_once(
    store_url: str, quarters: list[Quarter], tmp_path: Path
):
    document = tmp_path / "assessment.json"
    document.write_text(quarters[0].assessment.model_dump_json())
    go = tmp_path / "go"
    with HistoryStore.at(store_url) as store:
        store.entries()  # created and migrated: the race is on the milestone alone
    children = [_python(RECORDER, store_url, document, go, "2026-Q3") for _ in range(2)]
    time.sleep(1.5)
    go.touch()
    outcomes = []
    for child in children:
        out, err = child.communicate(timeout=240)
        assert child.returncode == 0, err
        outcomes += json.loads(out)
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["recorded", "refused"], outcomes
    refused = next(detail for kind, detail in outcomes if kind == "refused")
    assert "milestone '2026-Q3' is already recorded" in refused
    with HistoryStore.at(store_url) as store:
        assert [e.milestone for e in store.entries()] == ["2026-Q3"]

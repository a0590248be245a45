"""What is recorded is what was assessed; reading the history never writes to it, and the
trends read a bounded number of assessments."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, select

from mlmaturity.assess import assess, assess_run
from mlmaturity.inputs import read_inputs
from mlmaturity.store import (
    TREND_ASSESSMENTS,
    HistoryStore,
    StoreError,
    record_assessment,
    record_run,
)
from mlmaturity.store import tables as t
from mlmaturity.store.engine import store_engine
from mlmaturity.store.history import write_assessment
from mlmaturity.store.migrate import HEAD, current_revision, upgrade
from mlmaturity.workspace import load_workspace
from tests.store.conftest import Quarter
from tests.test_cli import run

DIGEST = "ab" * 32


def _stored_answers(store: HistoryStore, entry_id: int) -> list[tuple[str, str, str]]:
    a = t.answers
    with store.engine.connect() as connection:
        rows = connection.execute(
            select(a.c.respondent, a.c.question, a.c.value)
            .where(a.c.assessment_id == entry_id)
            .order_by(a.c.id)
        ).all()
    return [tuple(row) for row in rows]


def _documented_digest(files: list[bytes]) -> str:
    lines = "".join(hashlib.sha256(data).hexdigest() + "\n" for data in files)
    return hashlib.sha256(lines.encode()).hexdigest()


def test_the_answers_and_digest_recorded_are_those_the_assessment_read(workspace: Path):
    """The survey saves after every answer: a file changed between assessing and recording
    must not be recorded as if the assessment had scored it."""
    answers_file = workspace / "team-u.csv"
    spec = load_workspace(workspace).spec
    inputs = [workspace / "mlmaturity.yaml", workspace / str(spec.model)]
    inputs += [workspace / entry for entry in spec.answers]
    read = _documented_digest([path.read_bytes() for path in inputs])

    made = assess_run(workspace)
    answers_file.write_bytes(answers_file.read_bytes().replace(b",some,", b",no,"))
    now = read_inputs(workspace).answers
    assert [a.choice for a in now] != [a.choice for a in made.answers]  # it did change

    entry = record_run(made, milestone="scored")
    assert entry.workspace_digest == made.workspace_digest == read
    with HistoryStore.for_workspace(made.workspace) as store:
        assert _stored_answers(store, entry.id) == [
            (a.respondent, a.question, a.choice) for a in made.answers
        ]
        assert store.load("scored") == made.assessment
    # The earlier form (the demo's) still records, with the files as they are now.
    later = record_assessment(workspace, made.assessment, milestone="read again")
    assert later.workspace_digest != read


def test_assess_is_the_assessment_of_assess_run(workspace: Path):
    when = datetime(2026, 5, 1, tzinfo=UTC)
    assert assess(workspace, now=when) == assess_run(workspace, now=when).assessment


def _first_revision_store(workspace: Path, quarters: list[Quarter]) -> Path:
    """The workspace's history at revision 0001, holding the two quarters."""
    database = workspace / ".mlmaturity" / "history.db"
    database.parent.mkdir()
    engine = store_engine(HistoryStore.for_workspace(load_workspace(workspace)).url)
    try:
        upgrade(engine, "0001")
        with engine.begin() as connection:
            for q in quarters:
                recorded = datetime(2026, 7, 1, tzinfo=UTC)
                write_assessment(connection, q.assessment, q.answers, DIGEST, q.milestone, recorded)
    finally:
        engine.dispose()
    return database


def _revision(database: Path) -> str | None:
    engine = store_engine(HistoryStore.at(f"sqlite:///{database}").url)
    try:
        with engine.connect() as connection:
            return current_revision(connection)
    finally:
        engine.dispose()


def test_reading_a_store_of_the_first_revision_never_migrates_it(
    workspace: Path, quarters: list[Quarter], tmp_path: Path
):
    database = _first_revision_store(workspace, quarters)
    untouched = database.read_bytes()

    report = run("assess", workspace, "--no-history", "-o", tmp_path / "report.html")
    assert report.returncode == 0, report.stderr
    assert "no trends" not in report.stderr  # the trends were read from it
    listed = run("history", workspace)
    assert listed.returncode == 0 and "Q1" in listed.stdout and "Q2" in listed.stdout
    assert run("diff", "Q1", "Q2", "-w", workspace).returncode == 0
    with HistoryStore.for_workspace(load_workspace(workspace)) as store:
        assert store.assessments() == [q.assessment for q in quarters]
    assert _revision(database) == "0001" and database.read_bytes() == untouched

    recorded = run("assess", workspace, "-f", "json", "-o", tmp_path / "report.json")
    assert recorded.returncode == 0, recorded.stderr
    assert "recorded as #3" in recorded.stderr
    assert _revision(database) == HEAD  # recording migrates


def test_reading_an_empty_database_creates_nothing(store_url: str):
    store = HistoryStore.at(store_url)
    assert store.entries() == [] and store.assessments() == []
    with pytest.raises(StoreError, match="no assessments recorded yet"):
        store.load("latest")
    store.close()
    if store_url.startswith("sqlite"):
        assert not Path(str(store.url.database)).exists()
        return
    engine = store_engine(store.url)
    try:
        with engine.connect() as connection:
            assert inspect(connection).get_table_names() == []
    finally:
        engine.dispose()


def test_trends_read_the_newest_assessments_only(tmp_path: Path, quarters: list[Quarter]):
    base = quarters[0].assessment
    start = datetime(2025, 1, 1, 12, tzinfo=UTC)
    made = [
        base.model_copy(update={"generated_at": (start + timedelta(days=n)).isoformat()})
        for n in range(6)
    ]
    with HistoryStore.at(f"sqlite:///{tmp_path / 'h.db'}") as store:
        for assessment in reversed(made):  # recorded out of order: the order is by time
            store.record(assessment, answers=[], workspace_digest=DIGEST)
        assert store.assessments() == made  # the contract: every one, oldest first
        assert store.assessments(limit=3) == made[3:]
        before = datetime.fromisoformat(made[4].generated_at)
        assert store.assessments(before=before, limit=2) == made[2:4]
        assert store.assessments(before=before) == made[:4]
        assert store.assessments(limit=0) == [] and store.assessments(limit=99) == made
    assert TREND_ASSESSMENTS == 24

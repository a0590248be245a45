"""Recording, listing and loading assessments, on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text

from mlmaturity.errors import InputError
from mlmaturity.store import HistoryStore, StoreError
from mlmaturity.store import tables as t
from tests.store.conftest import Quarter

DIGEST = "ab" * 32


def record_all(store: HistoryStore, quarters: list[Quarter], *, milestones: bool = True) -> None:
    for q in quarters:
        store.record(
            q.assessment,
            answers=q.answers,
            workspace_digest=DIGEST,
            milestone=q.milestone if milestones else None,
        )


def test_recorded_assessments_come_back_whole_and_in_order(store_url: str, quarters: list[Quarter]):
    with HistoryStore.at(store_url) as store:
        assert store.entries() == []
        first = store.record(
            quarters[1].assessment, answers=quarters[1].answers, workspace_digest=DIGEST
        )
        second = store.record(
            quarters[0].assessment,
            answers=quarters[0].answers,
            workspace_digest="cd" * 32,
            milestone="  2026-Q1 ",
        )
        entries = store.entries()
        # Oldest first by the assessment's own time, not by when it was recorded.
        assert [e.id for e in entries] == [second.id, first.id]
        q1 = entries[0]
        assert q1.milestone == "2026-Q1"  # trimmed
        assert q1.generated_at == datetime(2026, 3, 31, 12, tzinfo=UTC)
        assert q1.model_id == "default" and q1.workspace_digest == "cd" * 32
        assert q1.team_stages == {t.id: t.stage for t in quarters[0].assessment.teams}
        assert list(q1.team_stages) == ["a", "b"]  # workspace order
        assert q1.organization_stage == quarters[0].assessment.organization.stage
        assert store.load("2026-Q1") == quarters[0].assessment
        assert store.load(str(first.id)) == quarters[1].assessment
        assert store.load("latest") == quarters[1].assessment
        assert store.load("previous") == quarters[0].assessment
        assert store.assessments() == [quarters[0].assessment, quarters[1].assessment]
        before_q2 = datetime(2026, 6, 30, 12, tzinfo=UTC)
        assert store.assessments(before=before_q2) == [quarters[0].assessment]


def test_normalized_rows_answer_sql_questions(store_url: str, quarters: list[Quarter]):
    with HistoryStore.at(store_url) as store:
        record_all(store, quarters)
        with store.engine.connect() as connection:
            # A team's stage over time.
            stages = connection.execute(
                select(t.assessments.c.milestone, t.team_results.c.stage)
                .join(t.team_results)
                .where(t.team_results.c.team == "a")
                .order_by(t.assessments.c.generated_at)
            ).all()
            assert [tuple(r) for r in stages] == [
                (q.milestone, q.assessment.teams[0].stage) for q in quarters
            ]
            # The criterion that flipped, by its status in each quarter.
            flipped = connection.execute(
                select(t.criteria.c.status)
                .join(t.assessments)
                .where(t.criteria.c.team == "a", t.criteria.c.criterion == "test-1-some-tests")
                .order_by(t.assessments.c.generated_at)
            ).scalars()
            assert list(flipped) == ["unmet", "met"]
            # Findings keep their locations as JSON.
            located = connection.execute(
                select(t.findings.c.locations)
                .join(t.assessments)
                .where(t.assessments.c.milestone == "Q2", t.findings.c.check_id == "tests-present")
            ).scalar_one()
            assert json.loads(located)[0]["path"] == "tests/test_features.py"
            # Answers as given.
            answers = connection.execute(
                select(t.answers.c.respondent, t.answers.c.role, t.answers.c.value)
                .join(t.assessments)
                .where(t.assessments.c.milestone == "Q2")
                .order_by(t.answers.c.respondent)
            ).all()
            assert [tuple(a) for a in answers] == [
                ("ana", "ml-engineering", "a-few"),
                ("bo", "data-science", "named-owner"),
            ]
            # KPI values per team and for the organization (team null), with the period.
            frequency = connection.execute(
                select(t.kpi_values.c.team, t.kpi_values.c.value)
                .join(t.assessments)
                .where(
                    t.assessments.c.milestone == "Q2",
                    t.kpi_values.c.kpi == "deployment-frequency",
                    t.kpi_values.c.period == datetime(2026, 6, 1).date(),
                )
                .order_by(t.kpi_values.c.team)
            ).all()
            assert sorted((r.team or "", r.value) for r in frequency) == [
                ("", 4.0),
                ("a", 4.0),
                ("b", None),
            ]
            counts = {
                table.name: connection.execute(select(func.count()).select_from(table)).scalar()
                for table in t.CHILDREN
            }
    expected_findings = sum(len(team.findings) for q in quarters for team in q.assessment.teams)
    assert counts["findings"] == expected_findings > 0
    assert counts["answers"] == sum(len(q.answers) for q in quarters)
    assert counts["team_results"] == 4
    assert all(counts.values()), counts


def test_a_milestone_names_one_assessment(store_url: str, quarters: list[Quarter]):
    q1, q2 = quarters
    with HistoryStore.at(store_url) as store:
        store.record(q1.assessment, answers=q1.answers, workspace_digest=DIGEST, milestone="Q3")
        with pytest.raises(
            StoreError, match=r"milestone 'Q3' is already recorded \(#1, 2026-03-31\)"
        ):
            store.record(q2.assessment, answers=q2.answers, workspace_digest=DIGEST, milestone="Q3")
        with pytest.raises(StoreError, match="'Q3' is already recorded"):
            store.check_milestone_free("Q3")
        store.check_milestone_free("q3")  # milestones are compared exactly, on MySQL too
        store.record(q2.assessment, answers=q2.answers, workspace_digest=DIGEST, milestone="q3")
        assert [e.milestone for e in store.entries()] == ["Q3", "q3"]


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("", "needs a name"),
        ("   ", "needs a name"),
        ("12", "would read as an id"),
        ("latest", "would read as a reference"),
        ("previous", "would read as a reference"),
        ("Q3\nQ4", "one line"),
        ("x" * 201, "at most 200"),
    ],
)
def test_milestone_names_that_would_mislead_are_refused(name: str, problem: str, tmp_path):
    with pytest.raises(InputError, match=problem) as raised:
        HistoryStore.at(f"sqlite:///{tmp_path / 'h.db'}").check_milestone_free(name)
    assert raised.value.problems[0].file == "--milestone"
    assert not (tmp_path / "h.db").exists()


def test_unknown_references_name_what_exists(store_url: str, quarters: list[Quarter]):
    with HistoryStore.at(store_url) as store:
        with pytest.raises(StoreError, match="no assessments recorded yet"):
            store.load("latest")
        q1 = quarters[0]
        store.record(q1.assessment, answers=q1.answers, workspace_digest=DIGEST)
        with pytest.raises(StoreError, match="no assessment 'previous'"):
            store.load("previous")  # only one recorded
        record_all(store, quarters)
        with pytest.raises(StoreError) as raised:
            store.load("Q9")
        problem = raised.value.problems[0]
        assert problem.message == "no assessment 'Q9' in the history"
        assert "ids 1, 2, 3; milestones: Q1, Q2; or latest, previous" in problem.hint
        with pytest.raises(StoreError, match="no assessment '7'"):
            store.load("7")


def test_reading_a_store_that_does_not_exist_creates_nothing(tmp_path):
    path = tmp_path / "not-yet" / "history.db"
    store = HistoryStore.at(f"sqlite:///{path}")
    assert store.entries() == [] and store.assessments() == []
    assert not path.parent.exists()


def test_an_assessment_of_a_newer_schema_version_is_named_not_a_traceback(
    tmp_path, quarters: list[Quarter]
):
    with HistoryStore.at(f"sqlite:///{tmp_path / 'h.db'}") as store:
        record_all(store, quarters[:1])
        with store.engine.begin() as connection:
            connection.execute(text("UPDATE assessments SET document = '{\"schema_version\": 9}'"))
        with pytest.raises(StoreError, match="assessment #1 cannot be read: schema_version"):
            store.load("latest")


def test_a_postgresql_schema_keeps_the_history_apart(quarters: list[Quarter]):
    """`?options=-csearch_path%3D<schema>` puts every table in a schema of its own."""
    import os

    import psycopg

    from tests.servers import create_or_skip, server_database

    name = f"mlm_history_schema_{os.getpid()}"
    create_or_skip("postgresql", name)
    try:
        with psycopg.connect(
            f"host=127.0.0.1 user=postgres dbname={name}", autocommit=True
        ) as connection:
            connection.execute("CREATE SCHEMA mlm")
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}?options=-csearch_path%3Dmlm"
        with HistoryStore.at(url) as store:
            record_all(store, quarters)
            assert [e.milestone for e in store.entries()] == ["Q1", "Q2"]
        with psycopg.connect(f"host=127.0.0.1 user=postgres dbname={name}") as connection:
            schemas = connection.execute(
                "SELECT DISTINCT table_schema FROM information_schema.tables "
                "WHERE table_name IN ('assessments', 'mlmaturity_alembic_version', 'findings')"
            ).fetchall()
        assert schemas == [("mlm",)]
    finally:
        server_database("postgresql", name, create=False)

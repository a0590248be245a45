"""KPI definitions checked by hand on tiny event files: periods, scaling, DORA rules and bands."""

from __future__ import annotations

import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from mlmaturity.collect import collect_workspace
from mlmaturity.kpi.registry import registered_kpis
from tests.evidence.conftest import GIT_ENV, make_git_repo
from tests.kpi.workspaces import kpis, make_workspace

HEADER = "model,version,environment,at,kind,automated,commit\n"
FEB, MARCH, APRIL = date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)


def _deployments(tmp_path: Path, rows: str, teams: dict[str, str] | None = None) -> Path:
    """One team ``t`` with one deployments file, or one file per team."""
    files = teams or {"t": rows}
    return make_workspace(
        tmp_path,
        {team: {"deployments": [f"{team}.csv"]} for team in files},
        {f"{team}.csv": HEADER + content for team, content in files.items()},
    )


@pytest.mark.engines
def test_per_model_kpis_of_the_organization_count_models_per_team(tmp_path: Path):
    _deployments(
        tmp_path,
        "",
        {
            "a": "fraud,1,production,2026-03-02T00:00:00Z,deploy,true,\n"
            "fraud,2,production,2026-03-09T00:00:00Z,deploy,true,\n",
            "b": "fraud,1,production,2026-03-03T00:00:00Z,deploy,true,\n",
        },
    )
    collect_workspace(tmp_path)
    values = kpis(tmp_path, ["a", "b"], MARCH, date(2026, 3, 31))
    # Two teams' models that share a name are two models.
    assert values[("models-in-production", None, MARCH)].value == 2
    # 3 deployments over 2 models in a 31-day month, scaled to 30 days.
    assert values[("deployment-frequency", None, MARCH)].value == pytest.approx(1.5 * 30 / 31)


def _commit(repo: Path, when: str) -> str:
    env = {**GIT_ENV, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run(
        ["git", "-C", str(repo), "commit", "-q", "--allow-empty", "-m", when],
        check=True,
        env=env,
    )
    out = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "HEAD"], check=True, capture_output=True, env=env
    )
    return out.stdout.decode().strip()


@pytest.mark.engines
def test_lead_time_joins_commits_older_than_the_range_and_short_uppercase_shas(tmp_path: Path):
    from datetime import timedelta

    repo = make_git_repo(tmp_path / "repo", {"README.md": "hi\n"})
    # Commits inside git's 90-day window; the range starts after the first one.
    base = datetime.now(UTC).replace(microsecond=0) - timedelta(days=40)
    old = _commit(repo, base.isoformat())
    recent = _commit(repo, (base + timedelta(days=29)).isoformat())
    deployed = (base + timedelta(days=30)).isoformat()
    rows = (
        f"fraud,1,production,{deployed},deploy,true,{old[:7].upper()}\n"
        f"churn,1,production,{deployed},deploy,true, {recent.upper()} \n"
    )
    make_workspace(
        tmp_path,
        {"t": {"repos": ["repo"], "deployments": ["d.csv"]}},
        {"d.csv": HEADER + rows},
    )
    collect_workspace(tmp_path)
    since = (base + timedelta(days=10)).date()
    until = (base + timedelta(days=35)).date()
    found = kpis(tmp_path, ["t"], since, until)
    values = [v.value for (kpi, team, _), v in found.items() if (kpi, team) == ("lead-time", "t")]
    # The median of 30 days (a commit from before --since) and 1 day, in hours.
    assert [v for v in values if v is not None] == [pytest.approx((30 * 24 + 1 * 24) / 2)]


@pytest.mark.engines
def test_an_ambiguous_short_sha_is_not_joined(tmp_path: Path):
    import pyarrow as pa

    from mlmaturity.events.store import EventStore
    from mlmaturity.events.tables import TABLES

    rows = (
        "fraud,1,production,2026-03-10T00:00:00Z,deploy,true,abcdef1\n"
        "churn,1,production,2026-03-10T00:00:00Z,deploy,true,ABCDEF2\n"
    )
    _deployments(tmp_path, rows)
    collect_workspace(tmp_path)
    change = {"repository": "r", "author": "x", "team": "t", "source": "r"}
    changes = [
        {**change, "sha": "abcdef1" + "0" * 33, "at": datetime(2026, 3, 9, tzinfo=UTC)},
        {**change, "sha": "abcdef1" + "1" * 33, "at": datetime(2026, 3, 8, tzinfo=UTC)},
        {**change, "sha": "abcdef2" + "0" * 33, "at": datetime(2026, 3, 9, 12, tzinfo=UTC)},
    ]
    table = pa.Table.from_pylist(changes, schema=TABLES["changes"].schema)
    EventStore.for_workspace(tmp_path).write("changes", table)
    values = kpis(tmp_path, ["t"], MARCH, date(2026, 3, 31))
    # abcdef1 names two commits: only churn's deployment has a lead time (12 h).
    assert values[("lead-time", "t", MARCH)].value == pytest.approx(12.0)


@pytest.mark.engines
def test_deployments_before_since_do_not_count_and_partial_periods_scale_by_their_days(
    tmp_path: Path,
):
    rows = (
        "fraud,1,production,2026-03-02T00:00:00Z,deploy,true,\n"
        "fraud,2,production,2026-03-16T00:00:00Z,deploy,true,\n"
        "fraud,3,production,2026-03-20T00:00:00Z,deploy,true,\n"
    )
    _deployments(tmp_path, rows)
    collect_workspace(tmp_path)
    values = kpis(tmp_path, ["t"], date(2026, 3, 15), date(2026, 3, 31))
    # 2 deployments of one model in the 17 days from March 15 to 31.
    assert values[("deployment-frequency", "t", MARCH)].value == pytest.approx(2 * 30 / 17)
    # The model deployed before --since is in production all the same.
    assert values[("models-in-production", "t", MARCH)].value == 1


@pytest.mark.engines
def test_the_current_period_scales_by_the_days_gone(tmp_path: Path):
    rows = (
        "fraud,1,production,2026-03-02T00:00:00Z,deploy,true,\n"
        "fraud,2,production,2026-03-05T00:00:00Z,deploy,true,\n"
    )
    _deployments(tmp_path, rows)
    collect_workspace(tmp_path)
    values = kpis(tmp_path, ["t"], MARCH, date(2026, 4, 30), today=date(2026, 3, 10))
    # March 1 to 10 are the days gone: 2 deployments in 10 days.
    assert values[("deployment-frequency", "t", MARCH)].value == pytest.approx(6.0)
    april = values[("deployment-frequency", "t", APRIL)]
    assert april.value is None and april.note == "the period has not begun"


@pytest.mark.engines
def test_change_failure_rate_follows_dora(tmp_path: Path):
    rows = (
        "fraud,1,production,2026-02-20T00:00:00Z,deploy,true,\n"
        "fraud,0,production,2026-03-02T00:00:00Z,rollback,true,\n"  # fails February's deploy
        "fraud,2,staging,2026-03-03T00:00:00Z,rollback,true,\n"  # not production
        "churn,1,production,2026-03-05T00:00:00Z,deploy,true,\n"
        "churn,0,production,2026-03-06T00:00:00Z,rollback,true,\n"
        "churn,0,production,2026-03-07T00:00:00Z,rollback,true,\n"  # one failure, not two
        "churn,2,production,2026-03-08T00:00:00Z,deploy,true,\n"
    )
    _deployments(tmp_path, rows)
    collect_workspace(tmp_path)
    values = kpis(tmp_path, ["t"], FEB, date(2026, 3, 31))
    assert values[("change-failure-rate", "t", FEB)].value == pytest.approx(100.0)
    # March: 2 production deployments, one of them rolled back.
    assert values[("change-failure-rate", "t", MARCH)].value == pytest.approx(50.0)


@pytest.mark.parametrize(
    ("kpi", "value", "band"),
    [
        ("deployment-frequency", 31.0, "elite"),  # more than daily
        ("deployment-frequency", 30.0, "high"),  # daily is DORA's high
        ("deployment-frequency", 30 / 7, "high"),  # weekly
        ("deployment-frequency", 4.0, "medium"),  # less than weekly
        ("deployment-frequency", 1.0, "medium"),  # monthly
        ("deployment-frequency", 0.9, "low"),  # less than monthly
        ("lead-time", 23.9, "elite"),  # less than a day
        ("lead-time", 24.0, "high"),
        ("lead-time", 168.0, "high"),
        ("lead-time", 169.0, "medium"),
        ("lead-time", 721.0, "low"),
        ("time-to-restore", 0.5, "elite"),  # less than an hour
        ("time-to-restore", 1.0, "high"),  # less than a day
        ("time-to-restore", 24.0, "medium"),
        ("time-to-restore", 169.0, "low"),
        ("change-failure-rate", 5.0, "elite"),
        ("change-failure-rate", 15.0, "medium"),
        ("change-failure-rate", 15.1, "low"),
    ],
)
def test_dora_bands(kpi: str, value: float, band: str):
    definition = registered_kpis()[kpi]
    assert definition.band is not None and definition.band(value) == band


@pytest.mark.engines
def test_no_data_is_na_and_no_events_is_zero(tmp_path: Path):
    make_workspace(
        tmp_path,
        {"t": {"deployments": ["d.csv"]}, "u": {"incidents": ["i.jsonl"]}},
        {
            "d.csv": HEADER + "fraud,1,production,2026-03-02T00:00:00Z,deploy,true,\n"
            "churn,1,staging,2026-03-02T00:00:00Z,deploy,true,\n",
            "i.jsonl": '{"model": "fraud", "opened_at": "2026-03-03T00:00:00Z"}\n',
        },
    )
    collect_workspace(tmp_path)
    values = kpis(tmp_path, ["t", "u"], FEB, date(2026, 4, 30), today=date(2026, 5, 1))
    # Team t records deployments: April has none, which is 0; February, before its first
    # deployment, has no model in production (0) and no deployment (0).
    for period in (FEB, APRIL):
        assert values[("deployment-frequency", "t", period)].value == 0
        assert values[("deployment-frequency", None, period)].value == 0
    assert values[("models-in-production", "t", FEB)].value == 0
    assert values[("models-in-production", "t", APRIL)].value == 1
    # Team u records no deployment at all: not 0 but n/a, and why.
    none = values[("deployment-frequency", "u", APRIL)]
    assert none.value is None and none.note == "no deployments recorded"
    assert values[("models-in-production", "u", APRIL)].value is None


DRIFT = (
    "model,feature,window_start,window_end,statistic,value,threshold,drifted,onset_at,detected_at\n"
)


def test_every_na_value_says_why(tmp_path: Path):
    """A team that records a KPI's tables but has nothing to measure in a period gets n/a with
    the reason, never an empty note: here no drift in March, no resolved incident in March,
    no business value in March; and a business metric another team does not record."""
    make_workspace(
        tmp_path,
        {
            "t": {
                "deployments": ["d.csv"],
                "incidents": ["i.jsonl"],
                "drift": ["drift.csv"],
                "business_metrics": ["b.csv"],
            },
            "u": {"deployments": ["u.csv"]},
        },
        {
            "b.csv": "name,model,at,value,unit\nquote conversion,fraud,2026-02-02,11.5,%\n",
            "u.csv": HEADER + "churn,1,production,2026-02-02T00:00:00Z,deploy,true,\n",
            "d.csv": HEADER + "fraud,1,production,2026-02-02T00:00:00Z,deploy,true,\n",
            "i.jsonl": '{"model": "fraud", "opened_at": "2026-02-03T00:00:00Z", '
            '"resolved_at": "2026-02-03T05:00:00Z"}\n'
            '{"model": "fraud", "opened_at": "2026-03-03T00:00:00Z"}\n',
            "drift.csv": DRIFT
            + "fraud,age,2026-02-02T00:00:00Z,2026-02-09T00:00:00Z,psi,0.3,0.2,true,"
            "2026-02-03T00:00:00Z,2026-02-04T00:00:00Z\n"
            "fraud,age,2026-03-02T00:00:00Z,2026-03-09T00:00:00Z,psi,0.1,0.2,false,,\n",
        },
    )
    collect_workspace(tmp_path)
    values = kpis(tmp_path, ["t", "u"], FEB, date(2026, 3, 31), today=date(2026, 4, 1))
    assert values[("time-to-detect-drift", "t", FEB)].value == 24.0
    assert values[("time-to-restore", "t", FEB)].value == 5.0
    drift = values[("time-to-detect-drift", "t", MARCH)]
    assert drift.value is None
    assert drift.note == "no drift alert in the period records both its onset and its detection"
    restore = values[("time-to-restore", "t", MARCH)]
    assert restore.value is None and restore.note == "no incident resolved in the period"
    business = "business:quote conversion"
    assert values[(business, "t", FEB)].value == 11.5
    assert values[(business, "t", MARCH)].note == "no value in the period"
    assert values[(business, "u", FEB)].note == "the team records no such metric"
    unexplained = [key for key, v in values.items() if v.value is None and not v.note]
    assert unexplained == []

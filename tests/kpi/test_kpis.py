"""KPIs computed from small hand-checkable event files through the real importers and store."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from mlmaturity.collect import collect_workspace
from mlmaturity.errors import InputError
from mlmaturity.events.store import EventStore
from mlmaturity.kpi.compute import compute_kpis

DEPLOYMENTS = """\
model,version,environment,at,kind,automated,commit
fraud,1,production,2026-03-02T00:00:00Z,deploy,true,ABCDEF1
fraud,2,production,2026-03-10T12:00:00Z,deploy,true,
fraud,1,production,2026-03-11T09:00:00Z,rollback,true,
fraud,3,production,2026-03-20T00:00:00Z,deploy,true,
churn,1,production,2026-03-05T00:00:00Z,deploy,false,
churn,2,production,2026-03-25T00:00:00Z,deploy,false,
churn,2,staging,2026-03-24T00:00:00Z,deploy,false,
"""
INCIDENTS = """\
{"model": "fraud", "opened_at": "2026-03-11T07:00:00Z", "resolved_at": "2026-03-11T09:00:00Z", "severity": "high"}
{"model": "churn", "opened_at": "2026-03-26T00:00:00", "resolved_at": "2026-03-26T04:00:00Z"}
{"model": "churn", "opened_at": "2026-03-28T00:00:00Z"}
"""


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "deployments.csv").write_text(DEPLOYMENTS)
    (tmp_path / "incidents.jsonl").write_text(INCIDENTS)
    (tmp_path / "mlmaturity.yaml").write_text(
        "version: 1\norganization: O\nteams:\n  - id: t\n    sources:\n"
        "      deployments: [deployments.csv]\n      incidents: [incidents.jsonl]\n"
    )
    return tmp_path


def _values(workspace: Path) -> dict[tuple[str, str | None], object]:
    store = EventStore.for_workspace(workspace)
    # The lead time joins deployments to commits: one change made a day before its deployment.
    import pyarrow as pa

    from mlmaturity.events.tables import TABLES

    change = {
        "repository": "r",
        "sha": "abcdef1" + "0" * 33,  # the deployment names it by a short uppercase prefix
        "at": "2026-03-01T00:00:00+00:00",
        "author": "a",
        "team": "t",
        "source": "repos",
    }
    store.write("changes", pa.Table.from_pylist([change]).cast(TABLES["changes"].schema))
    results = compute_kpis(store, ["t"], date(2026, 3, 1), date(2026, 3, 31))
    return {(v.kpi, v.team): v for v in results if v.period == date(2026, 3, 1)}


@pytest.mark.engines
def test_hand_computed_kpis(workspace: Path):
    summary = collect_workspace(workspace)
    assert summary.rows == {"deployments": 7, "incidents": 3}
    values = _values(workspace)
    # 5 production deployments (the staging one does not count) and 1 rollback: 20 %.
    cfr = values[("change-failure-rate", "t")]
    assert cfr.value == pytest.approx(20.0) and cfr.band == "low"
    # 5 production deployments of 2 models in March (31 days): 2.5 per model, 2.42 per 30 days.
    assert values[("deployment-frequency", "t")].value == pytest.approx(2.5 * 30 / 31)
    assert values[("deployment-frequency", "t")].band == "medium"
    # Two resolved incidents, 2 h and 4 h (a time without zone is UTC): median 3 h.
    assert values[("time-to-restore", "t")].value == pytest.approx(3.0)
    assert values[("lead-time", "t")].value == pytest.approx(24.0)
    assert values[("models-in-production", "t")].value == 2
    assert values[("models-in-production", None)].value == 2  # the organization


def test_collection_is_idempotent(workspace: Path):
    collect_workspace(workspace)
    assert collect_workspace(workspace).rows == {"deployments": 7, "incidents": 3}


@pytest.mark.engines
def test_a_kpi_without_its_inputs_says_what_it_needs(tmp_path: Path):
    (tmp_path / "mlmaturity.yaml").write_text("version: 1\norganization: O\nteams:\n  - id: t\n")
    results = compute_kpis(
        EventStore.for_workspace(tmp_path), ["t"], date(2026, 3, 1), date(2026, 3, 31)
    )
    notes = {v.kpi: v.note for v in results if v.team == "t"}
    assert notes["lead-time"] == "not measurable: needs deployments, changes"
    assert notes["time-to-restore"] == "not measurable: needs incidents"


@pytest.mark.parametrize(
    ("content", "expected", "line"),
    [
        ("model,at\nfraud,yesterday\n", "Input should be a valid datetime", 2),
        (
            "model,at,kind\nfraud,2026-03-01T00:00:00Z,promote\n",
            "Input should be 'deploy' or 'rollback'",
            2,
        ),
        ("version,at\n1,2026-03-01T00:00:00Z\n", "Field required", 2),
    ],
)
def test_bad_rows_are_named_by_file_and_row(tmp_path: Path, content: str, expected: str, line: int):
    (tmp_path / "deployments.csv").write_text(content)
    (tmp_path / "mlmaturity.yaml").write_text(
        "version: 1\norganization: O\nteams:\n  - id: t\n    sources:\n      deployments: [deployments.csv]\n"
    )
    with pytest.raises(InputError) as caught:
        collect_workspace(tmp_path)
    problem = caught.value.problems[0]
    assert expected in problem.message and problem.line == line
    assert problem.file.endswith("deployments.csv")
    assert not (tmp_path / ".mlmaturity").exists()  # nothing written


def test_collect_and_kpi_commands(workspace: Path):
    import json

    from tests.test_cli import run

    collected = run("collect", workspace)
    assert collected.returncode == 0, collected.stderr
    assert "deployments: 7 row(s) stored" in collected.stdout
    table = run("kpi", workspace, "--since", "2026-03-01", "--until", "2026-04-30")
    assert table.returncode == 0, table.stderr
    assert "Change failure rate" in table.stdout and "20 (low)" in table.stdout
    assert "Lead time for model changes: not measurable: needs changes" in table.stdout
    document = json.loads(
        run("kpi", workspace, "--since", "2026-03-01", "--until", "2026-03-31", "-f", "json").stdout
    )
    march = {(r["kpi"], r["team"]): r for r in document["kpis"] if r["period"] == "2026-03-01"}
    assert march[("time-to-restore", "t")]["value"] == 3.0
    bad = run("kpi", workspace, "--since", "March")
    assert bad.returncode == 2 and "'March' is not a date" in bad.stderr


def test_event_files_decide_criteria(workspace: Path):
    from mlmaturity.assess import assess

    [team] = assess(workspace).teams
    outcomes = {f.check: (f.outcome, f.detail) for f in team.findings}
    assert outcomes["deployments-automated"] == ("fail", "3 of 5 production deployments automated")
    assert outcomes["lead-time-measurable"] == (
        "fail",
        "1 of 5 production deployments name their commit, but the team lists no repository "
        "whose commits they could be matched to",
    )
    assert outcomes["time-to-restore-measurable"] == (
        "pass",
        "2 of 3 incidents have a resolution time",
    )
    cd = next(
        c for cap in team.capabilities for c in cap.criteria if c.id == "release-3-cd-pipeline"
    )
    assert (cd.status, cd.decided_by) == ("unmet", "evidence")


def test_every_registered_check_decides_some_criterion_of_the_default_model():
    from mlmaturity.catalog import criteria_by_check
    from mlmaturity.evidence.registry import registered_checks
    from mlmaturity.model import load_model

    linked = criteria_by_check(load_model())
    assert [c for c in registered_checks() if c not in linked] == []


@pytest.mark.engines
def test_kpis_appear_in_the_assessment_and_every_report(workspace: Path):
    from datetime import UTC, datetime

    from mlmaturity.assess import assess
    from mlmaturity.report import render

    result = assess(workspace, now=datetime(2026, 4, 10, tzinfo=UTC))
    [team] = result.teams
    march = {k.id: k for k in team.kpis if k.period == "2026-03-01"}
    assert march["change-failure-rate"].value == pytest.approx(20.0)
    assert {k.period for k in team.kpis} == {"2026-02-01", "2026-03-01", "2026-04-01"}
    assert any(k.id == "models-in-production" and k.value == 2 for k in result.organization.kpis)
    markdown = render(result, "markdown")
    assert (
        "## KPIs across the organization" in markdown and "| Change failure rate | % |" in markdown
    )
    text = render(result, "text")
    assert "KPIs across the organization" in text and "20 (low)" in text
    assert '"change-failure-rate"' in render(result, "json")


@pytest.mark.engines
def test_time_to_detect_drift(tmp_path: Path):
    (tmp_path / "drift.csv").write_text(
        "model,feature,window_start,statistic,value,threshold,drifted,onset_at,detected_at\n"
        "fraud,amount,2026-03-01,psi,0.31,0.2,true,2026-03-01T00:00:00Z,2026-03-01T06:00:00Z\n"
        "fraud,merchant,2026-03-08,psi,0.25,0.2,true,2026-03-08T00:00:00Z,2026-03-08T18:00:00Z\n"
        "fraud,country,2026-03-08,psi,0.05,0.2,false,,\n"
    )
    (tmp_path / "mlmaturity.yaml").write_text(
        "version: 1\norganization: O\nteams:\n  - id: t\n    sources:\n      drift: [drift.csv]\n"
    )
    assert collect_workspace(tmp_path).rows == {"drift": 3}
    values = compute_kpis(
        EventStore.for_workspace(tmp_path), ["t"], date(2026, 3, 1), date(2026, 3, 31)
    )
    ttd = next(v for v in values if v.kpi == "time-to-detect-drift" and v.team == "t")
    assert ttd.value == pytest.approx(12.0)  # the median of 6 h and 18 h; undrifted rows ignored
    from mlmaturity.assess import assess

    [team] = assess(tmp_path).teams
    finding = next(f for f in team.findings if f.check == "drift-detection-measurable")
    assert (finding.outcome, finding.detail) == (
        "pass",
        "2 of 2 drift alerts record onset and detection",
    )


FOCUS = (
    "ChargePeriodStart,ChargePeriodEnd,EffectiveCost,ResourceId,ServiceName,ChargeCategory,BillingCurrency,Tags\n"
    '2026-03-01,2026-04-01,100,i-1,EC2,Usage,USD,"{""model"": ""fraud"", ""team"": ""t""}"\n'
    "2026-03-01,2026-04-01,50,arn:endpoint/churn,SageMaker,Usage,USD,\n"
    "2026-03-01,2026-04-01,50,i-9,S3,Usage,USD,{}\n"
)


@pytest.mark.engines
@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_focus_costs_are_allocated_and_measured(tmp_path: Path, suffix: str):
    source = tmp_path / "focus.csv"
    source.write_text(FOCUS)
    if suffix == ".parquet":
        import pyarrow.csv as pcsv
        import pyarrow.parquet as pq

        pq.write_table(pcsv.read_csv(source), tmp_path / "focus.parquet")
        source.unlink()
    (tmp_path / "mlmaturity.yaml").write_text(
        "version: 1\norganization: O\ncost_allocation:\n  resources: {arn:endpoint/churn: churn}\n"
        f"teams:\n  - id: t\n    sources:\n      costs: [focus{suffix}]\n"
    )
    assert collect_workspace(tmp_path).rows == {"costs": 3}
    values = compute_kpis(
        EventStore.for_workspace(tmp_path), ["t"], date(2026, 3, 1), date(2026, 3, 31)
    )
    per_model = next(v for v in values if v.kpi == "cost-per-model" and v.team == "t")
    assert per_model.value == pytest.approx(75.0)  # 150 allocated over fraud and churn
    from mlmaturity.assess import assess

    [team] = assess(tmp_path).teams
    outcomes = {f.check: (f.outcome, f.detail) for f in team.findings}
    assert outcomes["costs-allocated-to-models"] == (
        "fail",
        "75% of 200.00 attributed to models; 50.00 unallocated",
    )
    assert outcomes["cost-tag-coverage"] == ("fail", "1 of 3 cost lines carry a model or team tag")


def test_a_bad_focus_line_is_named(tmp_path: Path):
    (tmp_path / "focus.csv").write_text(FOCUS.replace(",100,", ",lots,"))
    (tmp_path / "mlmaturity.yaml").write_text(
        "version: 1\norganization: O\nteams:\n  - id: t\n    sources:\n      costs: [focus.csv]\n"
    )
    with pytest.raises(InputError) as caught:
        collect_workspace(tmp_path)
    problem = caught.value.problems[0]
    assert (problem.line, problem.key) == (2, "EffectiveCost")


@pytest.mark.engines
def test_business_kpis_are_series_per_name(tmp_path: Path):
    (tmp_path / "business.csv").write_text(
        "name,model,at,value,unit\n"
        "fraud losses avoided,fraud,2026-03-02,1000,EUR\n"
        "fraud losses avoided,fraud,2026-03-20,3000,EUR\n"
        "chargeback rate,fraud,2026-03-05,0.4,%\n"
    )
    (tmp_path / "mlmaturity.yaml").write_text(
        "version: 1\norganization: O\nteams:\n  - id: t\n    sources:\n      business_metrics: [business.csv]\n"
    )
    collect_workspace(tmp_path)
    values = compute_kpis(
        EventStore.for_workspace(tmp_path), ["t"], date(2026, 3, 1), date(2026, 3, 31)
    )
    by_id = {v.kpi: v for v in values if v.team == "t"}
    assert by_id["business:fraud losses avoided"].value == pytest.approx(2000.0)
    assert by_id["business:fraud losses avoided"].unit == "EUR"
    assert by_id["business:chargeback rate"].value == pytest.approx(0.4)
    from mlmaturity.assess import assess

    [team] = assess(tmp_path).teams
    recorded = next(f for f in team.findings if f.check == "business-metrics-recorded")
    assert (recorded.outcome, recorded.detail) == (
        "pass",
        "3 values of 2 business KPIs for 1 model",
    )


@pytest.mark.engines
def test_without_business_metrics_the_kpi_says_what_it_needs(tmp_path: Path):
    (tmp_path / "mlmaturity.yaml").write_text("version: 1\norganization: O\nteams:\n  - id: t\n")
    values = compute_kpis(
        EventStore.for_workspace(tmp_path), ["t"], date(2026, 3, 1), date(2026, 3, 31)
    )
    business = next(v for v in values if v.kpi == "business-kpis" and v.team == "t")
    assert business.note == "not measurable: needs business metrics"


def test_a_corrupt_event_store_file_is_a_clear_error(workspace: Path):
    from tests.test_cli import run

    collect_workspace(workspace)
    (workspace / ".mlmaturity" / "events" / "deployments.parquet").write_text("garbage")
    result = run("kpi", workspace)
    assert result.returncode == 2 and "the event store file cannot be read" in result.stderr
    assert "delete it and run `mlmaturity collect` again" in result.stderr
    # Collecting rewrites the table from its sources.
    assert run("collect", workspace).returncode == 0
    assert run("kpi", workspace).returncode == 0

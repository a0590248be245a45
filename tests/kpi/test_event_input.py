"""Bad event and cost files, and bad KPI ranges: exit 2 with the file, line and field named."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from mlmaturity.collect import collect_workspace
from mlmaturity.errors import InputError
from tests.kpi.workspaces import kpis, make_workspace, stored
from tests.test_cli import run

MARCH = date(2026, 3, 1)
FOCUS_HEADER = "ChargePeriodStart,ChargePeriodEnd,EffectiveCost,ResourceId,BillingCurrency,Tags\n"


def _problem(root: Path, kind: str, name: str, content: str) -> tuple[str, int | None, str]:
    make_workspace(root, {"t": {kind: [name]}}, {name: content})
    with pytest.raises(InputError) as caught:
        collect_workspace(root)
    problem = caught.value.problems[0]
    assert problem.file.endswith(name)
    return problem.message, problem.line, problem.key


@pytest.mark.parametrize(
    ("kind", "name", "content", "message", "line", "key"),
    [
        # Numbers are not times: ask for ISO 8601 rather than guess an epoch.
        ("deployments", "d.jsonl", '{"model": "m", "at": 1700000000}\n', "ISO 8601", 1, "at"),
        ("deployments", "d.csv", "model,at\nm,1700000000\n", "ISO 8601", 2, "at"),
        ("incidents", "i.csv", "model,opened_at\nm,1.7e9\n", "ISO 8601", 2, "opened_at"),
        ("drift", "x.csv", "model,window_start,value\nm,2026-03-01,nan\n", "finite", 2, "value"),
        (
            "business_metrics",
            "b.csv",
            "name,at,value\nconversion,2026-03-01,inf\n",
            "finite",
            2,
            "value",
        ),
        (
            "costs",
            "f.csv",
            FOCUS_HEADER + "2026-03-01,2026-04-01,NaN,i,EUR,\n",
            "finite",
            2,
            "EffectiveCost",
        ),
        (
            "incidents",
            "i.jsonl",
            '{"model": "m", "opened_at": "2026-03-02T00:00:00Z", "resolved_at": "2026-03-01T00:00:00Z"}\n',
            "before opened_at",
            1,
            "resolved_at",
        ),
        (
            "drift",
            "x.csv",
            "model,window_start,onset_at,detected_at\nm,2026-03-01,2026-03-05,2026-03-04\n",
            "before onset_at",
            2,
            "detected_at",
        ),
        (
            "costs",
            "f.csv",
            FOCUS_HEADER + "2026-04-01,2026-03-01,1,i,EUR,\n",
            "before ChargePeriodStart",
            2,
            "ChargePeriodEnd",
        ),
        (
            "costs",
            "f.csv",
            FOCUS_HEADER + '2026-03-01,2026-04-01,1,i,EUR,"{""model"": {""name"": ""m""}}"\n',
            "tag values must be text",
            2,
            "Tags.model",
        ),
        (
            "deployments",
            "d.csv",
            "model,at\nm,2026-03-01,extra\n",
            "more fields than the header",
            2,
            "",
        ),
        (
            "deployments",
            "d.csv",
            "model,at\nm,9999-12-31T23:00:00-05:00\n",
            "out of range",
            2,
            "at",
        ),
        ("deployments", "d.csv", "model,at\nm," + "x" * 200_000 + "\n", "field larger", 2, ""),
    ],
)
def test_bad_event_rows_are_named(
    tmp_path: Path, kind: str, name: str, content: str, message: str, line: int, key: str
):
    found, at, field = _problem(tmp_path, kind, name, content)
    assert message in found and at == line and field == key
    assert not (tmp_path / ".mlmaturity").exists()


def test_bad_rows_exit_2_from_the_command_line(tmp_path: Path):
    make_workspace(
        tmp_path,
        {"t": {"deployments": ["d.csv"]}},
        {"d.csv": "model,at\nm,9999-12-31T23:00:00-05:00\n"},
    )
    result = run("collect", tmp_path)
    assert result.returncode == 2 and "d.csv:2: at:" in result.stderr, result.stderr


def test_a_corrupt_focus_parquet_file_exits_2(tmp_path: Path):
    make_workspace(tmp_path, {"t": {"costs": ["f.parquet"]}}, {"f.parquet": "PAR1 not really"})
    result = run("collect", tmp_path)
    assert result.returncode == 2, result.stderr
    assert "f.parquet: not a readable Parquet file" in result.stderr


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("folder.csv", "is a folder"),
        ("file.csv/inner.csv", "cannot be read"),
        ("folder.parquet", "is a folder"),
    ],
)
def test_a_listed_path_that_is_no_file_exits_2(tmp_path: Path, entry: str, message: str):
    (tmp_path / "folder.csv").mkdir()
    (tmp_path / "folder.parquet").mkdir()
    (tmp_path / "file.csv").write_text("model,at\n")
    kind = "costs" if entry.endswith(".parquet") else "deployments"
    make_workspace(tmp_path, {"t": {kind: [entry]}}, {})
    result = run("collect", tmp_path)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--until", "9999-12-31"), "at most 1000 periods"),
        (("--since", "0001-01-01", "--period", "week"), "at most 1000 periods"),
    ],
)
def test_ranges_with_too_many_periods_exit_2(tmp_path: Path, args: tuple[str, ...], message: str):
    make_workspace(tmp_path, {"t": {}}, {})
    result = run("kpi", tmp_path, *args)
    assert result.returncode == 2 and message in result.stderr, result.stderr


def test_the_last_days_of_the_calendar_are_a_valid_range(tmp_path: Path):
    make_workspace(
        tmp_path, {"t": {"deployments": ["d.csv"]}}, {"d.csv": "model,at\nm,2026-03-01\n"}
    )
    collect_workspace(tmp_path)
    for period in ("week", "month", "quarter"):
        result = run(
            "kpi", tmp_path, "--since", "9999-10-01", "--until", "9999-12-31", "--period", period
        )
        assert result.returncode == 0, result.stderr


@pytest.mark.engines
def test_production_is_recognized_in_any_case(tmp_path: Path):
    rows = (
        "model,environment,at\n"
        "a,Production,2026-03-02\n"
        "b,PROD,2026-03-03\n"
        "c, production ,2026-03-04\n"
        "d,Staging,2026-03-05\n"
    )
    make_workspace(tmp_path, {"t": {"deployments": ["d.csv"]}}, {"d.csv": rows})
    collect_workspace(tmp_path)
    assert [r["environment"] for r in stored(tmp_path, "deployments")] == [
        "production",
        "production",
        "production",
        "staging",
    ]
    assert (
        kpis(tmp_path, ["t"], MARCH, date(2026, 3, 31))[("models-in-production", "t", MARCH)].value
        == 3
    )


def test_parquet_focus_tags_may_be_a_map_and_scalar_tags_are_text(tmp_path: Path):
    tags = pa.array(
        [[("model", "fraud"), ("team", "t")], [("model", "churn")]],
        type=pa.map_(pa.string(), pa.string()),
    )
    table = pa.table(
        {
            "ChargePeriodStart": ["2026-03-01", "2026-03-01"],
            "ChargePeriodEnd": ["2026-04-01", "2026-04-01"],
            "EffectiveCost": [100.0, 50.0],
            "ResourceId": [" i-1 ", "i-2"],
            "BillingCurrency": ["EUR", "EUR"],
            "Tags": tags,
        }
    )
    make_workspace(
        tmp_path,
        {"t": {"costs": ["f.parquet", "g.csv"]}},
        {"g.csv": FOCUS_HEADER + '2026-03-01,2026-04-01,10,i-3,EUR,"{""model"": 7}"\n'},
    )
    pq.write_table(table, tmp_path / "f.parquet")
    collect_workspace(tmp_path)
    rows = {r["resource_id"]: r for r in stored(tmp_path, "costs")}
    assert {k: r["model"] for k, r in rows.items()} == {"i-1": "fraud", "i-2": "churn", "i-3": "7"}


@pytest.mark.engines
def test_mixed_currencies_are_reported_not_summed(tmp_path: Path):
    focus = FOCUS_HEADER + (
        '2026-03-01,2026-04-01,100,i-1,EUR,"{""model"": ""a""}"\n'
        '2026-03-01,2026-04-01,50,i-2,USD,"{""model"": ""b""}"\n'
        "2026-03-01,2026-04-01,50,i-3,USD,\n"
    )
    make_workspace(tmp_path, {"t": {"costs": ["f.csv"]}}, {"f.csv": focus})
    collect_workspace(tmp_path)
    value = kpis(tmp_path, ["t"], MARCH, date(2026, 3, 31))[("cost-per-model", "t", MARCH)]
    assert value.value is None and value.note == "mixed currencies (EUR, USD): not summed"
    from mlmaturity.assess import assess

    [team] = assess(tmp_path).teams
    finding = next(f for f in team.findings if f.check == "costs-allocated-to-models")
    assert (finding.outcome, finding.detail) == (
        "fail",
        "EUR: 100% of 100.00 attributed to models; 0.00 unallocated. "
        "USD: 50% of 100.00 attributed to models; 50.00 unallocated",
    )


def test_lead_time_is_measurable_only_with_commits_to_match(tmp_path: Path):
    from mlmaturity.assess import assess

    rows = "model,at,commit\nm,2026-03-01,abcdef1\n"
    make_workspace(tmp_path, {"t": {"deployments": ["d.csv"]}}, {"d.csv": rows})
    [team] = assess(tmp_path).teams
    finding = next(f for f in team.findings if f.check == "lead-time-measurable")
    assert (finding.outcome, finding.detail) == (
        "fail",
        "1 of 1 production deployments name their commit, but the team lists no repository "
        "whose commits they could be matched to",
    )


def test_the_change_failure_check_counts_production_rollbacks_only(tmp_path: Path):
    from mlmaturity.assess import assess

    rows = (
        "model,environment,at,kind\n"
        "m,production,2026-03-01,deploy\n"
        "m,staging,2026-03-02,rollback\n"
        "m,production,2026-03-03,rollback\n"
    )
    make_workspace(tmp_path, {"t": {"deployments": ["d.csv"]}}, {"d.csv": rows})
    [team] = assess(tmp_path).teams
    finding = next(f for f in team.findings if f.check == "change-failure-rate-measurable")
    assert finding.detail == "1 production deployments and 1 production rollbacks recorded"


def test_kpi_output_shows_stage_and_direction(tmp_path: Path):
    make_workspace(
        tmp_path, {"t": {"deployments": ["d.csv"]}}, {"d.csv": "model,at\nm,2026-03-01\n"}
    )
    collect_workspace(tmp_path)
    text = run("kpi", tmp_path, "--since", "2026-03-01", "--until", "2026-03-31").stdout
    lines = text.splitlines()
    cfr = next(i for i, line in enumerate(lines) if "Change failure rate" in line)
    assert "% ↓" in lines[cfr]  # lower is better
    assert any("actionable" in line for line in lines[:cfr])  # under its stage
    assert "↑ higher is better, ↓ lower is better" in text
    document = json.loads(
        run("kpi", tmp_path, "--since", "2026-03-01", "--until", "2026-03-31", "-f", "json").stdout
    )
    row = next(r for r in document["kpis"] if r["kpi"] == "models-in-production")
    assert (row["stage"], row["better"]) == ("baseline", "higher")


def test_the_cost_kpi_is_in_the_currency_its_costs_are_in(tmp_path: Path):
    """A team whose model costs are all in EUR is measured in 'EUR per model'; one billing
    in two currencies (and the organization over both) keeps the generic unit."""
    focus = FOCUS_HEADER + (
        '2026-03-01,2026-04-01,100,i-1,EUR,"{""model"": ""a""}"\n'
        '2026-03-01,2026-04-01,80,i-2,EUR,"{""model"": ""b""}"\n'
    )
    mixed = FOCUS_HEADER + (
        '2026-03-01,2026-04-01,100,i-1,EUR,"{""model"": ""c""}"\n'
        '2026-03-01,2026-04-01,50,i-2,USD,"{""model"": ""d""}"\n'
    )
    make_workspace(
        tmp_path,
        {"t": {"costs": ["f.csv"]}, "u": {"costs": ["g.csv"]}},
        {"f.csv": focus, "g.csv": mixed},
    )
    collect_workspace(tmp_path)
    values = kpis(tmp_path, ["t", "u"], MARCH, date(2026, 3, 31))
    euros = values[("cost-per-model", "t", MARCH)]
    assert (euros.value, euros.unit) == (90.0, "EUR per model")
    assert values[("cost-per-model", "u", MARCH)].unit == "currency per model"
    assert values[("cost-per-model", None, MARCH)].unit == "currency per model"

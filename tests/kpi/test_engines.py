"""The same KPIs on DuckDB and on Spark, and `engine: spark` from the workspace to the CLI.

The hand-computed KPI tests marked ``engines`` run on both engines (see tests/engines.py);
here every registered KPI is compared between the engines on a generated store that fills
every event table (the benchmark's generator at a small scale), for every period length.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from benchmarks.kpi_events import build

from mlmaturity.errors import InputError
from mlmaturity.events.store import EventStore
from mlmaturity.kpi.compute import KpiValue, compute_kpis
from mlmaturity.kpi.engine import ENGINE_VARIABLE, Engine
from mlmaturity.kpi.registry import registered_kpis
from tests.kpi.test_kpis import DEPLOYMENTS
from tests.test_cli import EXE, run

TEAMS = ["team-00", "team-01", "team-02", "idle"]
"""Three teams with events (team-01 bills in EUR), and one that records nothing."""
SINCE, UNTIL, TODAY = date(2024, 1, 1), date(2025, 12, 31), date(2025, 9, 20)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("generated")
    build(root, events=20_000, teams=3, currencies=("USD", "EUR"))
    yield root


def _compute(root: Path, period: str, engine: str) -> list[KpiValue]:
    store = EventStore.for_workspace(root)
    return compute_kpis(
        store,
        TEAMS,
        SINCE,
        UNTIL,
        period,
        today=TODAY,
        engine=Engine(engine),  # type: ignore[arg-type]
    )


def _without_value(value: KpiValue) -> KpiValue:
    return dataclasses.replace(value, value=None)


@pytest.mark.parametrize("period", ["week", "month", "quarter"])
def test_every_kpi_is_the_same_on_both_engines(generated: Path, period: str, spark: Any):
    duckdb, on_spark = _compute(generated, period, "duckdb"), _compute(generated, period, "spark")
    assert [_without_value(v) for v in on_spark] == [_without_value(v) for v in duckdb]
    for ours, theirs in zip(duckdb, on_spark, strict=True):
        if ours.value is None:
            assert theirs.value is None, ours
        else:
            assert theirs.value == pytest.approx(ours.value, rel=1e-9, abs=1e-9), ours
    # The comparison means something: every KPI has values for teams and the organization,
    # but the cost of an organization whose teams bill in two currencies, which says so.
    measured = {(v.kpi, v.team is None) for v in duckdb if v.value is not None}
    for kpi in registered_kpis():
        assert (kpi, False) in measured, kpi
        assert (kpi, True) in measured or kpi == "cost-per-model", kpi
    organization_cost = {v.note for v in duckdb if (v.kpi, v.team) == ("cost-per-model", None)}
    assert "mixed currencies (EUR, USD): not summed" in organization_cost
    notes = {v.note for v in duckdb if v.team == "idle"}
    assert "no deployments recorded" in notes and "the period has not begun" in notes


def test_a_corrupt_store_file_is_named_on_spark(tmp_path: Path, spark: Any):
    store = EventStore.for_workspace(tmp_path)
    store.root.mkdir(parents=True)
    store.path("deployments").write_bytes(b"not parquet")
    with pytest.raises(InputError) as caught:
        compute_kpis(store, ["t"], date(2026, 3, 1), date(2026, 3, 31), engine=Engine("spark"))
    [problem] = caught.value.problems
    assert problem.file == str(store.path("deployments"))
    assert problem.message.startswith("the event store file cannot be read: ")
    assert "is not a Parquet file" in problem.message
    assert "mlmaturity collect" in problem.hint


def _spark_workspace(root: Path, extra: str = "") -> Path:
    (root / "deployments.csv").write_text(DEPLOYMENTS)
    (root / "mlmaturity.yaml").write_text(
        "version: 1\norganization: O\nengine: spark\n" + extra + "teams:\n  - id: t\n"
        "    sources:\n      deployments: [deployments.csv]\n"
    )
    assert run("collect", root).returncode == 0
    return root


def test_the_workspace_chooses_spark_for_the_kpi_command(tmp_path: Path, spark: Any):
    workspace = _spark_workspace(
        tmp_path, "spark:\n  config: {spark.sql.shuffle.partitions: '2'}\n"
    )
    result = run("kpi", workspace, "--since", "2026-03-01", "--until", "2026-03-31", "-f", "json")
    assert result.returncode == 0, result.stderr
    march = {(r["kpi"], r["team"]): r["value"] for r in json.loads(result.stdout)["kpis"]}
    # 5 production deployments and 1 rollback, as on DuckDB.
    assert march[("change-failure-rate", "t")] == pytest.approx(20.0)
    assert march[("models-in-production", None)] == 2
    # Spark's own log stays out of the way: nothing but the JVM's one-line notice, if any.
    noise = [line for line in result.stderr.splitlines() if "incubator" not in line]
    assert noise == []


def test_without_pyspark_the_spark_engine_names_the_extra(tmp_path: Path):
    workspace = _spark_workspace(tmp_path)
    # This interpreter, with PySpark made unimportable, runs the command.
    code = (
        "import sys; sys.modules['pyspark'] = None; from mlmaturity.cli import main; "
        f"sys.argv = ['mlmaturity', 'kpi', {str(workspace)!r}]; main()"
    )
    import subprocess

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 2, result.stderr
    assert "the spark engine needs PySpark, which is not installed" in result.stderr
    assert "pip install 'mlmaturity[spark]'" in result.stderr
    assert "mlmaturity.yaml" in result.stderr and "Traceback" not in result.stderr


def test_without_java_the_spark_engine_says_what_to_install(tmp_path: Path):
    import os
    import subprocess

    workspace = _spark_workspace(tmp_path)
    assert EXE is not None
    env = {**os.environ, "JAVA_HOME": str(tmp_path / "no-jdk")}
    result = subprocess.run([EXE, "kpi", str(workspace)], capture_output=True, text=True, env=env)
    assert result.returncode == 2, result.stderr
    assert "the spark engine needs Java 17 or later, and no java was found" in result.stderr
    assert "JAVA_HOME" in result.stderr and "Traceback" not in result.stderr


def test_an_unknown_engine_is_bad_input(tmp_path: Path):
    import os
    import subprocess

    workspace = _spark_workspace(tmp_path)
    text = (workspace / "mlmaturity.yaml").read_text()
    (workspace / "mlmaturity.yaml").write_text(text.replace("engine: spark", "engine: flink"))
    result = run("kpi", workspace)
    assert result.returncode == 2
    assert "engine" in result.stderr and "'duckdb' or 'spark'" in result.stderr
    assert EXE is not None
    (workspace / "mlmaturity.yaml").write_text(text.replace("engine: spark\n", ""))
    env = {**os.environ, ENGINE_VARIABLE: "flink"}
    result = subprocess.run([EXE, "kpi", str(workspace)], capture_output=True, text=True, env=env)
    assert result.returncode == 2
    assert f"{ENGINE_VARIABLE}: 'flink' is not an engine (hint: duckdb or spark)" in result.stderr

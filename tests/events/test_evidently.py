"""Evidently reports as a `drift` source: the legacy report, the 0.7 snapshot and a stored one.

The fixtures are trimmed copies of what Evidently 0.7.23 writes (``evidently.legacy`` Report
``json()``, ``Snapshot.json()`` and ``Snapshot.dumps()``), with the distributions left out.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mlmaturity.collect import collect_workspace
from mlmaturity.errors import InputError
from mlmaturity.events.evidently import drifted, read_evidently
from mlmaturity.events.store import EventStore

LEGACY = {
    "version": "0.7.23",
    "metrics": [
        {
            "metric": "DatasetDriftMetric",
            "result": {
                "drift_share": 0.5,
                "number_of_columns": 2,
                "number_of_drifted_columns": 1,
                "share_of_drifted_columns": 0.5,
                "dataset_drift": True,
            },
        },
        {
            "metric": "DataDriftTable",
            "result": {
                "number_of_columns": 2,
                "dataset_drift": True,
                "drift_by_columns": {
                    "age": {
                        "column_name": "age",
                        "column_type": "num",
                        "stattest_name": "K-S p_value",
                        "stattest_threshold": 0.05,
                        "drift_score": 0.72,
                        "drift_detected": False,
                        "current": {"small_distribution": {"x": [1, 2], "y": [0.5, 0.5]}},
                    },
                    "amount": {
                        "column_name": "amount",
                        "column_type": "num",
                        "stattest_name": "K-S p_value",
                        "stattest_threshold": 0.05,
                        "drift_score": 0.001,
                        "drift_detected": True,
                    },
                },
                "current_fi": None,
            },
        },
        {"metric": "ColumnSummaryMetric", "result": {"column_name": "age"}},
    ],
    "timestamp": "2026-03-09 06:00:00.250000",
}
SNAPSHOT = {
    "metrics": [
        {
            "id": "15e8",
            "metric_name": "DriftedColumnsCount(drift_share=0.5)",
            "config": {"type": "evidently:metric_v2:DriftedColumnsCount", "drift_share": 0.5},
            "value": {"count": 1.0, "share": 0.5},
        },
        {
            "id": "8275",
            "metric_name": "ValueDrift(column=amount,method=psi,threshold=0.2)",
            "config": {
                "type": "evidently:metric_v2:ValueDrift",
                "column": "amount",
                "method": "psi",
                "threshold": 0.2,
            },
            "value": 0.26,
        },
        {
            "id": "6f45",
            "metric_name": "ValueDrift(column=country,method=chi-square p_value,threshold=0.05)",
            "config": {
                "type": "evidently:metric_v2:ValueDrift",
                "column": "country",
                "method": "chi-square p_value",
                "threshold": 0.05,
            },
            "value": 0.4,
        },
        {"id": "9a9a", "metric_name": "RowCount()", "config": {"type": "x:RowCount"}, "value": 9},
    ],
    "tests": [],
}


def _value_drift_result(column: str, method: str, threshold: float, value: float) -> dict:
    params = {
        "type": "evidently:metric_v2:ValueDrift",
        "column": column,
        "method": method,
        "threshold": threshold,
    }
    return {
        "type": "evidently:metric_result_v2:SingleValue",
        "display_name": f"Value drift for {column}",
        "metric_value_location": {"metric": {"metric_id": "m", "params": params}, "param": {}},
        "widget": [],
        "tests": [],
        "value": value,
    }


STORED = {
    "report": {"items": []},
    "name": None,
    "timestamp": "2026-03-16T06:00:00",
    "metadata": {"model_id": "fraud-scoring"},
    "tags": [],
    "metric_results": {
        "a1": _value_drift_result("amount", "Wasserstein distance (normed)", 0.1, 0.31),
        "b2": {
            "type": "evidently:metric_result_v2:CountValue",
            "display_name": "Count of Drifted Columns",
            "metric_value_location": {
                "metric": {
                    "metric_id": "b2",
                    "params": {
                        "type": "evidently:metric_v2:DriftedColumnsCount",
                        "drift_share": 0.5,
                    },
                },
                "param": {},
            },
            "count": {"type": "evidently:metric_result_v2:SingleValue", "value": 1.0},
            "share": {"type": "evidently:metric_result_v2:SingleValue", "value": 1.0},
        },
    },
    "top_level_metrics": ["a1", "b2"],
    "widgets": [],
    "tests_widgets": [],
}


def _rows(tmp_path: Path, name: str, document: object) -> dict[tuple[str, str], tuple]:
    (tmp_path / name).write_text(json.dumps(document))
    return {
        (r.feature, r.statistic): (
            r.model,
            r.value,
            r.threshold,
            r.drifted,
            r.window_start,
            r.detected_at,
        )
        for r in read_evidently(tmp_path / name)
    }


def test_legacy_report(tmp_path: Path):
    at = datetime(2026, 3, 9, 6, 0, 0, 250000, tzinfo=UTC)  # the report's own time, as UTC
    assert _rows(tmp_path, "fraud.json", LEGACY) == {
        ("", "share of drifted columns"): ("fraud", 0.5, 0.5, True, at, at),
        ("age", "K-S p_value"): ("fraud", 0.72, 0.05, False, at, None),
        ("amount", "K-S p_value"): ("fraud", 0.001, 0.05, True, at, at),
    }


def test_snapshot_takes_model_and_date_from_the_file_name(tmp_path: Path):
    at = datetime(2026, 3, 9, tzinfo=UTC)
    assert _rows(tmp_path, "fraud-scoring.2026-03-09.evidently.json", SNAPSHOT) == {
        ("", "share of drifted columns"): ("fraud-scoring", 0.5, 0.5, True, at, at),
        # PSI is a distance: 0.26 >= 0.2 drifted. chi-square is a p-value: 0.4 >= 0.05 did not.
        ("amount", "psi"): ("fraud-scoring", 0.26, 0.2, True, at, at),
        ("country", "chi-square p_value"): ("fraud-scoring", 0.4, 0.05, False, at, None),
    }


def test_older_snapshots_name_the_metric_only_by_its_explicit_id(tmp_path: Path):
    old = {
        "metrics": [
            {"id": "1", "metric_id": "ValueDrift(column=amount,method=K-S p_value,threshold=0.05)", "value": 0.01},
            {"id": "2", "metric_id": "DriftedColumnsCount(drift_share=0.3)", "value": {"count": 1, "share": 0.25}},
        ]
    }  # fmt: skip
    at = datetime(2026, 3, 2, tzinfo=UTC)
    assert _rows(tmp_path, "churn.2026-03-02.json", old) == {
        ("amount", "K-S p_value"): ("churn", 0.01, 0.05, True, at, at),
        ("", "share of drifted columns"): ("churn", 0.25, 0.3, False, at, None),
    }


def test_stored_snapshot_names_its_model_and_time(tmp_path: Path):
    at = datetime(2026, 3, 16, 6, tzinfo=UTC)
    assert _rows(tmp_path, "snapshot-5f1e.json", STORED) == {
        ("amount", "Wasserstein distance (normed)"): ("fraud-scoring", 0.31, 0.1, True, at, at),
        ("", "share of drifted columns"): ("fraud-scoring", 1.0, 0.5, True, at, at),
    }


@pytest.mark.parametrize(
    ("method", "value", "threshold", "expected"),
    [("K-S p_value", 0.04, 0.05, True), ("ks", 0.06, 0.05, False), ("TVD", 0.01, 0.05, True),
     ("psi", 0.2, 0.2, True), ("Jensen-Shannon distance", 0.09, 0.1, False)],
)  # fmt: skip
def test_p_values_drift_below_the_threshold_distances_at_or_above(
    method: str, value: float, threshold: float, expected: bool
):
    assert drifted(method, value, threshold) is expected


def test_reports_and_csv_files_fill_one_drift_table(tmp_path: Path):
    (tmp_path / "fraud.2026-03-09.json").write_text(json.dumps(SNAPSHOT))
    (tmp_path / "alerts.csv").write_text(
        "model,feature,window_start,statistic,value,threshold,drifted,onset_at,detected_at\n"
        "fraud,amount,2026-03-01,psi,0.31,0.2,true,2026-03-01T00:00:00Z,2026-03-01T06:00:00Z\n"
    )
    (tmp_path / "mlmaturity.yaml").write_text(
        "version: 1\norganization: O\nteams:\n  - id: t\n    sources:\n"
        "      drift: [alerts.csv, fraud.2026-03-09.json]\n"
    )
    assert collect_workspace(tmp_path).rows == {"drift": 4}
    stored = EventStore.for_workspace(tmp_path).read("drift")
    assert stored is not None
    assert stored.column("source").to_pylist().count("fraud.2026-03-09.json") == 3

    from mlmaturity.assess import assess

    [team] = assess(tmp_path).teams
    detail = next(f.detail for f in team.findings if f.check == "drift-detection-measurable")
    # A report says when drift was seen, not when it began: only the CSV alert has an onset.
    assert detail == "1 of 3 drift alerts record onset and detection"


def _changed(document: dict, path: list[object], value: object) -> dict:
    copy = json.loads(json.dumps(document))
    target = copy
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value  # type: ignore[index]
    return copy


@pytest.mark.parametrize(
    ("name", "content", "message", "key"),
    [
        ("fraud.json", "{\"metrics\": [}", "not valid JSON", ""),
        ("fraud.json", json.dumps([LEGACY]), "expected an Evidently report", ""),
        ("fraud.json", "[]", "expected an Evidently report", ""),
        ("fraud.json", "null", "expected an Evidently report", ""),
        ("fraud.json", json.dumps({"version": "0.4.0", "metrics": 3}), "valid list", "metrics"),
        ("fraud.json", json.dumps(_changed(LEGACY, ["metrics", 1, "result", "drift_by_columns", "amount", "drift_score"], "high")),
         "valid number", "metrics[1].result.drift_by_columns.amount.drift_score"),
        ("fraud.json", json.dumps(_changed(LEGACY, ["metrics", 0, "result", "share_of_drifted_columns"], 1e999)),
         "finite number", "metrics[0].result.share_of_drifted_columns"),
        ("fraud.json", json.dumps(_changed(LEGACY, ["timestamp"], "last tuesday")), "datetime", "timestamp"),
        ("fraud.json", json.dumps(_changed(LEGACY, ["metrics", 1, "result", "drift_by_columns", "age"], {"column_name": "age"})),
         "Field required", "metrics[1].result.drift_by_columns.age.drift_score"),
        ("fraud.2026-03-09.json", json.dumps(_changed(SNAPSHOT, ["metrics", 1, "config"], {"type": "ValueDrift", "column": "amount"})),
         "Field required", "metrics[1].method"),
        ("fraud.json", json.dumps(SNAPSHOT), "no timestamp and its name no date", ""),
        ("fraud.2026-03-09.json", json.dumps({"metrics": [{"metric_name": "RowCount()", "value": 3}]}),
         "holds no drift result", ""),
    ],
)  # fmt: skip
def test_bad_reports_name_file_and_field(
    tmp_path: Path, name: str, content: str, message: str, key: str
):
    (tmp_path / name).write_text(content)
    with pytest.raises(InputError) as caught:
        read_evidently(tmp_path / name)
    problem = caught.value.problems[0]
    assert re.search(message, problem.message), problem
    assert problem.file.endswith(name)
    assert problem.key == key

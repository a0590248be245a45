"""The MLflow KPIs on the reference store: held-out accuracy, its change, automated retraining.

Read off stores.populate: fraud v1 (by hand, test_accuracy 0.90), v2 (scheduled, 0.93),
v3 (CI, accuracy 0.91 on a testing dataset); churn v1 (service account, holdout_auc 0.77,
deployed 2026-09-20 by its deployed_at tag), churn v2 (drift, test_auc 0.80).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from mlmaturity.collect import collect_workspace
from mlmaturity.events.store import EventStore
from mlmaturity.kpi.compute import KpiValue, compute_kpis
from tests.mlflowstore.conftest import Store
from tests.mlflowstore.helpers import make_workspace
from tests.mlflowstore.stores import move_alias

KPIS = ("holdout-accuracy", "holdout-accuracy-change", "automated-retraining-share")


def _values(root: Path) -> dict[tuple[str, date], KpiValue]:
    today = date.today()
    values = compute_kpis(
        EventStore.for_workspace(root), ["t"], date(2026, 9, 1), today, today=today
    )
    return {(v.kpi, v.period): v for v in values if v.team == "t" and v.kpi in KPIS}


@pytest.mark.engines
def test_a_rollback_shows_in_accuracy_its_change_and_the_retraining_share(
    sqlite_store: Store, tmp_path: Path
) -> None:
    root = make_workspace(tmp_path / "ws", sqlite_store.uri)
    collect_workspace(root)
    move_alias(sqlite_store.client_uri, "fraud", "champion", "1")  # back to the hand-made v1
    collect_workspace(root)

    values = _values(root)

    september = date(2026, 9, 1)
    assert values[("holdout-accuracy", september)].value == pytest.approx(0.77)  # churn v1 only
    assert values[("automated-retraining-share", september)].value == 100
    assert values[("holdout-accuracy-change", september)].value is None  # nothing replaced
    current = date.today().replace(day=1)
    # Now: fraud v1 (0.90) and churn v1 (0.77); fraud v1 replaced v2 (0.93).
    assert values[("holdout-accuracy", current)].value == pytest.approx((0.90 + 0.77) / 2)
    assert values[("holdout-accuracy-change", current)].value == pytest.approx(0.90 - 0.93)
    assert values[("automated-retraining-share", current)].value == 50  # fraud v1 by hand


@pytest.mark.engines
def test_without_mlflow_the_kpis_say_what_they_need(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "ws")
    values = _values(root)
    note = values[("automated-retraining-share", date(2026, 9, 1))].note
    assert note.startswith("not measurable: needs ") and "training runs" in note

"""The drift monitor of motor pricing: weekly PSI windows with their onset and detection, and
the Evidently report of the last week, as the monitor saves them.

The monitor reports every Monday at 06:00 on the week before (Monday to Monday). When it is
set up it is also run over the eight weeks before (a backfill): drift that had started then
is found only at set-up, weeks late. Detection gets faster as monitoring matures: at the
weekly report, then within a day or two once the data is validated daily (pandera), then
within hours once drift starts retraining. Windows are continuous from one quarter to the
next: a quarter's files gain the windows reported by its assessment.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

from mlmaturity.demo.timeline import Adopted, on

FEATURES = ("driver_age", "annual_mileage", "postcode_risk", "vehicle_group")
BACKFILL_WEEKS = 8
REPORT_HOUR = 6
THRESHOLD = 0.2
WEEK = timedelta(days=7)


def _monday(moment: datetime) -> datetime:
    """Midnight (UTC) of the Monday on or before ``moment``."""
    day = moment.astimezone(UTC).date()
    return datetime.combine(day - timedelta(days=day.weekday()), time(0), UTC)


@dataclass
class DriftMonitor:
    """What the monitor has reported so far; ``next_window`` starts the first window not yet
    reported (None before the monitor is set up)."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    next_window: datetime | None = None
    evidently: dict[str, str] = field(default_factory=dict)
    """File name → an Evidently 0.7 snapshot."""

    def report(
        self,
        model: str,
        adopted: Adopted,
        until: datetime,
        rng: random.Random,
        iso: Callable[[datetime], str],
    ) -> None:
        """Add the windows the monitor reports by ``until`` (the quarter's assessment)."""
        started = adopted.get("monitoring")
        if started is None or started > until:
            return
        if self.next_window is None:
            self.next_window = _monday(started) - BACKFILL_WEEKS * WEEK
        last: datetime | None = None
        while True:
            window = self.next_window
            end = window + WEEK
            backfilled = end <= started
            reported = started + timedelta(hours=1) if backfilled else end.replace(hour=REPORT_HOUR)
            if reported > until:
                break
            for feature in FEATURES:
                self.rows.append(self._row(model, feature, window, reported, adopted, rng, iso))
            last, self.next_window = window, end
        if last is not None:
            self.evidently[f"{model}.{last:%Y-%m-%d}.evidently.json"] = _evidently(rng)

    def _row(
        self,
        model: str,
        feature: str,
        window: datetime,
        reported: datetime,
        adopted: Adopted,
        rng: random.Random,
        iso: Callable[[datetime], str],
    ) -> dict[str, Any]:
        value = round(
            rng.uniform(0.02, 0.19) if rng.random() > 0.12 else rng.uniform(0.21, 0.38), 3
        )
        drifted = value >= THRESHOLD
        onset = window + timedelta(hours=rng.randint(6, 60)) if drifted else None
        detected = None
        if onset is not None:
            detected = reported  # at the weekly report (or at set-up, for the backfill)
            if on(adopted, "drift-retrain", onset):
                detected = onset + timedelta(hours=rng.randint(4, 14))
            elif on(adopted, "validation", onset):
                detected = onset + timedelta(hours=rng.randint(30, 60))
        return {
            "model": model, "feature": feature, "window_start": iso(window),
            "window_end": iso(window + WEEK), "statistic": "psi", "value": value,
            "threshold": THRESHOLD, "drifted": str(drifted).lower(),
            "onset_at": iso(onset) if onset else "", "detected_at": iso(detected) if detected else "",
        }  # fmt: skip


def _evidently(rng: random.Random) -> str:
    """An Evidently 0.7 snapshot of one week's data drift."""
    values = {f: round(rng.uniform(0.01, 0.26), 4) for f in FEATURES}
    count = sum(v >= THRESHOLD for v in values.values())
    metrics: list[dict[str, Any]] = [
        {
            "metric_name": "DriftedColumnsCount(drift_share=0.5,method=psi,threshold=0.2)",
            "config": {"type": "evidently:metric_v2:DriftedColumnsCount", "drift_share": 0.5,
                       "method": "psi", "threshold": THRESHOLD},
            "value": {"count": float(count), "share": count / len(values)},
        }
    ]  # fmt: skip
    metrics += [
        {
            "metric_name": f"ValueDrift(column={f},method=psi,threshold=0.2)",
            "config": {"type": "evidently:metric_v2:ValueDrift", "column": f, "method": "psi",
                       "threshold": THRESHOLD},
            "value": v,
        }
        for f, v in values.items()
    ]  # fmt: skip
    return json.dumps({"metrics": metrics, "tests": []}, indent=1) + "\n"

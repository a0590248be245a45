"""Trends over the stored history: the stage, dimension scores and KPIs of each assessment.

The history is the workspace's earlier assessments, oldest first; the current assessment is
the last point. Teams are told apart by id and named as the current assessment names them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from mlmaturity.scoring import Assessment
from mlmaturity.scoring.result import KpiResult


@dataclass(frozen=True)
class Snapshot:
    """One assessment on the time line."""

    date: str
    """The assessment's day, YYYY-MM-DD (UTC, as generated)."""
    organization_stage: int | None
    dimensions: dict[str, float | None]
    """Dimension name → the organization's score."""
    team_stages: dict[str, int | None]
    """Team name → its stage; a team the assessment did not have is absent."""


@dataclass(frozen=True)
class KpiPoint:
    date: str
    value: float
    series: Literal["assessed", "monthly"]
    """``assessed``: the latest value each assessment measured, at its date;
    ``monthly``: the current assessment's value for each period, at the period's start."""
    period: str


@dataclass(frozen=True)
class KpiTrend:
    id: str
    name: str
    unit: str
    points: list[KpiPoint]


@dataclass(frozen=True)
class Trends:
    snapshots: list[Snapshot]
    kpis: list[KpiTrend]

    @property
    def has_history(self) -> bool:
        return len(self.snapshots) > 1


def _day(generated_at: str) -> str:
    return generated_at[:10]


def _snapshot(assessment: Assessment, names: dict[str, str]) -> Snapshot:
    org = assessment.organization
    return Snapshot(
        date=_day(assessment.generated_at),
        organization_stage=org.stage,
        dimensions={d.name: d.score for d in org.dimensions},
        team_stages={names.get(t.id, t.name): t.stage for t in assessment.teams},
    )


def _latest(kpis: Sequence[KpiResult], kpi_id: str) -> KpiResult | None:
    """The KPI's measured value of the latest period that has one."""
    measured = [k for k in kpis if k.id == kpi_id and k.value is not None]
    return max(measured, key=lambda k: k.period, default=None)


def _kpi_trend(kpi_id: str, timeline: Sequence[Assessment]) -> KpiTrend:
    current = timeline[-1].organization.kpis
    first = next(k for k in current if k.id == kpi_id)
    points = []
    for assessment in timeline:
        latest = _latest(assessment.organization.kpis, kpi_id)
        if latest is not None and latest.value is not None:
            day = _day(assessment.generated_at)
            points.append(KpiPoint(day, latest.value, "assessed", latest.period))
    points += [
        KpiPoint(k.period, k.value, "monthly", k.period)
        for k in sorted(current, key=lambda k: k.period)
        if k.id == kpi_id and k.value is not None
    ]
    return KpiTrend(first.id, first.name, first.unit, points)


def build_trends(assessment: Assessment, history: Sequence[Assessment] = ()) -> Trends:
    """The history (oldest first) and ``assessment`` as one time line."""
    timeline = [*history, assessment]
    names = {t.id: t.name for t in assessment.teams}
    kpi_ids = dict.fromkeys(k.id for k in assessment.organization.kpis)
    return Trends(
        snapshots=[_snapshot(a, names) for a in timeline],
        kpis=[_kpi_trend(kpi_id, timeline) for kpi_id in kpi_ids],
    )

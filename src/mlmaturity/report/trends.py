"""Trends over the stored history: the stage, dimension scores and KPIs of each assessment.

The history is the workspace's earlier assessments, oldest first; the current assessment is
the last point. Teams are told apart by id (and named as the current assessment names them);
each assessment is labelled by its milestone where it has one, else by its date.

A KPI is one line by month: every assessment measures the last few months, so neighbouring
assessments overlap; each month is taken from the newest assessment that measured it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from mlmaturity.scoring import Assessment
from mlmaturity.scoring.result import KpiResult

PER_TEAM_KPIS = frozenset({"holdout-accuracy", "holdout-accuracy-change"})
"""KPIs the organization can only average over models measured by different metrics (AUC
for one, accuracy for another): the report draws them per team instead."""


def short_date(day: str) -> str:
    """``'31 Mar 2026'`` for ``'2026-03-31'``."""
    parsed = datetime.fromisoformat(day[:10])
    return f"{parsed.day} {parsed:%b %Y}"


@dataclass(frozen=True)
class Snapshot:
    """One assessment on the time line."""

    date: str
    """The assessment's day, YYYY-MM-DD (UTC, as generated)."""
    label: str
    """Its milestone, else its date (``31 Mar 2026``); unique on the time line."""
    milestone: str | None
    organization_stage: int | None
    dimensions: dict[str, float | None]
    """Dimension id → the organization's score."""
    team_stages: dict[str, int | None]
    """Team id → its stage; a team the assessment did not have is absent."""


@dataclass(frozen=True)
class KpiPoint:
    period: str
    """The month, YYYY-MM-01: where the point is drawn."""
    value: float
    source: str
    """The label of the (newest) assessment that measured it."""


@dataclass(frozen=True)
class KpiSeries:
    team: str | None
    """A team id, or None for the organization."""
    points: list[KpiPoint]


@dataclass(frozen=True)
class KpiTrend:
    id: str
    name: str
    unit: str
    series: list[KpiSeries]
    """The organization's line, or (``per_team``) one line per current team."""
    per_team: bool = False

    @property
    def points(self) -> list[KpiPoint]:
        return [p for s in self.series for p in s.points]


@dataclass(frozen=True)
class Trends:
    snapshots: list[Snapshot]
    kpis: list[KpiTrend]
    dimension_names: dict[str, str]
    """Dimension id → name, as the current assessment names them."""

    @property
    def has_history(self) -> bool:
        return len(self.snapshots) > 1


def assessment_labels(
    timeline: Sequence[Assessment], milestones: Mapping[str, str] | None = None
) -> list[str]:
    """Each assessment's label: its milestone, else its date (with the time, then a number,
    where two share a day)."""
    milestones = milestones or {}
    labels: list[str] = []
    for assessment in timeline:
        label = milestones.get(assessment.generated_at) or short_date(assessment.generated_at)
        if label in labels and assessment.generated_at[10:16]:
            label = f"{label} {assessment.generated_at[11:16]}"
        unique, n = label, 2
        while unique in labels:
            unique, n = f"{label} #{n}", n + 1
        labels.append(unique)
    return labels


def _snapshot(assessment: Assessment, label: str, milestone: str | None) -> Snapshot:
    org = assessment.organization
    return Snapshot(
        date=assessment.generated_at[:10],
        label=label,
        milestone=milestone,
        organization_stage=org.stage,
        dimensions={d.id: d.score for d in org.dimensions},
        team_stages={t.id: t.stage for t in assessment.teams},
    )


def monthly(kpi_id: str, measured: Sequence[tuple[str, Sequence[KpiResult]]]) -> list[KpiPoint]:
    """One point per month: ``measured`` is (label, KPIs) per assessment, oldest first; a
    month measured by several assessments takes the newest one's value."""
    months: dict[str, KpiPoint] = {}
    for label, kpis in measured:
        for k in kpis:
            if k.id == kpi_id and k.value is not None:
                months[k.period] = KpiPoint(k.period, k.value, label)
    return [months[p] for p in sorted(months)]


def _kpi_trend(first: KpiResult, timeline: Sequence[Assessment], labels: Sequence[str]) -> KpiTrend:
    if first.id in PER_TEAM_KPIS:
        current = [t.id for t in timeline[-1].teams]
        series = []
        for team_id in current:
            measured = [
                (label, t.kpis)
                for label, a in zip(labels, timeline, strict=True)
                for t in a.teams
                if t.id == team_id
            ]
            series.append(KpiSeries(team_id, monthly(first.id, measured)))
        return KpiTrend(first.id, first.name, first.unit, series, per_team=True)
    measured = [(label, a.organization.kpis) for label, a in zip(labels, timeline, strict=True)]
    return KpiTrend(
        first.id, first.name, first.unit, [KpiSeries(None, monthly(first.id, measured))]
    )


def build_trends(
    assessment: Assessment,
    history: Sequence[Assessment] = (),
    milestones: Mapping[str, str] | None = None,
) -> Trends:
    """The history (oldest first) and ``assessment`` as one time line; ``milestones`` names
    assessments by their ``generated_at``."""
    milestones = milestones or {}
    timeline = [*history, assessment]
    labels = assessment_labels(timeline, milestones)
    firsts = {k.id: k for k in reversed(assessment.organization.kpis)}
    return Trends(
        snapshots=[
            _snapshot(a, label, milestones.get(a.generated_at))
            for a, label in zip(timeline, labels, strict=True)
        ],
        kpis=[
            _kpi_trend(firsts[kpi_id], timeline, labels)
            for kpi_id in dict.fromkeys(k.id for k in assessment.organization.kpis)
        ],
        dimension_names={d.id: d.name for d in assessment.organization.dimensions},
    )

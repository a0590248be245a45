"""The one context every human-readable report renders: rows and labels, computed once."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from mlmaturity.model.stages import stage_label
from mlmaturity.report.charts import team_labels
from mlmaturity.report.provenance import (
    BarrierView,
    EvidenceGroup,
    Provenance,
    TeamConflict,
    TeamMisalignment,
    misalignments,
)
from mlmaturity.report.summary import Since, Summary, since_previous, summary
from mlmaturity.report.trends import PER_TEAM_KPIS, Trends, build_trends
from mlmaturity.scoring import Assessment, TeamAssessment
from mlmaturity.scoring.result import BarrierResult, CapabilityResult, DimensionResult, KpiResult
from mlmaturity.words import plural


def level_text(level: int | None, at_least: int = 0) -> str:
    """``'2'`` for a decided level, ``'≥1?'`` for an inconclusive one proven up to 1."""
    return str(level) if level is not None else f"≥{at_least}?"


def percent(value: float | None) -> str:
    return "n/a" if value is None else f"{round(value * 100)}%"


SINGULAR = {"capabilities": "capability", "teams": "team"}


def score_text(dimension: DimensionResult, counted: str = "capabilities") -> str:
    """``'2.3 (8 capabilities, 1 inconclusive)'``; ``counted`` names what the mean is over."""
    if dimension.score is None:
        return "inconclusive"
    extra = f", {dimension.inconclusive} inconclusive" if dimension.inconclusive else ""
    noun = counted if dimension.decided != 1 else SINGULAR.get(counted, counted)
    return f"{dimension.score:.1f} ({dimension.decided} {noun}{extra})"


def number(value: float) -> str:
    """``3`` rather than ``3.0``, ``2.5`` as it is."""
    return f"{value:g}"


@dataclass(frozen=True)
class HeatmapRow:
    capability: str
    name: str
    dimension: str
    cells: list[str]
    levels: list[int | None]
    spread: str
    laggard: str


@dataclass(frozen=True)
class KpiRow:
    name: str
    unit: str
    cells: list[str]
    note: str
    mixed: bool = False
    """The organization's mean over models whose primary metrics can differ."""

    def notes(self, compare: str) -> str:
        """The row's note, after the mixed-metrics caveat where it has one; ``compare`` says
        where each team's own values are in this format (``"each team's own line in the chart"``)."""
        return " ".join(filter(None, [mixed_metrics(compare) if self.mixed else "", self.note]))


def kpi_number(value: float) -> str:
    """Three significant digits, or thousands grouped: ``0.932``, ``1,294``."""
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def kpi_value_text(kpi: KpiResult) -> str:
    if kpi.value is None:
        return "n/a"
    return kpi_number(kpi.value) + (f" ({kpi.band})" if kpi.band else "")


MIXED_METRICS = (
    "A mean over models whose primary metrics can differ (AUC for one, accuracy for another)"
)


def mixed_metrics(compare: str) -> str:
    """The caveat of a KPI the organization averages over different metrics (see
    ``trends.PER_TEAM_KPIS``); ``compare``: where each team's own values are."""
    return f"{MIXED_METRICS}: compare {compare}, not this mean."


EVENT_TABLES = {
    "ci_runs": "CI runs",
    "business_metrics": "business metrics",
    "inference_logs": "inference logs",
    "training_runs": "training runs",
    "drift": "drift alerts",
}
"""Event tables (a finding's subject when an event check made it) by the name reports use;
the others (``deployments``, ``incidents``, ``costs`` …) read as they are."""


def subject_name(subject: str) -> str:
    """A finding's subject as a reader says it: ``'CI runs'`` for the table ``ci_runs``."""
    return EVENT_TABLES.get(subject, subject)


def tools_text(open_source: Sequence[str], managed: Sequence[str]) -> str:
    """``'open source: A, B; managed: C'``: both kinds told apart in words, not by style."""
    kinds = [("open source", open_source), ("managed", managed)]
    return "; ".join(f"{kind}: {', '.join(tools)}" for kind, tools in kinds if tools)


def kpi_table(kpis: list[KpiResult], organization: bool = False) -> tuple[list[str], list[KpiRow]]:
    """Periods (columns) and one row per KPI, in the order the KPIs were given; the
    ``organization``'s means over different models' metrics say so."""
    periods = sorted({k.period for k in kpis})
    rows = []
    for kpi_id in dict.fromkeys(k.id for k in kpis):
        mine = {k.period: k for k in kpis if k.id == kpi_id}
        first = next(iter(mine.values()))
        cells = [kpi_value_text(mine[p]) if p in mine else "n/a" for p in periods]
        mixed = organization and kpi_id in PER_TEAM_KPIS
        rows.append(KpiRow(first.name, first.unit, cells, first.note, mixed))
    return periods, rows


@dataclass(frozen=True)
class TeamView:
    team: TeamAssessment
    stage: str
    next_stage: str
    confidence: str
    barriers: list[BarrierResult]
    capabilities_by_dimension: dict[str, list[CapabilityResult]]
    kpi_periods: list[str]
    kpi_rows: list[KpiRow]


@dataclass(frozen=True)
class ReportContext:
    assessment: Assessment
    organization_stage: str
    lowest_team_stage: str
    organization_confidence: str
    dimension_names: dict[str, str]
    heatmap: list[HeatmapRow]
    barriers: list[BarrierResult]
    kpi_periods: list[str]
    kpi_rows: list[KpiRow]
    teams: list[TeamView] = field(default_factory=list)
    assessed_on: str = ""
    """The assessment's day, YYYY-MM-DD."""
    barrier_views: list[BarrierView] = field(default_factory=list)
    """The organization's barriers (those with a shortfall) with their failing criteria's evidence."""
    conflicts: list[TeamConflict] = field(default_factory=list)
    misalignments: list[TeamMisalignment] = field(default_factory=list)
    evidence: list[EvidenceGroup] = field(default_factory=list)
    """Every team's findings, failures first, each with its appendix anchor."""
    trends: Trends | None = None
    barrier_names: dict[str, str] = field(default_factory=dict)
    team_labels: dict[str, str] = field(default_factory=dict)
    """Team id → its name, told apart where two teams share one (charts and summaries)."""
    target_stage: int = 1
    """The stage the barriers are shown against: the organization's next."""
    below_target: list[str] = field(default_factory=list)
    """The teams (ids) below ``target_stage``, whose criteria of it the barriers show."""
    since: Since | None = None
    """What changed since the previous assessment (with a history)."""
    summary: Summary | None = None


def _team_view(team: TeamAssessment) -> TeamView:
    periods, rows = kpi_table(team.kpis)
    grouped: dict[str, list[CapabilityResult]] = {}
    for capability in team.capabilities:
        grouped.setdefault(capability.dimension, []).append(capability)
    return TeamView(
        team=team,
        stage=stage_label(team.stage),
        next_stage=stage_label(team.next_stage),
        confidence=percent(team.confidence),
        barriers=[b for b in team.barriers if b.severity],
        capabilities_by_dimension=grouped,
        kpi_periods=periods,
        kpi_rows=rows,
    )


def template_filters() -> dict[str, Callable[..., str]]:
    """The formatting every report template uses (each format adds its own escaping)."""
    return {
        "pct": percent,
        "stage": stage_label,
        "score": score_text,
        "level": level_text,
        "num": number,
        "subject": subject_name,
        "plural": plural,
        "tools": lambda tools: tools_text(tools.open_source, tools.managed),
    }


def build_context(
    assessment: Assessment,
    history: Sequence[Assessment] = (),
    milestones: Mapping[str, str] | None = None,
) -> ReportContext:
    """The context of ``assessment``; ``history`` (earlier assessments, oldest first) feeds
    trends and what changed since the last one; ``milestones`` names assessments by their
    ``generated_at``."""
    milestones = milestones or {}
    org = assessment.organization
    labels = team_labels(assessment.teams)
    names = {t.id: t.name for t in assessment.teams}
    team_capabilities = {t.id: {c.id: c for c in t.capabilities} for t in assessment.teams}
    heatmap = []
    for rollup in org.capabilities:
        results = [team_capabilities[t.id][rollup.id] for t in assessment.teams]
        spread = (
            "n/a" if rollup.min is None else f"{rollup.min}–{rollup.max} (median {rollup.median:g})"
        )
        heatmap.append(
            HeatmapRow(
                capability=rollup.id,
                name=rollup.name,
                dimension=rollup.dimension,
                cells=[level_text(r.level, r.at_least) for r in results],
                levels=[r.level for r in results],
                spread=spread,
                laggard=_laggards(rollup.levels, rollup.min, names) if rollup.laggard else "n/a",
            )
        )
    org_periods, org_rows = kpi_table(org.kpis, organization=True)
    provenance = Provenance(assessment)
    barriers = [b for b in org.barriers if b.severity]
    target, below = provenance.target()
    previous = since_previous(assessment, history[-1], milestones, labels) if history else None
    return ReportContext(
        assessment=assessment,
        organization_stage=stage_label(org.stage),
        lowest_team_stage=stage_label(org.lowest_team_stage),
        organization_confidence=percent(org.confidence),
        dimension_names={d.id: d.name for d in org.dimensions},
        heatmap=heatmap,
        barriers=barriers,
        kpi_periods=org_periods,
        kpi_rows=org_rows,
        teams=[_team_view(t) for t in assessment.teams],
        assessed_on=assessment.generated_at[:10],
        barrier_views=provenance.barriers(barriers),
        conflicts=provenance.conflicts(),
        misalignments=misalignments(assessment.teams),
        evidence=provenance.groups,
        trends=build_trends(assessment, history, milestones),
        barrier_names={b.id: b.name for b in org.barriers},
        team_labels=labels,
        target_stage=target,
        below_target=[t.id for i, t in enumerate(assessment.teams) if i in below],
        since=previous,
        summary=summary(assessment, barriers, labels),
    )


def _laggards(
    levels: Mapping[str, int | None], lowest: int | None, names: Mapping[str, str]
) -> str:
    """Every team at the capability's lowest level, not only the first (a tie is named)."""
    return ", ".join(names.get(team, team) for team, level in levels.items() if level == lowest)

"""Checks on a team's event files: are deliveries automated, and can the KPIs be measured?

Being unable to measure a KPI is evidence too: a team that records no commit with its
deployments cannot know its lead time.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from mlmaturity.events.rows import (
    PRODUCTION,
    BusinessMetricRow,
    CostRow,
    DeploymentRow,
    DriftRow,
    IncidentRow,
)
from mlmaturity.evidence.finding import Location, Verdict, failed, not_applicable, passed
from mlmaturity.evidence.registry import check
from mlmaturity.words import plural

SHA = re.compile(r"^[0-9a-f]{7,64}$")
"""A commit as deployments name it: at least 7 hex digits of its SHA (lowercase once read)."""
AUTOMATED_SHARE = 0.8
"""Share of production deployments that must be automated for deliveries to count as automated."""


@dataclass(frozen=True)
class EventFiles:
    """What a team's event files of one kind held."""

    files: Sequence[str]
    rows: Sequence[DeploymentRow | IncidentRow | DriftRow | CostRow | BusinessMetricRow]
    listed: frozenset[str] = field(default_factory=frozenset)
    """Every source kind the team lists: a KPI may need another kind's events too."""


def _where(evidence: EventFiles) -> list[Location]:
    return [Location(path=f) for f in evidence.files]


def _production(evidence: EventFiles, kind: str = "deploy") -> list[DeploymentRow]:
    return [
        r
        for r in evidence.rows
        if isinstance(r, DeploymentRow) and r.environment == PRODUCTION and r.kind == kind
    ]


@check(
    "deployments-automated",
    question="Are production deployments made by automation (a CD pipeline), not by hand?",
    source="deployments",
    remediation="Deploy approved model versions to production from a CD pipeline.",
    effort="high",
)
def deployments_automated(evidence: EventFiles) -> Verdict:
    deployments = _production(evidence)
    if not deployments:
        return not_applicable("no production deployment recorded", *_where(evidence))
    automated = sum(r.automated for r in deployments)
    detail = f"{automated} of {len(deployments)} production deployments automated"
    if automated >= AUTOMATED_SHARE * len(deployments):
        return passed(detail, *_where(evidence))
    return failed(detail, *_where(evidence))


@check(
    "deployment-frequency-measurable",
    question="Are production deployments recorded with their time, so deployment frequency can be measured?",
    source="deployments",
    remediation="Record every production deployment (model, version, time) in the deployments file.",
    effort="low",
)
def deployment_frequency_measurable(evidence: EventFiles) -> Verdict:
    deployments = _production(evidence)
    if deployments:
        return passed(f"{len(deployments)} production deployments recorded", *_where(evidence))
    return failed("no production deployment recorded", *_where(evidence))


@check(
    "change-failure-rate-measurable",
    question="Are production deployments and rollbacks recorded, so the change failure rate can be measured?",
    source="deployments",
    remediation="Record rollbacks (kind: rollback) beside deployments.",
    effort="low",
)
def change_failure_rate_measurable(evidence: EventFiles) -> Verdict:
    deployments = _production(evidence)
    if not deployments:
        return failed("no production deployment recorded", *_where(evidence))
    rollbacks = len(_production(evidence, "rollback"))
    return passed(
        f"{len(deployments)} production deployments and {rollbacks} production rollbacks recorded",
        *_where(evidence),
    )


@check(
    "lead-time-measurable",
    question="Do recorded deployments name the commit they ship, and are the team's repositories listed, so lead time can be measured?",
    source="deployments",
    remediation="Record the git commit of each deployed version (the commit column) and list the repositories it comes from.",
    effort="low",
)
def lead_time_measurable(evidence: EventFiles) -> Verdict:
    deployments = _production(evidence)
    if not deployments:
        return failed("no production deployment recorded", *_where(evidence))
    with_commit = sum(bool(r.commit and SHA.match(r.commit)) for r in deployments)
    detail = f"{with_commit} of {len(deployments)} production deployments name their commit"
    if with_commit and "repos" not in evidence.listed:
        detail += ", but the team lists no repository whose commits they could be matched to"
        return failed(detail, *_where(evidence))
    return (passed if with_commit else failed)(detail, *_where(evidence))


@check(
    "time-to-restore-measurable",
    question="Are incidents recorded with when they were opened and resolved?",
    source="incidents",
    remediation="Record each model incident's opening and resolution time.",
    effort="low",
)
def time_to_restore_measurable(evidence: EventFiles) -> Verdict:
    incidents = [r for r in evidence.rows if isinstance(r, IncidentRow)]
    if not incidents:
        return not_applicable("no incident recorded", *_where(evidence))
    resolved = sum(r.resolved_at is not None for r in incidents)
    detail = f"{resolved} of {len(incidents)} incidents have a resolution time"
    return (passed if resolved else failed)(detail, *_where(evidence))


@check(
    "drift-detection-measurable",
    question="Do drift alerts record when the drift began and when it was detected?",
    source="drift",
    remediation="Record each drift alert with the onset of the drift (first drifted window) and the time it was detected.",
    effort="medium",
)
def drift_detection_measurable(evidence: EventFiles) -> Verdict:
    alerts = [r for r in evidence.rows if isinstance(r, DriftRow) and r.drifted]
    if not alerts:
        return failed("no drift alert recorded", *_where(evidence))
    timed = sum(r.onset_at is not None and r.detected_at is not None for r in alerts)
    detail = f"{timed} of {len(alerts)} drift alerts record onset and detection"
    return (passed if timed else failed)(detail, *_where(evidence))


ALLOCATED_SHARE = 0.8
"""Share of ML cost that must be attributed to a model for costs to count as allocated."""


def _cost_rows(evidence: EventFiles) -> list[CostRow]:
    return [r for r in evidence.rows if isinstance(r, CostRow)]


@check(
    "costs-allocated-to-models",
    question="Is at least 80 % of the cost in the FOCUS exports attributed to a model?",
    source="costs",
    remediation="Tag ML resources with the model they serve (or map ResourceIds to models in the workspace).",
    effort="medium",
)
def costs_allocated_to_models(evidence: EventFiles) -> Verdict:
    # Amounts in different currencies are never summed: each currency must reach the share.
    by_currency: dict[str, list[CostRow]] = {}
    for row in _cost_rows(evidence):
        by_currency.setdefault(row.currency or "", []).append(row)
    details, met = [], True
    for currency, rows in sorted(by_currency.items()):
        total = sum(r.cost for r in rows)
        if total <= 0:
            continue
        allocated = sum(r.cost for r in rows if r.model)
        share = f"{allocated / total:.0%} of {total:,.2f} attributed to models; {total - allocated:,.2f} unallocated"
        details.append(f"{currency}: {share}" if len(by_currency) > 1 else share)
        met = met and allocated >= ALLOCATED_SHARE * total
    if not details:
        return not_applicable("no cost recorded", *_where(evidence))
    return (passed if met else failed)(". ".join(details), *_where(evidence))


@check(
    "cost-tag-coverage",
    question="Do the cost lines carry the tags that attribute them (model or team)?",
    source="costs",
    remediation="Apply team and model tags to every ML resource and enforce them with a tagging policy.",
    effort="low",
)
def cost_tag_coverage(evidence: EventFiles) -> Verdict:
    rows = _cost_rows(evidence)
    if not rows:
        return not_applicable("no cost recorded", *_where(evidence))
    tagged = sum(r.tagged for r in rows)
    detail = f"{tagged} of {len(rows)} cost lines carry a model or team tag"
    return (passed if tagged >= ALLOCATED_SHARE * len(rows) else failed)(detail, *_where(evidence))


@check(
    "business-metrics-recorded",
    question="Are the business KPIs that models should move recorded over time, per model?",
    source="business_metrics",
    remediation="Export each model's business KPI (conversion, losses avoided …) with its model and time.",
    effort="medium",
)
def business_metrics_recorded(evidence: EventFiles) -> Verdict:
    values = [r for r in evidence.rows if isinstance(r, BusinessMetricRow)]
    with_model = [r for r in values if r.model]
    if not with_model:
        return failed("no business KPI value names its model", *_where(evidence))
    names = len({r.name for r in with_model})
    models = len({r.model for r in with_model})
    return passed(
        f"{len(with_model)} values of {plural(names, 'business KPI')} for {plural(models, 'model')}",
        *_where(evidence),
    )

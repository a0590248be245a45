"""Monitoring: drift and performance are watched, and what is seen can trigger retraining."""

from __future__ import annotations

from mlmaturity.evidence.finding import Verdict, failed, passed
from mlmaturity.evidence.registry import check
from mlmaturity.evidence.repo.checks.common import (
    ML_KEYWORDS,
    at,
    code_hits,
    in_ml_repository,
    passed_with,
    tools_used,
)
from mlmaturity.evidence.repo.snapshot import Snapshot

MONITORS = {
    "Evidently": ("import evidently", "from evidently"),
    "NannyML": ("import nannyml", "from nannyml"),
    "whylogs": ("import whylogs", "from whylogs"),
    "alibi-detect": ("alibi_detect", "alibi-detect"),
    "Arize": ("from arize", "import arize"),
    "SageMaker Model Monitor": ("DefaultModelMonitor", "ModelQualityMonitor"),
}
MONITOR_KEYWORDS = tuple(k for v in MONITORS.values() for k in v)
DRIFT = ("drift", "Drift")
TRIGGERS = (
    "retrain",
    "trigger_dag",
    "submit_run",
    "create_run(",
    "workflow_dispatch",
    "repository_dispatch",
    "start_pipeline_execution",
    "run_pipeline(",
)


@check(
    "ml-monitoring-used",
    question="Is an ML monitoring library used (Evidently, NannyML, whylogs, alibi-detect)?",
    source="repos",
    remediation="Monitor input drift and model performance with Evidently, NannyML or whylogs.",
    keywords=MONITOR_KEYWORDS + ML_KEYWORDS,
)
def ml_monitoring_used(repo: Snapshot) -> Verdict:
    used = tools_used(repo, MONITORS)
    if used:
        return passed_with("monitoring with", used)
    return in_ml_repository(repo, failed("no ML monitoring library is used"))


@check(
    "retraining-triggered-by-monitoring",
    question="Can a drift or performance signal trigger retraining?",
    source="repos",
    remediation="Connect drift and performance alerts to the training pipeline (a trigger, not a ticket).",
    effort="high",
    keywords=DRIFT + TRIGGERS + MONITOR_KEYWORDS + ML_KEYWORDS,
)
def retraining_triggered_by_monitoring(repo: Snapshot) -> Verdict:
    watching = code_hits(repo, *DRIFT, *MONITOR_KEYWORDS)
    triggers = [h for h in code_hits(repo, *TRIGGERS) if h.path in {w.path for w in watching}]
    if triggers:
        return passed("a monitoring signal triggers retraining", *(at(h) for h in triggers))
    if watching:  # where a trigger is missing
        where = sorted((at(h) for h in watching), key=lambda loc: (loc.path, loc.line or 0))
        verdict = failed("drift or performance is watched, but nothing triggers retraining", *where)
    else:
        verdict = failed("nothing connects drift or performance signals to retraining")
    return in_ml_repository(repo, verdict)

"""Checks on what an MLflow store shows about how a team trains, registers and promotes models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from mlmaturity.events.mlflowstore.derive import MetricRoles, Triggers, in_production
from mlmaturity.events.mlflowstore.records import GIT_COMMIT_TAG, Run, StoreContents, Version
from mlmaturity.evidence.finding import (
    Location,
    Verdict,
    failed,
    inconclusive,
    not_applicable,
    passed,
)
from mlmaturity.evidence.registry import check
from mlmaturity.workspace import MlflowSettings

LINKED_SHARE = 0.8
"""Share of runs that must carry a fact (commit, dataset, signature) for the practice to count."""
AUTOMATED_SHARE = 0.5
"""Share of recent training runs that must be started by automation."""
RECENT = timedelta(days=90)
APPROVAL_TAGS = (
    "approved",
    "approval",
    "approved_by",
    "approver",
    "reviewed_by",
    "validation_status",
)
EXAMPLES = 3


@dataclass(frozen=True)
class MlflowEvidence:
    """One store as read at one collection, with the workspace's settings for reading it."""

    store: StoreContents
    settings: MlflowSettings
    source: str
    """The store as the workspace lists it (a server's URI without passwords): where its
    findings point, never the machine's absolute path."""

    @property
    def finished_runs(self) -> list[Run]:
        return [r for r in self.store.runs if r.status.upper() == "FINISHED"]

    @property
    def production_versions(self) -> list[Version]:
        return [v for v in self.store.versions if in_production(v, self.settings)]

    def where(self, examples: list[str] | None = None) -> Location:
        snippet = ", ".join(examples[:EXAMPLES]) if examples else ""
        return Location(path=self.source, snippet=snippet[:200])


def _share(part: int, whole: int) -> str:
    return f"{part} of {whole} ({part / whole:.0%})"


def _enough(
    evidence: MlflowEvidence, total: int, lacking: list[str], what: str, share: float = LINKED_SHARE
) -> Verdict:
    """Passed when at least ``share`` of ``total`` things are not ``lacking`` (each lacking one
    named as an example in the location)."""
    having = total - len(lacking)
    detail = f"{_share(having, total)} {what}"
    if having >= share * total:
        return passed(detail, evidence.where())
    return failed(detail, evidence.where(lacking))


@check(
    "mlflow-runs-have-commit",
    question="Do training runs record the git commit of the code that produced them?",
    source="mlflow",
    remediation="Run training from a git checkout (MLflow tags mlflow.source.git.commit itself) "
    "or set the tag in the training job.",
    effort="low",
)
def runs_linked_to_commits(evidence: MlflowEvidence) -> Verdict:
    runs = evidence.finished_runs
    if not runs:
        return not_applicable("no finished training run in the store", evidence.where())
    missing = [f"run {r.run_id} has no commit" for r in runs if not r.tags.get(GIT_COMMIT_TAG)]
    return _enough(evidence, len(runs), missing, "finished runs record a git commit")


@check(
    "mlflow-runs-log-datasets",
    question="Do training runs log the datasets they were trained and evaluated on?",
    source="mlflow",
    remediation="Log inputs with mlflow.log_input(mlflow.data.from_…(…), context='training').",
    effort="low",
)
def runs_log_datasets(evidence: MlflowEvidence) -> Verdict:
    runs = evidence.finished_runs
    if not runs:
        return not_applicable("no finished training run in the store", evidence.where())
    if not evidence.store.tracks_datasets:
        return failed(
            "the store predates dataset tracking (MLflow < 2.4): runs cannot record their data",
            evidence.where(),
        )
    missing = [f"run {r.run_id} logs no dataset" for r in runs if not r.dataset_contexts]
    return _enough(evidence, len(runs), missing, "finished runs log input datasets")


@check(
    "mlflow-models-have-signature",
    question="Are logged models saved with an input/output signature?",
    source="mlflow",
    remediation="Pass signature=infer_signature(X, y) to log_model so serving can validate inputs.",
    effort="low",
)
def models_have_signatures(evidence: MlflowEvidence) -> Verdict:
    logged = [r for r in evidence.store.runs if r.logged_model]
    if not logged:
        return not_applicable("no run logged a model", evidence.where())
    known = [r for r in logged if r.has_signature is not None]
    if not known:
        return inconclusive(
            f"{len(logged)} runs logged a model, but their MLmodel files are not on this machine",
            evidence.where(),
        )
    without = [f"run {r.run_id}: no signature" for r in known if not r.has_signature]
    return _enough(evidence, len(known), without, "logged models have a signature")


@check(
    "mlflow-registry-used",
    question="Are models registered in a model registry with versions?",
    source="mlflow",
    remediation="Register models with mlflow.register_model or log_model(registered_model_name=…).",
    effort="low",
)
def registry_used(evidence: MlflowEvidence) -> Verdict:
    versions = evidence.store.versions
    if versions:
        models = len({v.model for v in versions})
        return passed(f"{models} registered models, {len(versions)} versions", evidence.where())
    return failed("no registered model version in the store", evidence.where())


@check(
    "mlflow-production-linked-to-run",
    question="Does every production model version link to the training run that produced it?",
    source="mlflow",
    remediation="Register versions from a run (runs:/<run_id>/model) rather than from loose files.",
    effort="medium",
)
def production_versions_traceable(evidence: MlflowEvidence) -> Verdict:
    production = evidence.production_versions
    if not production:
        return not_applicable("no version is in production", evidence.where())
    runs = {r.run_id for r in evidence.store.runs}
    loose = [f"{v.model} v{v.version}" for v in production if v.run_id not in runs]
    detail = f"{_share(len(production) - len(loose), len(production))} production versions link to their run"
    if not loose:
        return passed(detail, evidence.where())
    return failed(detail, evidence.where([f"{v} has no training run" for v in loose]))


@check(
    "mlflow-production-approved",
    question="Do production model versions carry a description or an approval record?",
    source="mlflow",
    remediation="Describe each version promoted to production and tag who approved it "
    "(for example approved_by).",
    effort="low",
)
def production_versions_approved(evidence: MlflowEvidence) -> Verdict:
    production = evidence.production_versions
    if not production:
        return not_applicable("no version is in production", evidence.where())
    bare = [
        f"{v.model} v{v.version}"
        for v in production
        if not v.description.strip() and not any(t in v.tags for t in APPROVAL_TAGS)
    ]
    detail = f"{_share(len(production) - len(bare), len(production))} production versions are described or approved"
    if not bare:
        return passed(detail, evidence.where())
    return failed(detail, evidence.where([f"{v}: no description or approval" for v in bare]))


@check(
    "mlflow-runs-automated",
    question="Are training runs started by automation (schedules, pipelines, CI) rather than by hand?",
    source="mlflow",
    remediation="Run training from an orchestrator or CI job, and tag the run with what started it.",
    effort="high",
)
def training_automated(evidence: MlflowEvidence) -> Verdict:
    runs = [r for r in evidence.store.runs if r.started_at is not None]
    if not runs:
        return not_applicable("no training run in the store", evidence.where())
    newest = max(r.started_at for r in runs if r.started_at is not None)
    recent = [r for r in runs if r.started_at is not None and r.started_at >= newest - RECENT]
    triggers = Triggers(evidence.settings, {r.run_id: r for r in evidence.store.runs})
    manual = [f"run {r.run_id} started by hand" for r in recent if triggers.of(r) == "manual"]
    # The 90 days up to the newest run, not up to today: a store's latest practice is what
    # it shows, however long ago it last trained (the assessment's notes say how long).
    what = f"runs of the 90 days up to the newest ({newest:%Y-%m-%d}) were started by automation"
    return _enough(evidence, len(recent), manual, what, AUTOMATED_SHARE)


@check(
    "mlflow-production-marked",
    question="Does the registry mark which version is in production (an alias, a stage or a tag)?",
    source="mlflow",
    remediation="Set an alias such as champion on the production version and have serving load "
    "models:/<name>@champion.",
    effort="low",
)
def registry_aliases_used(evidence: MlflowEvidence) -> Verdict:
    if not evidence.store.versions:
        return not_applicable("no registered model version in the store", evidence.where())
    production = evidence.production_versions
    if production:
        names = [f"{v.model} v{v.version}" for v in production]
        marked = f"{len(production)} version{'s' if len(production) != 1 else ''}"
        return passed(f"{marked} marked as in production", evidence.where(names))
    return failed("no registered version is marked as in production", evidence.where())


@check(
    "holdout-metrics-logged",
    question="Are registered model versions evaluated on held-out data, with the metric logged?",
    source="mlflow",
    remediation="Log metrics measured on a fixed test set with a test_ prefix (or log the test "
    "dataset with context='testing').",
    effort="low",
)
def holdout_metrics_logged(evidence: MlflowEvidence) -> Verdict:
    versions = [v for v in evidence.store.versions if v.run_id]
    if not versions:
        return not_applicable("no registered version links to a run", evidence.where())
    runs = {r.run_id: r for r in evidence.store.runs}
    roles = MetricRoles(evidence.settings)
    evaluated_runs = {
        run_id
        for run_id, run in runs.items()
        if any(roles.of(m, run) == "holdout" for m in run.metrics)
    }
    missing = [
        f"{v.model} v{v.version}: no held-out metric"
        for v in versions
        if v.run_id not in evaluated_runs
    ]
    return _enough(evidence, len(versions), missing, "registered versions have a held-out metric")


@check(
    "retraining-automated-share",
    question="Do most production model versions come from training runs nobody started by hand?",
    source="mlflow",
    remediation="Retrain from a scheduled or signal-triggered pipeline and promote its candidates.",
    effort="high",
)
def retraining_automated_share(evidence: MlflowEvidence) -> Verdict:
    production = evidence.production_versions
    if not production:
        return not_applicable("no version is in production", evidence.where())
    runs = {r.run_id: r for r in evidence.store.runs}
    triggers = Triggers(evidence.settings, runs)
    known = [v for v in production if v.run_id in runs]
    if not known:
        return inconclusive("no production version links to a run in the store", evidence.where())
    by_hand = [f"{v.model} v{v.version}" for v in known if triggers.of(runs[v.run_id]) == "manual"]
    automated = len(known) - len(by_hand)
    detail = f"{_share(automated, len(known))} production versions were trained by automation"
    if automated > AUTOMATED_SHARE * len(known):
        return passed(detail, evidence.where())
    return failed(detail, evidence.where([f"{v} trained by hand" for v in by_hand]))

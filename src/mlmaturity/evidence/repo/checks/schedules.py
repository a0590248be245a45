"""Scheduled training: a CI schedule in a pipeline that trains, or an orchestrator's schedule.

A CI schedule counts only in a pipeline whose commands train (a nightly docs build or a
stale-issue bot trains nothing); an orchestrator's scheduling API counts as it is (Dagster,
Prefect, Vertex AI, SageMaker …), a schedule argument only in a file of that orchestrator and
not set to ``None``, and a Kubernetes CronJob only when its manifest speaks of training.
"""

from __future__ import annotations

import re

from mlmaturity.evidence.finding import Location, Verdict, failed, passed
from mlmaturity.evidence.registry import check
from mlmaturity.evidence.repo.checks.commands import ml_steps
from mlmaturity.evidence.repo.checks.common import (
    CI_FILES,
    ML_KEYWORDS,
    at,
    ci_files,
    ci_lines,
    hits,
    in_ml_repository,
)
from mlmaturity.evidence.repo.snapshot import Hit, Snapshot

CI_SCHEDULE = re.compile(
    r"^-?\s*cron\s*:"  # GitHub Actions, Azure Pipelines, CircleCI
    r"|\$CI_PIPELINE_SOURCE\s*(?:==|=~)\s*[\"'/]?schedule"  # GitLab rules
    r"|^only\s*:\s*\[[^\]]*\bschedules\b"  # GitLab only: [schedules]
    r"|\b(?:parameterized)?cron\s*(?:\(|['\"])",  # Jenkins triggers
    re.I,
)
GITLAB_LIST_ITEM = re.compile(r"^(\s*)-\s*schedules\s*$")
SCHEDULE_CALLS = {
    "Dagster schedule": ("ScheduleDefinition", "cron_schedule", "build_schedule_from_partitioned_job"),
    "@schedule (Dagster, Metaflow)": ("@schedule",),
    "Kubeflow recurring run": ("create_recurring_run",),
    "Argo CronWorkflow": ("kind: CronWorkflow",),
    "Prefect or Flyte schedule": ("CronSchedule", "IntervalSchedule", "RRuleSchedule"),
    "Vertex AI pipeline schedule": ("PipelineJobSchedule", "create_schedule("),
    "SageMaker pipeline schedule": ("PipelineSchedule(", "put_triggers("),
    "Azure ML schedule": ("JobSchedule(", "CronTrigger(", "RecurrenceTrigger("),
    "ZenML or Databricks schedule": ("cron_expression",),
}  # fmt: skip
"""Schedules that need no more context: each names its orchestrator's scheduling API."""
AIRFLOW = ("from airflow", "import airflow")
AIRFLOW_SCHEDULES = ("schedule_interval", "(schedule=", " schedule=")
PREFECT = ("from prefect", "import prefect")
PREFECT_SCHEDULES = ("(cron=", " cron=", "(interval=", " interval=", "(rrule=", " rrule=")
PREFECT_YAML = "**/prefect.yaml"
PREFECT_YAML_SCHEDULE = re.compile(r"^\s*-?\s*(?:cron|interval|rrule)\s*:\s*\S")
SCHEDULE_VALUE = re.compile(
    r"""\b(?:schedule(?:_interval)?|cron|interval|rrule)["']?\s*[=:]\s*([^,)\s]+)"""
)
EVENTBRIDGE = ("ScheduleExpression", "schedule_expression")
SAGEMAKER = ("sagemaker",)
CRONJOB = ("kind: CronJob",)
TRAINING_WORDS = (
    "retrain", " train", "-train", "_train", "/train", ".train", '"train', "'train", "[train",
    "=train", "dvc repro", "mlflow run",
)  # fmt: skip
"""What a Kubernetes CronJob that trains says somewhere (its name, image or command)."""
TRAINS = re.compile(r"(?<![a-z])(?:re|pre)?train|dvc repro|mlflow run", re.I)
SCHEDULE_KEYWORDS = (
    *(k for words in SCHEDULE_CALLS.values() for k in words),
    *AIRFLOW, *AIRFLOW_SCHEDULES, *PREFECT, *PREFECT_SCHEDULES, *EVENTBRIDGE, *SAGEMAKER,
    *CRONJOB, *TRAINING_WORDS,
)  # fmt: skip


@check(
    "training-scheduled",
    question="Is training scheduled (a CI cron or an orchestrator schedule)?",
    source="repos",
    remediation="Schedule retraining in CI (`on: schedule`) or in the pipeline orchestrator.",
    effort="medium",
    reads=(*CI_FILES, PREFECT_YAML),
    keywords=SCHEDULE_KEYWORDS + ML_KEYWORDS,
)
def training_scheduled(repo: Snapshot) -> Verdict:
    # A CI schedule counts only in a pipeline that also trains (not a stale-issue bot).
    training = {c.path: c for c in reversed(ml_steps(repo).get("training", []))}
    schedules = ci_schedules(repo)
    found: dict[str, list[Location]] = {}
    for where in schedules:
        if where.path in training:
            label = f"{ci_files(repo)[where.path]} schedule"
            found.setdefault(label, []).extend((where, training[where.path].location))
    found.update(orchestrator_schedules(repo))
    if found:
        return passed(
            "training is scheduled: " + ", ".join(sorted(found)),
            *(loc for where in found.values() for loc in where),
        )
    if schedules:
        return in_ml_repository(
            repo, failed("CI runs on a schedule, but runs no training step there", *schedules)
        )
    return in_ml_repository(repo, failed("no CI cron or orchestrator schedule found"))


def ci_schedules(repo: Snapshot) -> list[Location]:
    """Lines of CI files that make a pipeline run on a schedule."""
    found = ci_lines(repo, CI_SCHEDULE)
    for path, system in ci_files(repo).items():
        if system == "GitLab CI":
            found += _gitlab_only_schedules(path, repo.text(path) or "")
    return sorted(found, key=lambda loc: (loc.path, loc.line or 0))


def _gitlab_only_schedules(path: str, text: str) -> list[Location]:
    """``- schedules`` items of an ``only:`` (or ``only: refs:``) list, not of ``except:``;
    one pass, keeping the keys open above each line by their indentation."""
    found = []
    keys: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        code = line.lstrip()
        if not code or code.startswith("#"):
            continue
        depth = len(line) - len(code)
        if code.startswith("-"):  # a list item: its key is indented less, or as much
            while keys and keys[-1][0] > depth:
                keys.pop()
            owners = [key for _, key in keys[-2:]]
            only = owners[-1:] == ["only:"] or owners == ["only:", "refs:"]
            if only and GITLAB_LIST_ITEM.match(line):
                found.append(Location(path=path, line=number, snippet=code.strip()))
            continue
        while keys and keys[-1][0] >= depth:
            keys.pop()
        keys.append((depth, code.split(" #", 1)[0].strip()))
    return found


def orchestrator_schedules(repo: Snapshot) -> dict[str, list[Location]]:
    """Schedules in orchestrator code and manifests, by what they are."""
    found: dict[str, list[Hit]] = {}
    for label, words in SCHEDULE_CALLS.items():
        if where := hits(repo, *words):
            found[label] = where
    airflow, prefect = repo.mentions(*AIRFLOW), repo.mentions(*PREFECT)
    found["Airflow DAG schedule"] = _set_schedules(repo, AIRFLOW_SCHEDULES, airflow)
    found["Prefect schedule"] = _set_schedules(repo, PREFECT_SCHEDULES, prefect)
    sagemaker = repo.mentions(*SAGEMAKER)
    found["EventBridge schedule of SageMaker"] = [
        h for h in hits(repo, *EVENTBRIDGE) if h.path in sagemaker
    ]
    mentions = sorted(hits(repo, *TRAINING_WORDS), key=lambda h: h.sort_key, reverse=True)
    trains = {h.path: h for h in mentions if TRAINS.search(h.text)}  # the first line of each file
    cronjobs = [h for h in hits(repo, *CRONJOB) if h.path in trains]
    found["Kubernetes CronJob that trains"] = sorted(
        {*cronjobs, *(trains[h.path] for h in cronjobs)}, key=lambda h: h.sort_key
    )
    located = {label: [at(h) for h in where] for label, where in found.items() if where}
    prefect_yaml = [
        Location(path=path, line=number, snippet=line.strip()[:200])
        for path in repo.matching(PREFECT_YAML, repo.texts)
        for number, line in enumerate((repo.text(path) or "").splitlines(), start=1)
        if PREFECT_YAML_SCHEDULE.match(line)
    ]
    if prefect_yaml:
        located["Prefect deployment schedule"] = prefect_yaml
    return located


def _set_schedules(repo: Snapshot, keywords: tuple[str, ...], files: set[str]) -> list[Hit]:
    """Schedule arguments (``schedule="@daily"``) in files of the orchestrator, not set to None."""
    kept = []
    for hit in hits(repo, *keywords):
        value = SCHEDULE_VALUE.search(hit.text)
        if hit.path in files and value is not None and value.group(1) != "None":
            kept.append(hit)
    return kept

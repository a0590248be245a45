"""Continuous integration: is there a pipeline, does it test, does it run ML steps on a schedule."""

from __future__ import annotations

import re

from mlmaturity.evidence.finding import Verdict, at_path_locations, failed, not_applicable, passed
from mlmaturity.evidence.registry import check
from mlmaturity.evidence.repo.checks.common import (
    CI_FILES,
    ML_KEYWORDS,
    at,
    ci_files,
    ci_lines,
    hits,
    in_ml_repository,
)
from mlmaturity.evidence.repo.snapshot import Snapshot

TEST_COMMANDS = re.compile(
    r"\b(pytest|py\.test|tox|nox|unittest|make test|npm test|go test|mvn test)\b"
)
INSTALLS = re.compile(
    r"\b(pip3?|uv|poetry|conda|mamba|apt-get|apt|npm|yarn)\b.*\b(install|add|sync)\b"
)
NOT_A_COMMAND = re.compile(r"^-?\s*(uses|name|id|if)\s*:")
ML_STEPS = re.compile(
    r"\b(train|training|evaluate|evaluation|dvc repro|register|deploy|mlflow run|kfp|"
    r"sagemaker|promote)\b",
    re.I,
)
CI_SCHEDULE = re.compile(
    r"^\s*-?\s*cron:|\$CI_PIPELINE_SOURCE\s*==\s*[\"']schedule|^\s*triggers:\s*$|cron\("
)
ORCHESTRATOR_SCHEDULES = (
    "schedule_interval", "CronSchedule", "ScheduleDefinition", "@schedule",
    "create_recurring_run", "kind: CronWorkflow", "kind: CronJob", "cron_schedule",
)  # fmt: skip


@check(
    "ci-present",
    question="Is a CI pipeline defined (GitHub Actions, GitLab CI, Azure Pipelines, Jenkins, CircleCI)?",
    source="repos",
    remediation="Add a CI pipeline that runs on every change, e.g. .github/workflows/ci.yml.",
    effort="low",
    reads=CI_FILES,
)
def ci_present(repo: Snapshot) -> Verdict:
    files = ci_files(repo)
    if not files:
        return failed("no CI configuration found")
    systems = ", ".join(sorted(set(files.values())))
    return passed(f"CI configured: {systems}", *at_path_locations(files))


@check(
    "ci-runs-tests",
    question="Does CI run the tests?",
    source="repos",
    remediation="Run the test suite (for example pytest) as a required CI step.",
    effort="low",
    reads=CI_FILES,
)
def ci_runs_tests(repo: Snapshot) -> Verdict:
    if not ci_files(repo):
        return not_applicable("no CI configuration")
    lines = ci_lines(repo, TEST_COMMANDS, ignore=INSTALLS)
    if lines:
        return passed("CI runs tests", *lines)
    return failed("CI does not run a test command (pytest, tox, nox, make test …)")


@check(
    "ci-runs-ml-steps",
    question="Does CI run ML steps: training, evaluation, dvc repro, registration or deployment?",
    source="repos",
    remediation="Let CI train or evaluate the model and register or deploy it, not a laptop.",
    effort="medium",
    reads=CI_FILES,
    keywords=ML_KEYWORDS,
)
def ci_runs_ml_steps(repo: Snapshot) -> Verdict:
    if not ci_files(repo):
        return not_applicable("no CI configuration")
    lines = ci_lines(repo, ML_STEPS, ignore=NOT_A_COMMAND)
    if lines:
        return passed("CI runs ML steps", *lines)
    return in_ml_repository(
        repo, failed("CI runs no training, evaluation, registration or deployment step")
    )


@check(
    "training-scheduled",
    question="Is training scheduled (a CI cron or an orchestrator schedule)?",
    source="repos",
    remediation="Schedule retraining in CI (`on: schedule`) or in the pipeline orchestrator.",
    effort="medium",
    reads=CI_FILES,
    keywords=ORCHESTRATOR_SCHEDULES + ML_KEYWORDS,
)
def training_scheduled(repo: Snapshot) -> Verdict:
    # A CI cron counts only in a pipeline that also trains or evaluates (not a stale-issue bot).
    training_pipelines = {loc.path for loc in ci_lines(repo, ML_STEPS, ignore=NOT_A_COMMAND)}
    lines = ci_lines(repo, CI_SCHEDULE, paths=sorted(training_pipelines))
    lines += [at(h) for h in hits(repo, *ORCHESTRATOR_SCHEDULES)]
    if lines:
        return passed("a schedule is defined", *lines)
    return in_ml_repository(repo, failed("no CI cron or orchestrator schedule found"))

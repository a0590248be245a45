"""Continuous integration: is there a pipeline, does it test, does it run ML steps.

Only what CI runs counts (checks/commands.py): a job called ``deploy-docs`` runs no ML step,
and ``mkdocs gh-deploy`` deploys no model.
"""

from __future__ import annotations

from mlmaturity.evidence.finding import Verdict, at_path_locations, failed, not_applicable, passed
from mlmaturity.evidence.registry import check
from mlmaturity.evidence.repo.checks.commands import (
    INSTALLS,
    TEST_COMMANDS,
    Command,
    ci_commands,
    ml_steps,
)
from mlmaturity.evidence.repo.checks.common import CI_FILES, ML_KEYWORDS, ci_files, in_ml_repository
from mlmaturity.evidence.repo.snapshot import Snapshot


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
    lines = [
        c.location
        for c in ci_commands(repo)
        if any(TEST_COMMANDS.search(p) and not INSTALLS.search(p) for p in c.parts)
    ]
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
    steps = ml_steps(repo)
    if steps:
        commands = sorted({c for found in steps.values() for c in found}, key=_in_file_order)
        return passed("CI runs ML steps: " + ", ".join(steps), *(c.location for c in commands))
    return in_ml_repository(
        repo, failed("CI runs no training, evaluation, registration or deployment step")
    )


def _in_file_order(command: Command) -> tuple[str, int]:
    return command.path, command.line

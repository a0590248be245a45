"""Checks on a team's CI run history: does CI run on changes, and does training run by itself?

The repository checks see what the CI configuration says; these see what actually ran. A
training workflow is one whose name says so (train, training, retrain), since neither GitHub
nor GitLab records what a workflow is for.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mlmaturity.evidence.finding import Location, Verdict, failed, not_applicable, passed
from mlmaturity.evidence.registry import check

if TYPE_CHECKING:
    from mlmaturity.events.ci_runs import CiRunRow

AUTOMATED_SHARE = 0.8
"""Share of training runs that must start without a person for training to count as automated."""
TRAINING = re.compile(r"train", re.IGNORECASE)
ON_CHANGE = ("push", "pull_request")


@dataclass(frozen=True)
class CiRuns:
    """What a team's CI run exports held."""

    files: Sequence[str]
    runs: Sequence[CiRunRow]


def _where(evidence: CiRuns) -> list[Location]:
    return [Location(path=f) for f in evidence.files]


def training_runs(evidence: CiRuns) -> list[CiRunRow]:
    return [r for r in evidence.runs if TRAINING.search(r.workflow)]


@check(
    "ci-ran-on-changes",
    question="Did CI actually run on pushes and pull requests, according to the CI's run history?",
    source="ci_runs",
    remediation="Trigger the CI workflow on every push and pull request (on: push / pull_request, or GitLab push and merge request pipelines).",
    effort="low",
)
def ci_ran_on_changes(evidence: CiRuns) -> Verdict:
    runs = evidence.runs
    if not runs:
        return failed("no CI run recorded", *_where(evidence))
    on_change = sum(r.trigger in ON_CHANGE for r in runs)
    detail = f"{on_change} of {len(runs)} CI runs were started by a push or pull request"
    return (passed if on_change else failed)(detail, *_where(evidence))


@check(
    "scheduled-training-succeeds",
    question="Does a training workflow run on a schedule, and did its latest scheduled run succeed?",
    source="ci_runs",
    remediation="Run the training workflow on a schedule (cron) and fix it when a scheduled run fails.",
    effort="medium",
)
def scheduled_training_succeeds(evidence: CiRuns) -> Verdict:
    training = training_runs(evidence)
    if not training:
        return not_applicable("no training workflow among the CI runs", *_where(evidence))
    scheduled = [r for r in training if r.trigger == "schedule"]
    if not scheduled:
        detail = f"none of {len(training)} training runs was started by a schedule"
        return failed(detail, *_where(evidence))
    finished = [r for r in scheduled if r.conclusion in ("success", "failure")]
    if not finished:
        detail = f"{len(scheduled)} scheduled training runs, none finished"
        return failed(detail, *_where(evidence))
    latest = max(finished, key=lambda r: r.started_at)
    succeeded = sum(r.conclusion == "success" for r in finished)
    detail = (
        f"{succeeded} of {len(finished)} finished scheduled training runs succeeded; "
        f"the latest (run {latest.run_id} of {latest.workflow}, {latest.started_at:%Y-%m-%d}) "
        f"ended in {latest.conclusion}"
    )
    return (passed if latest.conclusion == "success" else failed)(detail, *_where(evidence))


@check(
    "training-runs-automated",
    question="Are at least 80 % of training runs started by a schedule, a change or another pipeline, not by hand?",
    source="ci_runs",
    remediation="Start training from a schedule, a merge or an upstream pipeline instead of a manual dispatch.",
    effort="medium",
)
def training_runs_automated(evidence: CiRuns) -> Verdict:
    training = training_runs(evidence)
    if not training:
        return not_applicable("no training workflow among the CI runs", *_where(evidence))
    automated = sum(r.trigger != "manual" for r in training)
    detail = f"{automated} of {len(training)} training runs started without a person"
    ok = automated >= AUTOMATED_SHARE * len(training)
    return (passed if ok else failed)(detail, *_where(evidence))

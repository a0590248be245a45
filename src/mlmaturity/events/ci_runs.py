"""CI run history: `gh run list --json` output and GitLab pipeline lists to ``ci_runs`` rows.

Each file is a JSON array; its shape is decided by its first run. An object with any of
GitHub CLI's camelCase fields (``databaseId``, ``workflowName``, ``headSha`` …) makes the file a
``gh run list`` export; one with GitLab's snake_case fields (``web_url``, ``sha``, ``ref`` …)
makes it the body of GitLab's ``GET /projects/:id/pipelines``. Every run of the file is then
validated against that shape, and a bad one is named by its item (array index) and line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from mlmaturity.errors import InputError, Problem
from mlmaturity.events.ci_checks import CiRuns
from mlmaturity.events.jsonfile import JsonItem, read_json, validation_problems
from mlmaturity.events.rows import UtcTime
from mlmaturity.evidence.collectors import Collected, TeamSources, collector
from mlmaturity.evidence.registry import registered_checks

Conclusion = Literal["success", "failure", "cancelled", "skipped"]
Trigger = Literal["push", "pull_request", "schedule", "manual", "pipeline", "api", "other"]
RunId = Annotated[int, Field(ge=0, le=2**63 - 1)]
"""Both CIs number runs with 64-bit integers; anything larger is not a run id."""
WHAT = "a JSON array of CI runs (`gh run list --json …` or GitLab's pipelines API)"


class CiRunRow(BaseModel):
    """One CI run, the same whichever CI reported it."""

    repository: str
    workflow: str
    run_id: str
    status: str
    """As the CI reports it (GitHub: completed, in_progress …; GitLab: success, failed …)."""
    conclusion: Conclusion | None
    """How a finished run ended; None while it runs or waits."""
    event: str
    """What started it, as the CI names it (push, workflow_dispatch, merge_request_event …)."""
    trigger: Trigger
    branch: str
    commit: str | None
    started_at: datetime
    ended_at: datetime | None
    url: str


def _zero_time_is_missing(value: Any) -> Any:
    # gh prints Go's zero time for a time it does not have (a run that has not started).
    return None if isinstance(value, str) and value.startswith("0001-01-01") else value


MaybeTime = Annotated[UtcTime | None, BeforeValidator(_zero_time_is_missing)]


class _Export(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class GitHubRun(_Export):
    """One run of `gh run list --json databaseId,workflowName,status,conclusion,event,…`."""

    databaseId: RunId
    status: Literal["requested", "queued", "in_progress", "completed", "waiting", "pending"]
    conclusion: Literal[
        "",
        "success",
        "failure",
        "neutral",
        "cancelled",
        "skipped",
        "timed_out",
        "action_required",
        "stale",
        "startup_failure",
    ] = ""
    event: str = ""
    workflowName: str = ""
    name: str = ""
    headBranch: str = ""
    headSha: str = ""
    createdAt: UtcTime
    startedAt: MaybeTime = None
    updatedAt: MaybeTime = None
    url: str = ""


class GitLabPipeline(_Export):
    """One pipeline of GitLab's ``GET /projects/:id/pipelines``."""

    id: RunId
    status: Literal[
        "created",
        "waiting_for_resource",
        "preparing",
        "pending",
        "running",
        "success",
        "failed",
        "canceled",
        "canceling",
        "skipped",
        "manual",
        "scheduled",
    ]
    source: str = ""
    ref: str = ""
    sha: str = ""
    name: str | None = None
    created_at: UtcTime
    started_at: UtcTime | None = None
    finished_at: UtcTime | None = None
    web_url: str = ""


_GITHUB_CONCLUSION: dict[str, Conclusion | None] = {
    "success": "success",
    "failure": "failure",
    "timed_out": "failure",
    "startup_failure": "failure",
    "cancelled": "cancelled",
    "skipped": "skipped",
    "neutral": "skipped",
    "stale": "skipped",
}
_GITHUB_TRIGGER: dict[str, Trigger] = {
    "push": "push",
    "pull_request": "pull_request",
    "pull_request_target": "pull_request",
    "merge_group": "pull_request",
    "schedule": "schedule",
    "workflow_dispatch": "manual",
    "workflow_run": "pipeline",
    "workflow_call": "pipeline",
    "repository_dispatch": "api",
}
_GITLAB_CONCLUSION: dict[str, Conclusion] = {
    "success": "success",
    "failed": "failure",
    "canceled": "cancelled",
    "skipped": "skipped",
}
_GITLAB_TRIGGER: dict[str, Trigger] = {
    "push": "push",
    "merge_request_event": "pull_request",
    "external_pull_request_event": "pull_request",
    "schedule": "schedule",
    "web": "manual",
    "webide": "manual",
    "chat": "manual",
    "pipeline": "pipeline",
    "parent_pipeline": "pipeline",
    "trigger": "api",
    "api": "api",
}
_GITHUB_RUN_URL = re.compile(r"^https?://[^/]+/(?P<repo>[^/]+/[^/]+)/actions/runs/\d+")
_GITLAB_PIPELINE_URL = re.compile(r"^https?://[^/]+/(?P<repo>.+?)/-/pipelines/\d+")
GITHUB_KEYS = frozenset(
    {"databaseId", "workflowName", "workflowDatabaseId", "headSha", "headBranch", "createdAt"}
)
GITLAB_KEYS = frozenset({"web_url", "sha", "ref", "created_at", "project_id", "iid"})


def _repository(url: str, pattern: re.Pattern[str]) -> str:
    match = pattern.match(url)
    return match["repo"] if match else ""


def from_github(run: GitHubRun) -> CiRunRow:
    return CiRunRow(
        repository=_repository(run.url, _GITHUB_RUN_URL),
        workflow=run.workflowName or run.name,
        run_id=str(run.databaseId),
        status=run.status,
        conclusion=_GITHUB_CONCLUSION.get(run.conclusion),
        event=run.event,
        trigger=_GITHUB_TRIGGER.get(run.event, "other"),
        branch=run.headBranch,
        commit=run.headSha or None,
        started_at=run.startedAt or run.createdAt,
        # gh has no completion time: a completed run was last updated when it completed.
        ended_at=run.updatedAt if run.status == "completed" else None,
        url=run.url,
    )


def from_gitlab(pipeline: GitLabPipeline) -> CiRunRow:
    return CiRunRow(
        repository=_repository(pipeline.web_url, _GITLAB_PIPELINE_URL),
        workflow=pipeline.name or "",
        run_id=str(pipeline.id),
        status=pipeline.status,
        conclusion=_GITLAB_CONCLUSION.get(pipeline.status),
        event=pipeline.source,
        trigger=_GITLAB_TRIGGER.get(pipeline.source, "other"),
        branch=pipeline.ref,
        commit=pipeline.sha or None,
        started_at=pipeline.started_at or pipeline.created_at,
        ended_at=pipeline.finished_at,
        url=pipeline.web_url,
    )


def _shape(path: Path, first: JsonItem) -> type[GitHubRun] | type[GitLabPipeline]:
    if not isinstance(first.value, dict):
        raise InputError([first.problem(path, "expected a JSON object (one CI run)")])
    keys = set(first.value)
    if keys & GITHUB_KEYS:
        return GitHubRun
    if keys & GITLAB_KEYS:
        return GitLabPipeline
    hint = (
        "export runs with `gh run list --json databaseId,workflowName,…` or GitLab's pipelines API"
    )
    raise InputError(
        [first.problem(path, "neither a GitHub Actions run nor a GitLab pipeline", hint=hint)]
    )


def read_ci_runs(path: Path) -> list[CiRunRow]:
    """The runs of one export; every bad run is reported, and none is kept if one is bad."""
    document = read_json(path, WHAT)
    if not document.is_array:
        hint = "save the output of `gh run list --json …` or the pipelines API response as is"
        raise InputError.single(path, f"expected {WHAT}, found a single value", hint=hint)
    if not document.items:
        return []
    shape = _shape(path, document.items[0])
    rows: list[CiRunRow] = []
    problems: list[Problem] = []
    for item in document.items:
        if not isinstance(item.value, dict):
            problems.append(item.problem(path, "expected a JSON object (one CI run)"))
            continue
        try:
            run = shape.model_validate(item.value)
        except ValidationError as exc:
            problems.extend(validation_problems(path, item, exc))
            continue
        rows.append(from_github(run) if isinstance(run, GitHubRun) else from_gitlab(run))
    if problems:
        raise InputError(problems)
    return rows


def _event(row: CiRunRow, team: str, source: str) -> dict[str, Any]:
    return {**row.model_dump(), "team": team, "source": source}


@collector("ci_runs")
def collect_ci_runs(sources: TeamSources) -> Collected:
    runs: list[CiRunRow] = []
    events: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for entry in sources.entries:
        try:
            read: Sequence[CiRunRow] = read_ci_runs(sources.base / entry)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        runs.extend(read)
        events.extend(_event(r, sources.team, entry) for r in read)
    if problems:
        raise InputError(problems)
    evidence = CiRuns(files=list(sources.entries), runs=runs)
    findings = [spec.finding(evidence, "ci_runs") for spec in registered_checks("ci_runs").values()]
    return Collected(findings=findings, events={"ci_runs": events})

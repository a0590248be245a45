"""CI run exports: what `gh run list --json ...` gives for motor pricing (GitHub Actions:
ci on every push and pull request, train by dispatch, schedule or drift, deploy after train)
and what GitLab's pipelines API gives for claims triage (tests on merge requests and main)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from mlmaturity.demo.git import Commit
from mlmaturity.demo.plan import Quarter, TeamPlan
from mlmaturity.demo.timeline import Adopted, QuarterTimeline, on


def _z(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class CiExports:
    """Run ids grow from one quarter's export to the next, as a CI's do."""

    def __init__(self) -> None:
        self.ci_id = 17_900_000_000

    def quarter(
        self,
        team: TeamPlan,
        quarter: Quarter,
        adopted: Adopted,
        timeline: QuarterTimeline,
        commits: list[Commit],
        rng: random.Random,
    ) -> list[dict[str, Any]]:
        """The export made at the end of ``quarter``: the runs of its last 90 days."""
        if "ci" not in adopted:
            return []
        recent = [c for c in commits if c.at.date() >= quarter.start and on(adopted, "ci", c.at)]
        runs: list[dict[str, Any]] = []
        if team.style == "automated":
            for commit in recent:
                for event, branch in (("pull_request", "feature/work"), ("push", "main")):
                    self.ci_id += rng.randint(500, 4000)
                    ok = rng.random() > (0.15 if event == "pull_request" else 0.04)
                    start = commit.at + timedelta(minutes=3)
                    runs.append(_gh(self.ci_id, "ci", event, branch, commit.sha, start, 9, ok))
            for run in timeline.runs:
                if run.ci_run is None:
                    continue
                event = {"scheduled": "schedule", "drift": "repository_dispatch"}.get(
                    run.trigger or "", "workflow_dispatch"
                )
                runs.append(
                    _gh(run.ci_run, "train", event, "main", run.commit or "", run.started, 62, True)
                )
                release = run.release
                if release is not None and release.deployed is not None and release.automated:
                    self.ci_id += rng.randint(10, 99)
                    start = release.deployed - timedelta(minutes=30)
                    sha = run.commit or ""
                    runs.append(
                        _gh(self.ci_id, "deploy", "workflow_run", "main", sha, start, 31, True)
                    )
        else:
            for commit in recent:
                for source in ("merge_request_event", "push"):
                    self.ci_id += rng.randint(100, 900)
                    ok = rng.random() > (0.2 if source == "push" else 0.3)
                    created = commit.at + timedelta(minutes=2 if source == "push" else -90)
                    runs.append(
                        _gitlab(self.ci_id, source, commit.sha, created, ok, team.repository)
                    )
        runs.sort(key=lambda r: str(r.get("createdAt") or r.get("created_at")), reverse=True)
        return runs


def _gh(
    run_id: int, workflow: str, event: str, branch: str, sha: str, created: datetime,
    minutes: int, ok: bool,
) -> dict[str, Any]:  # fmt: skip
    """A run as `gh run list --json ...` gives it (a GitHub Actions run of motor-pricing)."""
    return {
        "conclusion": "success" if ok else "failure",
        "createdAt": _z(created),
        "databaseId": run_id,
        "event": event,
        "headBranch": branch,
        "headSha": sha,
        "name": workflow,
        "startedAt": _z(created + timedelta(seconds=12)),
        "status": "completed",
        "updatedAt": _z(created + timedelta(minutes=minutes)),
        "url": f"https://github.com/northwind/motor-pricing/actions/runs/{run_id}",
        "workflowName": workflow,
    }


def _gitlab(
    run_id: int, source: str, sha: str, created: datetime, ok: bool, project: str
) -> dict[str, Any]:
    return {
        "id": run_id,
        "project_id": 2207,
        "sha": sha,
        "ref": "main" if source == "push" else "feature/severity",
        "status": "success" if ok else "failed",
        "source": source,
        "created_at": _z(created),
        "updated_at": _z(created + timedelta(minutes=6)),
        "web_url": f"https://gitlab.northwind.example/analytics/{project}/-/pipelines/{run_id}",
        "name": None,
        "started_at": _z(created + timedelta(seconds=20)),
        "finished_at": _z(created + timedelta(minutes=6)),
    }

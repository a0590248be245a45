"""The repository collector: scan each listed repository, run every repository check on it."""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from mlmaturity.errors import InputError, Problem
from mlmaturity.evidence.annotate import annotate
from mlmaturity.evidence.collectors import Collected, TeamSources, collector
from mlmaturity.evidence.finding import Finding
from mlmaturity.evidence.registry import registered_checks
from mlmaturity.evidence.repo.annotations import ANNOTATIONS_FILE, load_annotations
from mlmaturity.evidence.repo.listing import Skipped, start_listing
from mlmaturity.evidence.repo.scan import plan_for, scan_repository


@dataclass
class RepositoryResult:
    """What scanning one repository produced; plain data, so it crosses process boundaries."""

    subject: str
    findings: list[Finding]
    skipped: list[Skipped]
    notes: list[str] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)
    root: str = ""
    """The repository folder, absolute."""
    activity: str | None = None
    """Commit activity of the last 90 days, when the repository has git history."""


def assess_repository(
    root: Path,
    subject: str,
    *,
    history: bool = True,
    workers: int = 1,
    now: datetime | None = None,
) -> RepositoryResult:
    """Scan one repository (on ``workers`` processes) and run every repository check on it;
    its history is read for the 90 days before ``now`` (default: the present)."""
    pending = start_listing(root)  # git lists the files while the checks load
    checks = registered_checks("repos")
    plan = plan_for(list(checks.values()), [ANNOTATIONS_FILE])
    snapshot = scan_repository(
        root, subject, plan, history=history, workers=workers, pending=pending, now=now
    )
    annotations, problem = load_annotations(
        snapshot.text(ANNOTATIONS_FILE), f"{subject}/{ANNOTATIONS_FILE}"
    )
    findings = [annotate(spec.finding(snapshot, subject), annotations) for spec in checks.values()]
    notes = [f"{problem} (annotations ignored)"] if problem else []
    notes += [
        f"{subject}/{ANNOTATIONS_FILE}: annotation for unknown check '{a.check}' ignored"
        for a in annotations
        if a.check not in checks
    ]
    changes, activity = [], None
    recent = snapshot.history
    if recent is not None:
        changes = [
            {"sha": c.sha, "at": c.at, "author": c.author, "repository": subject}
            for c in recent.changes
        ]
        commits = f"{recent.commits} commit{'' if recent.commits == 1 else 's'}"
        people = f"{recent.contributors} contributor{'' if recent.contributors == 1 else 's'}"
        activity = f"{commits} by {people} in the last {recent.window_days} days"
        if (root / ".git" / "shallow").exists():
            activity += " (a shallow clone: older history is missing)"
    readme = [p for p in snapshot.named("README.md", "README.rst", "README") if "/" not in p]
    anchor = next(iter(readme), snapshot.files[0] if snapshot.files else None)
    findings = [f if f.locations else f.model_copy(update={"anchor": anchor}) for f in findings]
    return RepositoryResult(
        subject, findings, snapshot.skipped, notes, changes, str(root.resolve()), activity
    )


def resolve_repositories(sources: TeamSources) -> list[tuple[Path, str]]:
    """Each listed repository folder; a missing one is bad input naming the workspace file."""
    found, problems = [], []
    for entry in sources.entries:
        path = (sources.base / entry).resolve()
        if not path.is_dir():
            problems.append(
                Problem(
                    sources.file,
                    f"repository folder not found: {entry}",
                    key=f"teams[{sources.team}].sources.repos",
                    hint="paths are relative to the workspace file",
                )
            )
        found.append((path, entry))
    if problems:
        raise InputError(problems)
    return found


def scan_many(
    repositories: list[tuple[Path, str]], *, history: bool = True, now: datetime | None = None
) -> list[RepositoryResult]:
    """Scan repositories in parallel, one process each, on all cores (history up to ``now``)."""
    cores = os.cpu_count() or 1
    if len(repositories) <= 1:
        return [
            assess_repository(root, subject, history=history, workers=cores, now=now)
            for root, subject in repositories
        ]
    workers = min(len(repositories), cores)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [
            pool.submit(assess_repository, root, subject, history=history, now=now)
            for root, subject in repositories
        ]
        return [f.result() for f in futures]


def collect_repositories_of(teams: Sequence[TeamSources]) -> list[Collected]:
    """Several teams' repositories, scanned together (a repository two teams list, once)."""
    listed, problems = [], []
    for sources in teams:
        try:
            listed.append(resolve_repositories(sources))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    unique = list(dict.fromkeys(repo for repositories in listed for repo in repositories))
    now = next((s.settings.get("now") for s in teams), None)  # one collection, one time
    scanned = dict(zip(unique, scan_many(unique, now=now), strict=True))
    gathered = []
    for sources, repositories in zip(teams, listed, strict=True):
        collected = Collected()
        for repo in repositories:
            result = scanned[repo]
            collected.findings.extend(result.findings)
            collected.notes.extend(result.notes)
            if result.activity:
                collected.notes.append(f"{result.subject}: {result.activity}")
            collected.events.setdefault("changes", []).extend(
                {**change, "team": sources.team, "source": result.subject}
                for change in result.changes
            )
        gathered.append(collected)
    return gathered


@collector("repos", batch=collect_repositories_of)
def collect_repositories(sources: TeamSources) -> Collected:
    return collect_repositories_of([sources])[0]

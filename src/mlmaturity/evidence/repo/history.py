"""Git history evidence: recent activity, contributors, and commits as ``changes`` events."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from mlmaturity.evidence.repo.listing import run_git

WINDOW_DAYS = 90
MAX_COMMITS = 100_000


@dataclass(frozen=True, slots=True)
class Change:
    """A commit, for lead-time KPIs: when it was made and by whom."""

    sha: str
    at: datetime
    author: str


@dataclass(frozen=True, slots=True)
class History:
    commits: int
    contributors: int
    window_days: int
    changes: list[Change]


def read_history(root: Path, now: datetime | None = None) -> History | None:
    """Commits of the 90 days before ``now`` (default: the present) on the current branch;
    None when git cannot tell. With ``now`` given, later commits are left out too."""
    since = (now or datetime.now(UTC)) - timedelta(days=WINDOW_DAYS)
    until = [f"--until={now.isoformat()}"] if now is not None else []
    try:
        out = run_git(
            root,
            # The repository's own .mailmap merges a person's addresses; a mailmap file its
            # configuration names could lie outside it, so that setting is overridden.
            "-c",
            f"mailmap.file={os.devnull}",
            "-c",
            "mailmap.blob=",
            "log",
            f"--since={since.isoformat()}",
            *until,
            f"--max-count={MAX_COMMITS}",
            "--no-show-signature",
            "--format=%H%x1f%at%x1f%aE",
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
        return None
    changes = []
    for line in out.decode("utf-8", "replace").splitlines():
        sha, _, rest = line.partition("\x1f")
        stamp, _, author = rest.partition("\x1f")
        if sha and stamp.isdigit():
            changes.append(Change(sha, datetime.fromtimestamp(int(stamp), UTC), author))
    return History(len(changes), len({c.author for c in changes}), WINDOW_DAYS, changes)

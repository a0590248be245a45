"""Git repositories made with git: files written, commits dated and authored as planned.

Commits are made with a clean environment (no user or system configuration, no hooks), with
the author and committer and their dates given, so the same plan gives the same commits.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from mlmaturity.demo.plan import Person

Files = dict[str, str | bytes]


@dataclass(frozen=True)
class Commit:
    sha: str
    at: datetime
    author: str
    """The author's e-mail address."""
    message: str


class Repository:
    """A git repository the demo writes, one commit at a time."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: Files = {}
        self.commits: list[Commit] = []

    def _git(self, *args: str, env: dict[str, str] | None = None) -> str:
        clean = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.root),  # no user configuration is read
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "LC_ALL": "C",
            "TZ": "UTC",
            **(env or {}),
        }
        done = subprocess.run(
            ["git", "-C", str(self.root), "-c", "core.hooksPath=/dev/null", *args],
            check=True,
            capture_output=True,
            env=clean,
        )
        return done.stdout.decode()

    def init(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self._git("init", "-q", "-b", "main")

    def commit(self, files: Files, message: str, author: Person, at: datetime) -> Commit | None:
        """Make the working tree hold exactly ``files`` and commit it; None if nothing changed."""
        for path in sorted(set(self.files) - set(files)):
            (self.root / path).unlink()
        changed = [p for p, content in files.items() if self.files.get(p) != content]
        for path in changed:
            target = self.root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            content = files[path]
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        if not changed and set(files) == set(self.files):
            return None
        self.files = dict(files)
        stamp = at.strftime("%Y-%m-%dT%H:%M:%S+0000")
        who = {
            "GIT_AUTHOR_NAME": author.name,
            "GIT_AUTHOR_EMAIL": author.email,
            "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_NAME": author.name,
            "GIT_COMMITTER_EMAIL": author.email,
            "GIT_COMMITTER_DATE": stamp,
        }
        self._git("add", "-A")
        self._git("commit", "-q", "--no-gpg-sign", "-m", message, env=who)
        sha = self._git("rev-parse", "HEAD").strip()
        made = Commit(sha, at, author.email, message)
        self.commits.append(made)
        return made

    def log(self) -> list[str]:
        """The subjects of the commits, newest first (as git itself lists them)."""
        return self._git("log", "--format=%s").splitlines()

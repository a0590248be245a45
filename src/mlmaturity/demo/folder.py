"""The demo's folder: what may be built where, and a rebuild that loses nothing by surprise.

A finished demo leaves a marker, ``.mlmaturity-demo``, with a manifest of what it wrote: the
SHA-256 of each file under its entries (``OWN_ENTRIES``), the refs of each git repository
and the ids of the history entries it recorded. So a rebuild knows what is not the demo's:
a file added or changed, a commit or uncommitted change in a repository, an assessment
recorded since. (The event store, ``.mlmaturity/events/``, is not checked: every `assess`
rewrites it from the sources, so it is derived data, not anyone's work.) It replaces such a
folder only with ``--force``, after saying exactly what would be lost, with a hint that fits
each kind of loss. A folder that is not a previous demo is never emptied: ``--force`` builds
beside its files only when it holds none of the demo's entries (so a real workspace's
``mlmaturity.yaml`` and ``.mlmaturity/`` history are never touched).

The build happens at the folder's final path (the MLflow stores, the recorded history and
the reports name their absolute paths). A previous demo's entries are first moved aside,
each by an atomic rename, into ``.mlmaturity-demo-previous/`` inside the folder, and deleted
only once the new demo is complete; if the build fails or is interrupted they are moved
back. If the process is killed, the next `mlmaturity demo` finds them there and puts them
back first.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from mlmaturity.errors import InputError, Problem
from mlmaturity.events.store import STORE_FOLDER

MARKER = ".mlmaturity-demo"
"""The file that makes a folder a previous demo, which `mlmaturity demo` may rebuild."""
BACKUP = ".mlmaturity-demo-previous"
"""Where a rebuild keeps the previous demo's entries until the new one is complete."""
OWN_ENTRIES = (
    "mlmaturity.yaml",
    "repos",
    "mlflow",
    "events",
    "answers",
    "reports",
    ".mlmaturity",
)
"""What the demo writes in its folder (besides its marker), and all a rebuild replaces."""
HISTORY = (".mlmaturity", "history.db")
"""The history store, checked by its entries rather than its bytes."""
EVENTS = STORE_FOLDER.parts
"""The event store, not checked at all: every `assess` rewrites it (collected, derived data)."""
MANIFEST_VERSION = 1
SHOWN = 20
"""At most this many lost files are named one by one."""
MORE = "more files like these"

Kind = Literal["new", "empty", "demo", "beside"]
LossKind = Literal["history", "file", "repository"]
HINTS: dict[LossKind, tuple[str, str]] = {
    "history": (
        "a rebuild cannot keep it: pass --force to replace it, or build the demo in another folder",
        "a rebuild cannot keep them: pass --force to replace them, or build the demo in another "
        "folder",
    ),
    "file": (
        "move it out of the folder first, or pass --force to replace it",
        "move them out of the folder first, or pass --force to replace them",
    ),
    "repository": (
        "copy or push your work elsewhere first, or pass --force to replace it",
        "copy or push your work elsewhere first, or pass --force to replace them",
    ),
}
"""How to keep each kind of loss (one of them, several), said once after the last of them."""


@dataclass
class Manifest:
    """What a finished demo wrote (the marker's content)."""

    tool_version: str
    seed: int
    as_of: str
    complete: bool = False
    """False while a build is under way (an interrupted build leaves it so)."""
    files: dict[str, str] = field(default_factory=dict)
    """Path relative to the folder → SHA-256 of every file under the entries (repositories,
    the history store and the event store aside)."""
    repos: dict[str, dict[str, str]] = field(default_factory=dict)
    """Each repository (relative path) → its refs (name → commit)."""
    history: list[int] = field(default_factory=list)
    """The ids of the history entries the demo recorded."""
    version: int = MANIFEST_VERSION

    def write(self, root: Path) -> None:
        from mlmaturity.atomic import write_bytes_atomic

        text = json.dumps(asdict(self), indent=1, sort_keys=True) + "\n"
        write_bytes_atomic(root / MARKER, text.encode())

    @classmethod
    def read(cls, root: Path) -> Manifest | None:
        """The folder's manifest; None for a marker without one (an earlier mlmaturity's)."""
        try:
            document = json.loads((root / MARKER).read_text())
            if document.get("version") != MANIFEST_VERSION:
                return None
            fields = {k: document[k] for k in cls.__dataclass_fields__ if k in document}
            return cls(**fields)
        except (OSError, ValueError, TypeError):
            return None


@dataclass(frozen=True)
class Target:
    root: Path
    kind: Kind
    """new: no folder yet; empty; demo: a previous demo (or an interrupted build), whose
    entries are replaced; beside: a folder of yours the demo builds beside (--force)."""
    losses: list[Problem] = field(default_factory=list)
    """What replacing the previous demo loses (only with --force)."""


def _git(repository: Path, *args: str) -> str:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(repository),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "LC_ALL": "C",
    }
    done = subprocess.run(
        ["git", "-C", str(repository), *args], capture_output=True, env=env, check=False
    )
    return done.stdout.decode(errors="replace") if done.returncode == 0 else "\0"


def repository_refs(repository: Path) -> dict[str, str]:
    """A repository's refs (name → commit) and its HEAD."""
    listed = _git(repository, "for-each-ref", "--format=%(refname) %(objectname)")
    refs = dict(line.split(" ", 1) for line in listed.splitlines() if " " in line)
    refs["HEAD"] = _git(repository, "rev-parse", "HEAD").strip()
    return refs


def _digest(path: Path) -> str:
    if path.is_symlink():
        return f"link:{path.readlink()}"
    hasher = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            hasher.update(block)
    return hasher.hexdigest()


def _is_history(relative: tuple[str, ...]) -> bool:
    """The history store and SQLite's files beside it (journal, WAL)."""
    return len(relative) == 2 and relative[0] == HISTORY[0] and relative[1].startswith(HISTORY[1])


def _is_events(relative: tuple[str, ...]) -> bool:
    """The event store's folder and all under it."""
    return relative[: len(EVENTS)] == EVENTS


def file_digests(root: Path) -> dict[str, str]:
    """SHA-256 of every file under the demo's entries, but the repositories, the history
    store and the event store."""
    found: dict[str, str] = {}
    for name in OWN_ENTRIES:
        top = root / name
        if name == "repos" or not (top.exists() or top.is_symlink()):
            continue
        if top.is_symlink() or not top.is_dir():
            found[name] = _digest(top)
            continue
        for folder, folders, files in os.walk(top):
            here = Path(folder)
            if _is_events(here.relative_to(root).parts):
                folders.clear()
                continue
            for entry in sorted(files) + [f for f in folders if (here / f).is_symlink()]:
                path = here / entry
                relative = path.relative_to(root)
                if not _is_history(relative.parts) and not _is_events(relative.parts):
                    found[relative.as_posix()] = _digest(path)
    return found


def repositories(root: Path) -> dict[str, dict[str, str]]:
    """Each repository under ``repos/`` and its refs."""
    folder = root / "repos"
    if not folder.is_dir() or folder.is_symlink():
        return {}
    return {
        f"repos/{p.name}": repository_refs(p)
        for p in sorted(folder.iterdir())
        if p.is_dir() and not p.is_symlink()
    }


def history_ids(root: Path) -> list[tuple[int, str]]:
    """The entries of the folder's history store: (id, how to name it)."""
    from mlmaturity.store import HistoryStore

    path = root.joinpath(*HISTORY)
    if not path.is_file():
        return []
    with HistoryStore.at(f"sqlite:///{path.resolve()}") as store:
        return [
            (
                e.id,
                f"assessment #{e.id} of {e.generated_at:%Y-%m-%d %H:%M} UTC"
                + (f" (milestone '{e.milestone}')" if e.milestone else ""),
            )
            for e in store.entries()
        ]


def losses(root: Path, manifest: Manifest) -> list[Problem]:
    """What replacing the demo in ``root`` would lose: what it did not write."""
    return [problem for _, problem in _losses(root, manifest)]


def _losses(root: Path, manifest: Manifest) -> list[tuple[LossKind, Problem]]:
    """What replacing the demo would lose, each with its kind: history entries, files (the
    last line may count the files beyond ``SHOWN``), repositories; in that order."""
    from mlmaturity.store import StoreError

    found: list[tuple[LossKind, Problem]] = []
    history = root.joinpath(*HISTORY)
    try:
        for entry_id, name in history_ids(root):
            if entry_id not in manifest.history:
                found.append(
                    ("history", Problem(str(history), f"{name}, not recorded by the demo"))
                )
    except (StoreError, InputError) as exc:
        unread = Problem(str(history), f"cannot be read, so may hold your assessments: {exc}")
        found.append(("history", unread))
    files = file_digests(root)
    changed = [
        Problem(
            str(root / path),
            "a file the demo did not write"
            if path not in manifest.files
            else "changed since the demo wrote it",
        )
        for path, digest in sorted(files.items())
        if manifest.files.get(path) != digest
    ]
    found += [("file", problem) for problem in changed[:SHOWN]]
    if len(changed) > SHOWN:
        more = Problem(str(root), f"and {len(changed) - SHOWN} {MORE}")
        found.append(("file", more))
    repos_folder = root / "repos"
    if repos_folder.is_dir() and not repos_folder.is_symlink():
        for path in sorted(repos_folder.iterdir()):
            relative = f"repos/{path.name}"
            if relative not in manifest.repos:
                found.append(("file", Problem(str(path), "a folder the demo did not write")))
                continue
            if repository_refs(path) != manifest.repos[relative]:
                made = Problem(str(path), "has commits, branches or tags the demo did not make")
                found.append(("repository", made))
            status = _git(
                path, "--no-optional-locks", "status", "--porcelain", "--untracked-files=all"
            )  # without refreshing the index: looking changes nothing
            if status.strip():
                found.append(
                    ("repository", Problem(str(path), "has changes that are not committed"))
                )
    elif repos_folder.exists() or repos_folder.is_symlink():
        other = Problem(str(repos_folder), "not the folder of repositories the demo wrote")
        found.append(("file", other))
    return found


def refusal(found: list[tuple[LossKind, Problem]]) -> list[Problem]:
    """What a rebuild refused without --force reports: one problem a loss (so the count the
    CLI prints is the count of losses), each saying a rebuild would lose it, and on the last
    of each kind the hint that fits that kind."""
    order: tuple[LossKind, ...] = ("history", "file", "repository")
    found = sorted(found, key=lambda loss: order.index(loss[0]))  # each kind together
    said: list[Problem] = []
    for index, (kind, problem) in enumerate(found):
        last = index == len(found) - 1 or found[index + 1][0] != kind
        several = sum(1 for k, _ in found if k == kind) > 1
        it = "them" if problem.message.endswith(MORE) else "it"
        said.append(
            Problem(
                problem.file,
                f"{problem.message}; rebuilding the demo would lose {it}",
                hint=HINTS[kind][several] if last else "",
            )
        )
    return said


def _present(root: Path) -> list[str]:
    return [n for n in (*OWN_ENTRIES, MARKER) if (root / n).exists() or (root / n).is_symlink()]


def check_target(root: Path, *, force: bool) -> Target:
    """Where the demo may be built, or bad input saying why not (nothing is written)."""
    if root.exists() and not root.is_dir():
        raise InputError.single(root, "is a file, not a folder", hint="give a folder for the demo")
    if not root.exists():
        return Target(root, "new")
    if not any(root.iterdir()):
        return Target(root, "empty")
    if (root / MARKER).is_file() or (root / MARKER).is_symlink():
        return _previous_demo(root, force=force)
    if not force:
        raise InputError.single(
            root,
            "is not empty and holds no previous demo: nothing of yours is overwritten",
            hint="give a new or empty folder, or pass --force to build beside your files "
            "(never replacing any)",
        )
    clashes = [n for n in OWN_ENTRIES if (root / n).exists() or (root / n).is_symlink()]
    if clashes:
        raise InputError.single(
            root,
            f"holds {', '.join(clashes)}, which the demo did not write (it is not a previous "
            "demo): even with --force the demo replaces only its own previous output, never "
            "a workspace or its history",
            hint="give a new or empty folder for the demo",
        )
    return Target(root, "beside")


def _previous_demo(root: Path, *, force: bool) -> Target:
    manifest = Manifest.read(root)
    if manifest is None:
        found = [
            Problem(
                str(root / MARKER),
                "was written by an earlier mlmaturity, which kept no record of what the demo "
                "wrote: your files cannot be told from its own",
            )
        ]
    elif not manifest.complete:
        return Target(root, "demo")  # an interrupted build: everything in its entries is its own
    else:
        kinded = _losses(root, manifest)
        if kinded and not force:
            raise InputError(refusal(kinded))  # as many problems as losses, no other line
        return Target(root, "demo", [problem for _, problem in kinded])
    if not force:
        hint = "pass --force to replace the previous demo, or build the demo in another folder"
        raise InputError([Problem(found[0].file, found[0].message, hint=hint)])
    return Target(root, "demo", found)


def _remove(path: Path, attempts: int = 20) -> None:
    """Delete ``path``; a symbolic link is unlinked, never followed. A folder is tried again
    for a moment: after Ctrl-C a git the build started may still be writing in it."""
    for attempt in range(attempts):
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            elif path.exists() or path.is_symlink():
                path.unlink()
            return
        except OSError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.1)


def _put_back(target: Target) -> None:
    """Undo a build that did not finish: its entries go, the previous demo's come back."""
    root, backup = target.root, target.root / BACKUP
    for name in _present(root):
        _remove(root / name)
    if target.kind == "demo":
        for path in backup.iterdir():
            path.rename(root / path.name)
        backup.rmdir()
    elif target.kind == "new":
        shutil.rmtree(root, ignore_errors=True)


def recover(root: Path) -> str | None:
    """Put back a previous demo that an interrupted rebuild set aside; what was done."""
    backup = root / BACKUP
    if not backup.is_dir() or backup.is_symlink():
        return None
    current = Manifest.read(root) if (root / MARKER).is_file() else None
    if current is not None and current.complete:
        _remove(backup)  # the rebuild finished, only the deletion was cut short
        return f"deleted {backup}, left by a rebuild that was interrupted once it was complete"
    if current is not None:  # a partial build holds the entries' names
        for name in _present(root):
            _remove(root / name)
    clashes = [p.name for p in backup.iterdir() if (root / p.name).exists()]
    if clashes:
        raise InputError.single(
            backup,
            f"holds a previous demo set aside by an interrupted rebuild, and {', '.join(clashes)} "
            "is in both places",
            hint=f"keep what you want of {backup} and delete the rest",
        )
    for path in backup.iterdir():
        path.rename(root / path.name)
    backup.rmdir()
    return f"put back the previous demo that an interrupted rebuild had set aside in {backup}"


@contextmanager
def building(target: Target, started: Manifest) -> Iterator[Any]:
    """Make the target ready, run the build in the ``with`` block, and keep the previous demo
    until it is done: on success it is deleted, on any failure (Ctrl-C too) the build's
    entries are removed and the previous ones put back."""
    root, backup = target.root, target.root / BACKUP
    if target.kind == "new":
        root.mkdir(parents=True)
    if target.kind == "demo":
        backup.mkdir()
        for name in (MARKER, *OWN_ENTRIES):  # the marker first: the backup says what it is
            if (root / name).exists() or (root / name).is_symlink():
                (root / name).rename(backup / name)
    started.write(root)
    try:
        yield
    except BaseException:
        try:
            _put_back(target)
        except OSError as exc:
            where = backup if target.kind == "demo" else root
            raise InputError.single(
                where,
                f"the build stopped, and undoing it failed: {exc.strerror}: {exc.filename}",
                hint=f"run `mlmaturity demo {root}` again: it puts the previous demo back first"
                if target.kind == "demo"
                else "delete what the demo wrote there",
            ) from exc
        raise
    if target.kind == "demo":
        _remove(backup)

"""Which files a repository holds: tracked files only, never through a symlink.

A git repository is listed with ``git ls-files`` (tracked files; what .gitignore hides is not
there). A folder that is not a git repository — or whose ``.git`` is a file pointing
elsewhere, which we do not follow — is walked with its .gitignore files applied. Symlinks and
submodules are skipped, and so is anything whose real location is outside the root.
"""

from __future__ import annotations

import os
import stat
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pathspec

GIT_TIMEOUT_SECONDS = 60
LS_FILES = ("ls-files", "-z", "--stage", "--full-name")
"""Each record: mode, object, stage, a tab, the path, NUL. Regular files' modes start with 100."""
SYMLINK = "symlink, not followed"
SPECIAL_ENTRIES = {"120000": SYMLINK, "160000": "submodule, not scanned"}
LINE_BREAK = "file name contains a line break, not scanned"
MAX_FILES = 500_000
# Settings that keep git from running anything a repository's own config asks for.
SAFE_GIT = ("git", "--no-pager", "-c", "core.fsmonitor=false", "-c", "safe.directory=*")
SAFE_GIT_ENV = {
    "GIT_OPTIONAL_LOCKS": "0",
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}


@dataclass(frozen=True, slots=True)
class Skipped:
    path: str
    reason: str
    unread: bool = False
    """Its content is there but was not read (too large, the budget, a read error)."""


@dataclass(frozen=True, slots=True)
class Listing:
    files: list[str]
    skipped: list[Skipped]
    is_git: bool


def git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    return {**env, **SAFE_GIT_ENV, "HOME": env.get("HOME", "/nonexistent")}


def run_git(root: Path, *args: str, timeout: float = GIT_TIMEOUT_SECONDS) -> bytes:
    """Run a read-only git command in ``root``; raises CalledProcessError or TimeoutExpired."""
    return subprocess.run(
        [*SAFE_GIT, "-C", str(root), *args],
        capture_output=True,
        check=True,
        timeout=timeout,
        env=git_env(),
    ).stdout


def _reaches_outside(dot_git: Path) -> bool:
    """Whether git would read files outside the repository: config includes, alternates, commondir."""
    if (dot_git / "commondir").exists() or (dot_git / "objects" / "info" / "alternates").exists():
        return True
    config = dot_git / "config"
    try:
        if config.is_symlink() or config.stat().st_size > 1_000_000:
            return True
        text = config.read_text("utf-8", "replace")
    except FileNotFoundError:
        return False
    except OSError:
        return True
    return any(
        line.strip().lower().startswith(("[include", "[includeif")) for line in text.splitlines()
    )


def is_git_repository(root: Path) -> bool:
    """Only a real ``.git`` folder counts: a ``.git`` file may point outside the repository.

    Its HEAD and index must be regular files too (a FIFO there would make git wait forever), and
    its configuration must not make git read other files (includes, alternates): such a
    repository is walked as a folder instead.
    """
    dot_git = root / ".git"
    if not dot_git.is_dir() or dot_git.is_symlink():
        return False
    if _reaches_outside(dot_git):
        return False
    for name in ("HEAD", "index"):
        try:
            mode = (dot_git / name).lstat().st_mode
        except FileNotFoundError:
            continue  # a repository with no commit has no index yet
        except OSError:
            return False
        if not stat.S_ISREG(mode):
            return False
    return True


def _git_listing(root: Path) -> Listing:
    return _parse_git_listing(run_git(root, *LS_FILES))


def _parse_git_listing(output: bytes) -> Listing:
    # Split once and filter with comprehensions: this runs for every tracked file, and a regex
    # match or a loop body per entry costs four times as much on 50,000 files.
    text = os.fsdecode(output)
    entries = text.split("\0")
    files = [e[e.index("\t") + 1 :] for e in entries if e.startswith("100")]  # regular files
    skipped = []
    if len(files) < len(entries) - 1:  # the last entry is the empty one after the final NUL
        skipped = [
            Skipped(e.partition("\t")[2], SPECIAL_ENTRIES.get(e[:6], "not a regular file"))
            for e in entries
            if e and not e.startswith("100")
        ]
    if "\n" in text:  # rare, so the files are not all looked at for it
        skipped += [Skipped(p, LINE_BREAK) for p in files if "\n" in p]
        files = [p for p in files if "\n" not in p]
    # A file in conflict is listed once per stage; git lists in path order already, so the
    # sort (kept for names that are not UTF-8) finds its input ordered and costs little.
    files = sorted(dict.fromkeys(files))
    skipped += [
        Skipped(p, f"beyond the first {MAX_FILES} files, not scanned") for p in files[MAX_FILES:]
    ]
    return Listing(files[:MAX_FILES], skipped, is_git=True)


def _ignore_spec(folder: Path) -> pathspec.GitIgnoreSpec | None:
    ignore = folder / ".gitignore"
    try:
        if ignore.is_symlink() or not ignore.is_file() or ignore.stat().st_size > 1_000_000:
            return None
        return pathspec.GitIgnoreSpec.from_lines(ignore.read_text("utf-8", "replace").splitlines())
    except OSError:
        return None


def _walk_listing(root: Path) -> Listing:
    files: list[str] = []
    skipped: list[Skipped] = []
    specs: list[tuple[str, pathspec.GitIgnoreSpec]] = []  # (folder prefix, its .gitignore)

    def ignored(relative: str, is_dir: bool) -> bool:
        candidate = relative + "/" if is_dir else relative
        return any(
            spec.match_file(candidate[len(prefix) :])
            for prefix, spec in specs
            if candidate.startswith(prefix)
        )

    stack = [(root, "")]
    while stack and len(files) < MAX_FILES:
        folder, prefix = stack.pop()
        spec = _ignore_spec(folder)
        if spec is not None:
            specs.append((prefix, spec))
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            skipped.append(Skipped(prefix or ".", f"cannot be listed: {exc.strerror}"))
            continue
        for entry in entries:
            relative = prefix + entry.name
            if entry.name == ".git":
                continue
            try:
                mode = entry.stat(follow_symlinks=False).st_mode
            except OSError:
                continue  # gone while we looked
            if stat.S_ISLNK(mode):
                skipped.append(Skipped(relative, SYMLINK))
            elif stat.S_ISDIR(mode):
                if not ignored(relative, is_dir=True):
                    stack.append((Path(entry.path), relative + "/"))
            elif stat.S_ISREG(mode):
                if "\n" in relative:
                    skipped.append(Skipped(relative, LINE_BREAK))
                elif not ignored(relative, is_dir=False):
                    files.append(relative)
            else:
                skipped.append(Skipped(relative, "not a regular file"))
    return Listing(sorted(files), skipped, is_git=False)


def list_files(root: Path) -> Listing:
    """The repository's files, relative to ``root`` with ``/`` separators, sorted."""
    return start_listing(root)()


def start_listing(root: Path) -> Callable[[], Listing]:
    """Start listing ``root``; calling the result waits for the listing.

    git runs in the background meanwhile (the caller loads its checks), writing to a temporary
    file rather than a pipe, which it would fill and then wait on.
    """
    if not is_git_repository(root):
        return lambda: _walk_listing(root)
    output = tempfile.TemporaryFile()  # noqa: SIM115 (closed by finish, which outlives this call)
    try:
        git = subprocess.Popen(
            [*SAFE_GIT, "-C", str(root), *LS_FILES],
            stdout=output,
            stderr=subprocess.DEVNULL,
            env=git_env(),
        )
    except OSError:
        output.close()
        return lambda: _walk_listing(root)

    def finish() -> Listing:
        with output:
            try:
                code = git.wait(timeout=GIT_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                git.kill()
                git.wait()
                code = -1
            if code != 0:
                return _walk_listing(root)  # not a usable repository: walk it instead
            output.seek(0)
            return _parse_git_listing(output.read())

    return finish

"""Bounded, symlink-proof reads inside one repository root.

Every read opens the last path component with O_NOFOLLOW and checks, once per folder, that the
folder's real location is inside the root, so a symlink planted anywhere on the way cannot make
us open a file outside the repository. Reads stop at a per-file cap and a total budget.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
BINARY_PROBE = 8192
_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


class ReadRefused(Exception):
    """The file was not read; the message says why (shown as a skipped file)."""


@dataclass
class BoundedReader:
    root: Path
    max_file_bytes: int = MAX_FILE_BYTES
    budget: int = MAX_TOTAL_BYTES
    spent: int = 0
    _safe_folders: dict[str, bool] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.root = Path(os.path.realpath(self.root))
        self._prefix = str(self.root) + os.sep  # plain strings: this runs once per file

    def _folder_is_inside(self, relative_folder: str) -> bool:
        known = self._safe_folders.get(relative_folder)
        if known is None:
            real = os.path.realpath(self._prefix + relative_folder)
            known = real == str(self.root) or real.startswith(self._prefix)
            self._safe_folders[relative_folder] = known
        return known

    def read(self, relative: str, limit: int | None = None, cap: int | None = None) -> bytes:
        """A regular file inside the root: whole if within ``cap`` (default: the per-file cap),
        or only its first ``limit`` bytes when a limit is given."""
        if relative.startswith("/") or "/../" in f"/{relative}/":
            raise ReadRefused("path leaves the repository")
        folder = relative.rpartition("/")[0]
        if not self._folder_is_inside(folder):
            raise ReadRefused("its folder is a link to outside the repository")
        cap = (cap or self.max_file_bytes) if limit is None else limit
        try:
            fd = os.open(self._prefix + relative, _FLAGS)
        except OSError as exc:
            reason = "a symlink" if exc.errno == errno.ELOOP else exc.strerror or "cannot be opened"
            raise ReadRefused(reason) from None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise ReadRefused("not a regular file")
            if limit is None and info.st_size > cap:
                raise ReadRefused(f"larger than {cap // 1024} KiB")
            if self.spent + min(info.st_size, cap) > self.budget:
                raise ReadRefused("total read budget used up")
            # One read returns a regular file whole; loop only if it comes back short.
            data = os.read(fd, min(info.st_size, cap) + 1) if info.st_size else b""
            if len(data) < min(info.st_size, cap):
                data += _read_all(fd, cap - len(data))
            data = data[:cap]
        finally:
            os.close(fd)
        self.spent += len(data)
        return data


def _read_all(fd: int, cap: int) -> bytes:
    chunks, left = [], cap
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def is_binary(data: bytes) -> bool:
    """Git's rule of thumb: a NUL byte near the start means binary."""
    return b"\0" in data[:BINARY_PROBE]

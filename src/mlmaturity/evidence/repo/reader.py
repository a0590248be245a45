"""Bounded, symlink-proof reads inside one repository root.

Every folder is opened one component at a time from the root with O_NOFOLLOW, and every file
is opened relative to its folder's descriptor with O_NOFOLLOW: a symlink planted anywhere on
the way (or swapped in while we read) makes the open fail instead of leading outside the
repository. Reads stop at a per-file cap and a total budget.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from types import TracebackType

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
BINARY_PROBE = 8192
"""Git's rule of thumb: a NUL byte in the first 8 KiB means binary."""
MAX_OPEN_FOLDERS = 64
"""Folder descriptors kept open; the listing is sorted, so recent folders are the ones reused."""
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_FILE_FLAGS = os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0)
_FOLDER_FLAGS = os.O_RDONLY | _NOFOLLOW | getattr(os, "O_DIRECTORY", 0)


class ReadRefused(Exception):
    """The file was not read; the message says why (shown as a skipped file).

    ``unread``: its content is there but was not read (too large, budget, a read error), so a
    check that must see every file cannot be sure; links and non-files are not content.
    """

    def __init__(self, reason: str, *, unread: bool = False) -> None:
        super().__init__(reason)
        self.unread = unread


class BoundedReader:
    """Reads files of one repository; use it as a context manager so descriptors get closed."""

    def __init__(
        self, root: Path, max_file_bytes: int = MAX_FILE_BYTES, budget: int = MAX_TOTAL_BYTES
    ) -> None:
        self.max_file_bytes = max_file_bytes
        self.budget = budget
        self.spent = 0
        self._root_fd = os.open(root, _FOLDER_FLAGS)
        self._folders: dict[str, int | str] = {}
        """Open descriptors by folder path, or why the folder cannot be opened."""

    def __enter__(self) -> BoundedReader:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._forget_folders()
        os.close(self._root_fd)

    def _forget_folders(self) -> None:
        for fd in self._folders.values():
            if isinstance(fd, int):
                os.close(fd)
        self._folders.clear()

    def _folder(self, folder: str) -> int | str:
        """The descriptor of ``folder`` (relative to the root), opened without following links,
        or the reason it cannot be opened."""
        if not folder:
            return self._root_fd
        fd = self._folders.get(folder)
        if fd is None:
            if len(self._folders) >= MAX_OPEN_FOLDERS:
                self._forget_folders()
            parent, _, name = folder.rpartition("/")
            fd = self._folder(parent)
            if isinstance(fd, int):
                try:
                    fd = os.open(name, _FOLDER_FLAGS, dir_fd=fd)
                except OSError as exc:
                    link = exc.errno in (errno.ELOOP, errno.ENOTDIR)
                    fd = (
                        "its folder is a link, not followed"
                        if link
                        else f"its folder: {exc.strerror}"
                    )
            self._folders[folder] = fd
        return fd

    def read(self, relative: str, limit: int | None = None, cap: int | None = None) -> bytes:
        """A regular file inside the root: whole if within ``cap`` (default: the per-file cap),
        or only its first ``limit`` bytes when a limit is given."""
        if relative.startswith("/") or (".." in relative and "/../" in f"/{relative}/"):
            raise ReadRefused("path leaves the repository")
        slash = relative.rfind("/")
        folder_fd = self._root_fd
        if slash != -1:
            # Folders repeat from file to file: the cache is looked at here, without a call.
            folder = self._folders.get(relative[:slash]) or self._folder(relative[:slash])
            if isinstance(folder, str):
                raise ReadRefused(folder)
            folder_fd = folder
        cap = (cap or self.max_file_bytes) if limit is None else limit
        try:
            fd = os.open(relative[slash + 1 :], _FILE_FLAGS, dir_fd=folder_fd)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise ReadRefused("a symlink") from None
            raise ReadRefused(exc.strerror or "cannot be opened", unread=True) from None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise ReadRefused("not a regular file")
            size = info.st_size
            if limit is None and size > cap:
                raise ReadRefused(f"larger than {cap // 1024} KiB", unread=True)
            wanted = size if size < cap else cap
            if self.spent + wanted > self.budget:
                raise ReadRefused("total read budget used up", unread=True)
            # One read returns a regular file whole; loop only if it comes back short.
            data = os.read(fd, wanted + 1) if size else b""
            if len(data) < wanted:
                data += _read_all(fd, cap - len(data))
            if len(data) > cap:
                data = data[:cap]
        except OSError as exc:
            raise ReadRefused(exc.strerror or "cannot be read", unread=True) from None
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

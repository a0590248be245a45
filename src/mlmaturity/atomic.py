"""Atomic file writes: a reader sees the old file or the new one, never half of either.

Outputs (``--output``) are checked before any work, and a character device or a FIFO is
written directly: only a regular file can be replaced atomically.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


def new_file_mode() -> int:
    """The mode ``open`` would give a new file under the current umask (mkstemp gives 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_text_atomic(path: Path, text: str) -> None:
    """Write UTF-8 text atomically (see ``write_bytes_atomic``)."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside the target, flush it to disk, then rename it over.

    A symlink is written through (its target is replaced); anything but a regular file
    (a device, a folder) is refused, and an existing file keeps its permissions.
    """
    target = Path(os.path.realpath(path))
    try:
        info = target.stat()
    except FileNotFoundError:
        mode = new_file_mode()
    else:
        if not stat.S_ISREG(info.st_mode):
            raise IsADirectoryError(21, "not a regular file", str(path))
        mode = stat.S_IMODE(info.st_mode)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).chmod(mode)
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _kind(path: Path) -> int:
    """The mode of what ``path`` names (symlinks followed), 0 when nothing is there."""
    try:
        return path.stat().st_mode
    except FileNotFoundError:
        return 0


def output_problem(path: Path) -> str | None:
    """Why ``path`` cannot be written as an output (None: it can), checked before the work:
    an existing or new regular file in a writable folder, a character device (``/dev/null``,
    ``/dev/stdout``) or a FIFO."""
    try:
        mode = _kind(path)
    except OSError as exc:
        return f"cannot be written: {exc.strerror}"
    if stat.S_ISDIR(mode):
        return "cannot be written: it is a folder"
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        return None if os.access(path, os.W_OK) else "cannot be written: permission denied"
    if mode and not stat.S_ISREG(mode):
        return "cannot be written: not a regular file, a character device or a FIFO"
    folder = Path(os.path.realpath(path)).parent  # where the temporary file goes
    if not folder.is_dir():
        return f"cannot be written: its folder {path.parent} does not exist"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"cannot be written: its folder {path.parent} is not writable"
    return None


def write_output(path: Path, data: bytes) -> None:
    """Write ``data`` to a regular file atomically (``write_bytes_atomic``), or straight to a
    character device or a FIFO, which cannot be replaced (a FIFO waits for its reader)."""
    mode = _kind(path)
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        with path.open("wb") as handle:
            handle.write(data)
        return
    write_bytes_atomic(path, data)

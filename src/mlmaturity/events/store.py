"""The event store: one Parquet file per table under the workspace's ``.mlmaturity/events/``.

A collection replaces the tables together: the store folder is locked (``flock``) while it
runs, every table's new file is written in full beside the old one before any is renamed over
it, and a failure before the renames leaves the previous store intact. Readers take a shared
lock, so a KPI run never sees half of a collection.
"""

from __future__ import annotations

import fcntl
import os
import stat
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from mlmaturity.atomic import new_file_mode
from mlmaturity.errors import InputError
from mlmaturity.events import tables as event_tables

if TYPE_CHECKING:  # pyarrow is imported where it is used: listing the checks never needs it
    import pyarrow as pa

STORE_FOLDER = Path(".mlmaturity") / "events"
LOCK_TIMEOUT_SECONDS = 300.0
_ROW = "__row"


class EventStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def for_workspace(cls, workspace_root: Path) -> EventStore:
        return cls(workspace_root / STORE_FOLDER)

    def path(self, table: str) -> Path:
        return self.root / f"{table}.parquet"

    def exists(self, table: str) -> bool:
        return self.path(table).exists()

    def read(self, table: str) -> pa.Table | None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        path = self.path(table)
        if not path.exists():
            return None
        try:
            return pq.read_table(path, schema=event_tables.TABLES[table].schema)
        except (OSError, pa.ArrowException) as exc:
            hint = "delete it and run `mlmaturity collect` again"
            raise InputError.single(
                path, f"the event store file cannot be read: {exc}", hint=hint
            ) from None

    @contextmanager
    def locked(self, *, exclusive: bool) -> Iterator[None]:
        """Hold the store's lock: exclusive to write, shared to read (no store: no lock)."""
        if exclusive:
            self.root.mkdir(parents=True, exist_ok=True)
        elif not self.root.is_dir():
            yield
            return
        fd = os.open(self.root, os.O_RDONLY)
        try:
            _flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH, self.root)
            yield
        finally:
            os.close(fd)  # releases the lock

    def write(self, table: str, rows: pa.Table) -> int:
        """Replace one table by ``rows``; returns the number of rows stored."""
        with self.locked(exclusive=True):
            return self.replace({table: rows})[table]

    def replace(self, tables: Mapping[str, pa.Table | None]) -> dict[str, int]:
        """Replace each table by its rows (deduplicated on its key) or delete it (None).

        The caller holds the exclusive lock. Rows stored per table are returned.
        """
        for table in tables:
            target = self.path(table)
            if target.exists() and not target.is_file():
                raise IsADirectoryError(21, "not a regular file", str(target))
        self.root.mkdir(parents=True, exist_ok=True)
        written: dict[str, Path] = {}
        counts: dict[str, int] = {}
        try:
            for table, rows in sorted(tables.items()):
                if rows is None:
                    continue
                spec = event_tables.TABLES[table]
                order = (spec.time_column, *spec.key)
                deduplicated = deduplicate(_conform(table, rows), spec.key, order)
                written[table] = self._temporary(table, deduplicated)
                counts[table] = deduplicated.num_rows
            for table, temporary in written.items():
                temporary.replace(self.path(table))
        finally:
            for temporary in written.values():
                temporary.unlink(missing_ok=True)
        for table, rows in tables.items():
            if rows is None:
                self.path(table).unlink(missing_ok=True)
        _sync_folder(self.root)
        return counts

    def _temporary(self, table: str, rows: pa.Table) -> Path:
        """``rows`` in a new file beside the table's, flushed to disk, with the table's mode."""
        import pyarrow.parquet as pq

        target = self.path(table)
        mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else new_file_mode()
        fd, name = tempfile.mkstemp(prefix=f".{table}.", suffix=".parquet", dir=self.root)
        temporary = Path(name)
        try:
            with os.fdopen(fd, "wb") as handle:
                pq.write_table(rows, handle)
                handle.flush()
                os.fsync(handle.fileno())
            temporary.chmod(mode)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        return temporary


def _conform(table: str, rows: pa.Table) -> pa.Table:
    schema = event_tables.TABLES[table].schema
    return rows.select(schema.names).cast(schema)


def deduplicate(rows: pa.Table, key: tuple[str, ...], order: tuple[str, ...]) -> pa.Table:
    """One row per key: the last in input order (file order) wins; sorted by ``order``."""
    import pyarrow as pa

    numbered = rows.append_column(_ROW, pa.array(range(rows.num_rows), pa.int64()))
    last = numbered.group_by(list(key), use_threads=False).aggregate([(_ROW, "max")])
    kept = rows.take(last[f"{_ROW}_max"]).combine_chunks()
    return kept.sort_by([(c, "ascending") for c in dict.fromkeys(order)])


def _flock(fd: int, operation: int, folder: Path) -> None:
    """Wait for the lock, but not forever: a stuck collection is named, not waited on."""
    deadline = time.monotonic() + LOCK_TIMEOUT_SECONDS
    while True:
        try:
            fcntl.flock(fd, operation | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise InputError.single(
                    folder,
                    f"the event store is still locked after {LOCK_TIMEOUT_SECONDS:.0f} s",
                    hint="another `mlmaturity collect` or `assess` is running on this workspace",
                ) from None
            time.sleep(0.1)


def _sync_folder(folder: Path) -> None:
    """Make the renames durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

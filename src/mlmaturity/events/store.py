"""The event store: one Parquet file per table under the workspace's ``.mlmaturity/events/``.

Writes merge new rows with the stored ones on the table's natural key (the newest wins), so
collecting twice never duplicates a fact, and replace the file atomically: a failed write
leaves the previous file intact.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from mlmaturity.errors import InputError
from mlmaturity.events.tables import TABLES

STORE_FOLDER = Path(".mlmaturity") / "events"


class EventStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def for_workspace(cls, workspace_root: Path) -> EventStore:
        return cls(workspace_root / STORE_FOLDER)

    def path(self, table: str) -> Path:
        return self.root / f"{table}.parquet"

    def read(self, table: str) -> pa.Table | None:
        path = self.path(table)
        if not path.exists():
            return None
        try:
            return pq.read_table(path, schema=TABLES[table].schema)
        except (OSError, pa.ArrowException) as exc:
            hint = "delete it and run `mlmaturity collect` again"
            raise InputError.single(
                path, f"the event store file cannot be read: {exc}", hint=hint
            ) from None

    def write(self, table: str, rows: pa.Table) -> int:
        """Merge ``rows`` into ``table``; returns the number of rows stored afterwards."""
        spec = TABLES[table]
        rows = rows.select(spec.schema.names).cast(spec.schema)
        stored = self.read(table)
        merged = rows if stored is None else _merge(stored, rows, spec.key)
        self.root.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{table}.", suffix=".parquet", dir=self.root)
        os.close(fd)
        try:
            pq.write_table(merged, tmp)
            Path(tmp).replace(self.path(table))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return int(merged.num_rows)


def _merge(stored: pa.Table, new: pa.Table, key: tuple[str, ...]) -> pa.Table:
    """Stored rows whose key is not among the new rows, then all new rows (deduplicated)."""
    import duckdb

    con = duckdb.connect()
    con.register("stored", stored)
    con.register("new", new)
    keys = ", ".join(f'"{k}"' for k in key)
    columns = ", ".join(f'"{c}"' for c in stored.schema.names)
    query = f"""
        SELECT {columns} FROM (
            SELECT {columns}, 0 AS _newer, 0 AS _row FROM stored
            UNION ALL
            SELECT {columns}, 1 AS _newer, row_number() OVER () AS _row FROM new
        )
        QUALIFY row_number() OVER (PARTITION BY {keys} ORDER BY _newer DESC, _row DESC) = 1
        ORDER BY {keys}
    """
    merged: pa.Table = con.sql(query).to_arrow_table()
    return merged.cast(stored.schema)

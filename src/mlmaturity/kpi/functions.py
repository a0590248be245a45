"""SQL functions KPI queries need that Ibis does not offer alike on every engine.

Each is an Ibis builtin named as Spark SQL names it; sqlglot, which writes Ibis's SQL, turns
the name into the other engines' own (``unix_micros`` is DuckDB's ``epoch_us``).
"""

from __future__ import annotations

from datetime import datetime

import ibis


@ibis.udf.scalar.builtin  # type: ignore[untyped-decorator]
def unix_micros(ts: datetime) -> int:  # type: ignore[empty-body]
    """Microseconds since 1970-01-01 UTC: differences of instants, exact on every engine.

    (Ibis's epoch seconds keep the fraction on DuckDB and drop it on Spark.)
    """

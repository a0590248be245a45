"""The assessment history: SQLAlchemy tables, Alembic migrations, recording and loading.

See docs/history.md for the tables, the migrations and what is transactional.
"""

from mlmaturity.store.errors import StoreError
from mlmaturity.store.history import TREND_ASSESSMENTS, HistoryEntry, HistoryStore, check_milestone
from mlmaturity.store.record import record_assessment, record_run, workspace_digest

__all__ = [
    "TREND_ASSESSMENTS",
    "HistoryEntry",
    "HistoryStore",
    "StoreError",
    "check_milestone",
    "record_assessment",
    "record_run",
    "workspace_digest",
]

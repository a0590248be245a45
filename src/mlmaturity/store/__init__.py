"""The assessment history: SQLAlchemy tables, Alembic migrations, recording and loading.

See docs/history.md for the tables, the migrations and what is transactional.
"""

from mlmaturity.store.errors import StoreError
from mlmaturity.store.history import HistoryEntry, HistoryStore, check_milestone
from mlmaturity.store.record import record_assessment, workspace_digest

__all__ = [
    "HistoryEntry",
    "HistoryStore",
    "StoreError",
    "check_milestone",
    "record_assessment",
    "workspace_digest",
]

"""Normalized event tables (the KPI contract), their importers and the Parquet event store."""

NOT_FOR_KINDS = frozenset({"repos"})
"""No module here registers a check or collector of repository evidence (a test holds this)."""

"""Normalized event tables (the KPI contract), their importers and the Parquet event store."""

"""KPIs: registered definitions computed as queries over the event tables (Ibis on DuckDB)."""

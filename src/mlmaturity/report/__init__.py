"""Reports: every format renders the same assessment through one shared context."""

from mlmaturity.report.registry import ReportFormat, formats, render, report_format, write_report

__all__ = ["ReportFormat", "formats", "render", "report_format", "write_report"]

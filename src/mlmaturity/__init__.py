"""mlmaturity: measure MLOps maturity from evidence, name the barriers, plan the next steps."""

__version__ = "0.1.0"

"""Evidence: findings, the check registry and the collectors that read sources."""

from mlmaturity.evidence.finding import Effort, Finding, Location, Outcome

__all__ = ["Effort", "Finding", "Location", "Outcome"]

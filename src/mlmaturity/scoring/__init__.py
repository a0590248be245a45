"""Scoring: findings + answers + model → assessment, by the rules in docs/scoring.md."""

from mlmaturity.scoring.organization import score_organization
from mlmaturity.scoring.result import SCHEMA_VERSION, Assessment, Status, TeamAssessment
from mlmaturity.scoring.team import score_team

__all__ = [
    "SCHEMA_VERSION",
    "Assessment",
    "Status",
    "TeamAssessment",
    "score_organization",
    "score_team",
]

"""What changed between two assessments: stages, scores, levels, criteria, barriers, KPIs.

``diff_assessments(old, new)`` is pure (``compare``); the changes are pydantic models
(``changes``). Rendering them is ``mlmaturity.report.diff``'s.
"""

from mlmaturity.diff.changes import (
    DIFF_SCHEMA_VERSION,
    AssessmentDiff,
    BarrierChange,
    ConflictChange,
    CriterionFlip,
    Decision,
    KpiChange,
    LevelChange,
    ScoreChange,
    Side,
    StageChange,
)
from mlmaturity.diff.compare import diff_assessments

__all__ = [
    "DIFF_SCHEMA_VERSION",
    "AssessmentDiff",
    "BarrierChange",
    "ConflictChange",
    "CriterionFlip",
    "Decision",
    "KpiChange",
    "LevelChange",
    "ScoreChange",
    "Side",
    "StageChange",
    "diff_assessments",
]

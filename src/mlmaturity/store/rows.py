"""One assessment as rows of the history's tables (pure: no database here)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from mlmaturity.scoring.result import (
    Assessment,
    BarrierResult,
    DimensionResult,
    KpiResult,
    TeamAssessment,
)
from mlmaturity.survey.answers import Answer

Row = dict[str, Any]


def utc(moment: datetime) -> datetime:
    """``moment`` in UTC without its zone, to the second, as the tables hold it (naive is UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0)


def generated_at(assessment: Assessment) -> datetime:
    return utc(datetime.fromisoformat(assessment.generated_at))


def assessment_row(
    assessment: Assessment, digest: str, milestone: str | None, recorded_at: datetime
) -> Row:
    return {
        "generated_at": generated_at(assessment),
        "recorded_at": utc(recorded_at),
        "milestone": milestone,
        "organization": assessment.organization.name,
        "organization_stage": assessment.organization.stage,
        "target_stage": assessment.target_stage,
        "model_id": assessment.model.id,
        "model_name": assessment.model.name,
        "model_version": assessment.model.version,
        "model_source": assessment.model.source,
        "tool_version": assessment.tool_version,
        "workspace": assessment.workspace,
        "workspace_digest": digest,
        "schema_version": assessment.schema_version,
        "document": assessment.model_dump_json(),
    }


def _dimensions(team: str | None, dimensions: Sequence[DimensionResult]) -> list[Row]:
    return [
        {
            "team": team,
            "dimension": d.id,
            "name": d.name,
            "score": d.score,
            "level": d.level,
            "decided": d.decided,
            "inconclusive": d.inconclusive,
        }
        for d in dimensions
    ]


def _barriers(team: str | None, barriers: Sequence[BarrierResult]) -> list[Row]:
    return [
        {"team": team, "barrier": b.id, "name": b.name, "severity": b.severity} for b in barriers
    ]


def _kpis(team: str | None, kpis: Sequence[KpiResult]) -> list[Row]:
    return [
        {
            "team": team,
            "kpi": k.id,
            "name": k.name,
            "period": date.fromisoformat(k.period),
            "value": k.value,
            "unit": k.unit,
            "band": k.band,
            "note": k.note,
        }
        for k in kpis
    ]


def _team_rows(position: int, team: TeamAssessment) -> dict[str, list[Row]]:
    return {
        "team_results": [
            {
                "position": position,
                "team": team.id,
                "name": team.name,
                "stage": team.stage,
                "next_stage": team.next_stage,
                "confidence": team.confidence,
                "criteria_decided": team.criteria_decided,
                "criteria_total": team.criteria_total,
                "respondents": team.respondents,
            }
        ],
        "dimension_scores": _dimensions(team.id, team.dimensions),
        "capability_levels": [
            {
                "team": team.id,
                "capability": c.id,
                "dimension": c.dimension,
                "name": c.name,
                "level": c.level,
                "at_least": c.at_least,
                "inconclusive": c.inconclusive,
            }
            for c in team.capabilities
        ],
        "criteria": [
            {
                "team": team.id,
                "criterion": k.id,
                "capability": k.capability,
                "level": k.level,
                "status": k.status.value,
                "decided_by": k.decided_by,
                "evidence": k.evidence.value if k.evidence else None,
                "survey": k.survey.value if k.survey else None,
                "conflict": k.conflict,
            }
            for c in team.capabilities
            for k in c.criteria
        ],
        "barriers": _barriers(team.id, team.barriers),
        "findings": [
            {
                "team": team.id,
                "check_id": f.check,
                "subject": f.subject,
                "outcome": f.outcome.value,
                "detail": f.detail,
                "locations": json.dumps([loc.model_dump() for loc in f.locations]),
                "annotation": f.annotation,
                "original_outcome": f.original_outcome.value if f.original_outcome else None,
            }
            for f in team.findings
        ],
        "kpi_values": _kpis(team.id, team.kpis),
    }


def child_rows(assessment: Assessment, answers: Sequence[Answer]) -> dict[str, list[Row]]:
    """Rows per child table (without ``assessment_id``), teams in workspace order."""
    org = assessment.organization
    rows: dict[str, list[Row]] = {
        "dimension_scores": _dimensions(None, org.dimensions),
        "barriers": _barriers(None, org.barriers),
        "kpi_values": _kpis(None, org.kpis),
        "answers": [
            {
                "team": a.team,
                "respondent": a.respondent,
                "role": a.role,
                "question": a.question,
                "value": a.choice,
                "level": a.level,
                "comment": a.comment,
                "file": a.file,
            }
            for a in answers
        ],
    }
    for position, team in enumerate(assessment.teams):
        for table, team_rows in _team_rows(position, team).items():
            rows.setdefault(table, []).extend(team_rows)
    return rows

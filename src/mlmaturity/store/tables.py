"""The history's tables: one row per assessment with its whole document, and normalized rows
a person can query with SQL (team results, dimension scores, capability levels, criteria,
barriers, findings, answers and KPI values).

This is the schema at the newest migration; ``migrations/versions/`` builds it step by step,
and a test checks that the two agree on every supported database. ``team`` is null in the
organization's rows.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.dialects import mysql
from sqlalchemy.schema import SchemaItem

VERSION_TABLE = "mlmaturity_alembic_version"
"""Alembic's bookkeeping table, named so that it never meets MLflow's ``alembic_version`` in a
database both use."""

LongText = Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")
"""Text without MySQL's 64 KiB ``TEXT`` limit (an assessment document can be megabytes)."""

MYSQL: dict[str, Any] = {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_bin"}
"""On MySQL/MariaDB: any Unicode text, compared exactly (milestones 'Q3' and 'q3' differ)."""

metadata = MetaData()


def _child(name: str, *columns: SchemaItem) -> Table:
    """A table of rows belonging to one assessment, deleted with it."""
    return Table(
        name,
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column(
            "assessment_id",
            Integer,
            ForeignKey("assessments.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        *columns,
        **MYSQL,
    )


assessments = Table(
    "assessments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("generated_at", DateTime, nullable=False, comment="UTC"),
    Column("recorded_at", DateTime, nullable=False, comment="UTC"),
    Column("milestone", String(200)),
    Column("organization", Text, nullable=False),
    Column("organization_stage", Integer),
    Column("target_stage", Integer),
    Column("model_id", String(200), nullable=False),
    Column("model_name", Text, nullable=False),
    Column("model_version", String(100), nullable=False),
    Column("model_source", Text, nullable=False),
    Column("tool_version", String(100), nullable=False),
    Column("workspace", Text, nullable=False),
    Column("workspace_digest", String(64), nullable=False),
    Column("schema_version", Integer, nullable=False),
    Column("document", LongText, nullable=False, comment="The assessment as JSON"),
    Index("uq_assessments_milestone", "milestone", unique=True),
    Index("ix_assessments_generated_at", "generated_at", "id"),
    **MYSQL,
)

team_results = _child(
    "team_results",
    Column("position", Integer, nullable=False, comment="The team's place in the workspace"),
    Column("team", String(80), nullable=False),
    Column("name", Text, nullable=False),
    Column("stage", Integer),
    Column("next_stage", Integer, nullable=False),
    Column("confidence", Double),
    Column("criteria_decided", Integer, nullable=False),
    Column("criteria_total", Integer, nullable=False),
    Column("respondents", Integer, nullable=False),
)

dimension_scores = _child(
    "dimension_scores",
    Column("team", String(80)),
    Column("dimension", String(200), nullable=False),
    Column("name", Text, nullable=False),
    Column("score", Double),
    Column("level", Integer),
    Column("decided", Integer, nullable=False),
    Column("inconclusive", Integer, nullable=False),
)

capability_levels = _child(
    "capability_levels",
    Column("team", String(80), nullable=False),
    Column("capability", String(200), nullable=False),
    Column("dimension", String(200), nullable=False),
    Column("name", Text, nullable=False),
    Column("level", Integer, comment="null when inconclusive"),
    Column("at_least", Integer, nullable=False),
    Column("inconclusive", Boolean, nullable=False),
)

criteria = _child(
    "criteria",
    Column("team", String(80), nullable=False),
    Column("criterion", String(200), nullable=False),
    Column("capability", String(200), nullable=False),
    Column("level", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("decided_by", String(20)),
    Column("evidence", String(20)),
    Column("survey", String(20)),
    Column("conflict", Boolean, nullable=False),
    Index("ix_criteria_trend", "criterion", "team"),
)

barriers = _child(
    "barriers",
    Column("team", String(80)),
    Column("barrier", String(200), nullable=False),
    Column("name", Text, nullable=False),
    Column("severity", Double),
)

findings = _child(
    "findings",
    Column("team", String(80), nullable=False),
    Column("check_id", String(200), nullable=False),
    Column("subject", LongText, nullable=False),
    Column("outcome", String(20), nullable=False),
    Column("detail", LongText, nullable=False),
    Column("locations", LongText, nullable=False, comment="JSON list of {path, line, snippet}"),
    Column("annotation", LongText),
    Column("original_outcome", String(20)),
)

answers = _child(
    "answers",
    Column("team", String(80), nullable=False),
    Column("respondent", String(120), nullable=False),
    Column("role", String(40), nullable=False),
    Column("question", String(200), nullable=False),
    Column("value", String(200), nullable=False, comment="The choice's id"),
    Column("level", Integer, nullable=False),
    Column("comment", LongText, nullable=False),
    Column("file", Text, nullable=False),
)

kpi_values = _child(
    "kpi_values",
    Column("team", String(80)),
    Column("kpi", String(200), nullable=False),
    Column("name", Text, nullable=False),
    Column("period", Date, nullable=False, comment="The period's first day"),
    Column("value", Double),
    Column("unit", String(100), nullable=False),
    Column("band", String(40)),
    Column("note", LongText, nullable=False),
    Index("ix_kpi_values_trend", "kpi", "team", "period"),
)

CHILDREN = (
    team_results,
    dimension_scores,
    capability_levels,
    criteria,
    barriers,
    findings,
    answers,
    kpi_values,
)

"""The history: assessments and their normalized rows.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

LONG_TEXT = sa.Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")
MYSQL: dict[str, Any] = {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_bin"}
CHILDREN = (
    "team_results",
    "dimension_scores",
    "capability_levels",
    "criteria",
    "barriers",
    "findings",
    "answers",
    "kpi_values",
)


def _child(name: str, *columns: sa.schema.SchemaItem) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "assessment_id",
            sa.Integer,
            sa.ForeignKey("assessments.id", ondelete="CASCADE"),
            nullable=False,
        ),
        *columns,
        **MYSQL,
    )
    op.create_index(f"ix_{name}_assessment_id", name, ["assessment_id"])


def upgrade() -> None:
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("generated_at", sa.DateTime, nullable=False, comment="UTC"),
        sa.Column("recorded_at", sa.DateTime, nullable=False, comment="UTC"),
        sa.Column("milestone", sa.String(200)),
        sa.Column("organization", sa.Text, nullable=False),
        sa.Column("organization_stage", sa.Integer),
        sa.Column("target_stage", sa.Integer),
        sa.Column("model_id", sa.String(200), nullable=False),
        sa.Column("model_name", sa.Text, nullable=False),
        sa.Column("model_version", sa.String(100), nullable=False),
        sa.Column("model_source", sa.Text, nullable=False),
        sa.Column("tool_version", sa.String(100), nullable=False),
        sa.Column("workspace", sa.Text, nullable=False),
        sa.Column("workspace_digest", sa.String(64), nullable=False),
        sa.Column("schema_version", sa.Integer, nullable=False),
        sa.Column("document", LONG_TEXT, nullable=False, comment="The assessment as JSON"),
        **MYSQL,
    )
    _child(
        "team_results",
        sa.Column(
            "position", sa.Integer, nullable=False, comment="The team's place in the workspace"
        ),
        sa.Column("team", sa.String(80), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("stage", sa.Integer),
        sa.Column("next_stage", sa.Integer, nullable=False),
        sa.Column("confidence", sa.Double),
        sa.Column("criteria_decided", sa.Integer, nullable=False),
        sa.Column("criteria_total", sa.Integer, nullable=False),
        sa.Column("respondents", sa.Integer, nullable=False),
    )
    _child(
        "dimension_scores",
        sa.Column("team", sa.String(80)),
        sa.Column("dimension", sa.String(200), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("score", sa.Double),
        sa.Column("level", sa.Integer),
        sa.Column("decided", sa.Integer, nullable=False),
        sa.Column("inconclusive", sa.Integer, nullable=False),
    )
    _child(
        "capability_levels",
        sa.Column("team", sa.String(80), nullable=False),
        sa.Column("capability", sa.String(200), nullable=False),
        sa.Column("dimension", sa.String(200), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("level", sa.Integer, comment="null when inconclusive"),
        sa.Column("at_least", sa.Integer, nullable=False),
        sa.Column("inconclusive", sa.Boolean, nullable=False),
    )
    _child(
        "criteria",
        sa.Column("team", sa.String(80), nullable=False),
        sa.Column("criterion", sa.String(200), nullable=False),
        sa.Column("capability", sa.String(200), nullable=False),
        sa.Column("level", sa.Integer, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("decided_by", sa.String(20)),
        sa.Column("evidence", sa.String(20)),
        sa.Column("survey", sa.String(20)),
        sa.Column("conflict", sa.Boolean, nullable=False),
    )
    _child(
        "barriers",
        sa.Column("team", sa.String(80)),
        sa.Column("barrier", sa.String(200), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("severity", sa.Double),
    )
    _child(
        "findings",
        sa.Column("team", sa.String(80), nullable=False),
        sa.Column("check_id", sa.String(200), nullable=False),
        sa.Column("subject", LONG_TEXT, nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("detail", LONG_TEXT, nullable=False),
        sa.Column(
            "locations", LONG_TEXT, nullable=False, comment="JSON list of {path, line, snippet}"
        ),
        sa.Column("annotation", LONG_TEXT),
        sa.Column("original_outcome", sa.String(20)),
    )
    _child(
        "answers",
        sa.Column("team", sa.String(80), nullable=False),
        sa.Column("respondent", sa.String(120), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("question", sa.String(200), nullable=False),
        sa.Column("value", sa.String(200), nullable=False, comment="The choice's id"),
        sa.Column("level", sa.Integer, nullable=False),
        sa.Column("comment", LONG_TEXT, nullable=False),
        sa.Column("file", sa.Text, nullable=False),
    )
    _child(
        "kpi_values",
        sa.Column("team", sa.String(80)),
        sa.Column("kpi", sa.String(200), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("period", sa.Date, nullable=False, comment="The period's first day"),
        sa.Column("value", sa.Double),
        sa.Column("unit", sa.String(100), nullable=False),
        sa.Column("band", sa.String(40)),
        sa.Column("note", LONG_TEXT, nullable=False),
    )


def downgrade() -> None:
    for name in reversed(CHILDREN):
        op.drop_table(name)
    op.drop_table("assessments")

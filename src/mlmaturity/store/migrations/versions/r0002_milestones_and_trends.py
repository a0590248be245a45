"""Milestones unique in the database; indexes for trend queries.

Revision 0001 left a milestone's uniqueness to the code, which two processes recording the
same milestone at once could both pass. This revision makes the database refuse the second.
A history that already holds a milestone twice keeps every entry: the later ones are renamed
``<milestone> (#<id>)``.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

MAX_MILESTONE = 200


def _rename_repeated_milestones() -> None:
    connection = op.get_bind()
    table = sa.table("assessments", sa.column("id", sa.Integer), sa.column("milestone", sa.String))
    rows = connection.execute(
        sa.select(table.c.id, table.c.milestone)
        .where(table.c.milestone.is_not(None))
        .order_by(table.c.id)
    ).all()
    taken = {milestone for _, milestone in rows}
    seen: set[str] = set()
    for row_id, milestone in rows:
        if milestone not in seen:
            seen.add(milestone)
            continue
        renamed, n = "", 1
        while not renamed or renamed in taken:
            suffix = f" (#{row_id})" if n == 1 else f" (#{row_id}.{n})"
            renamed, n = milestone[: MAX_MILESTONE - len(suffix)] + suffix, n + 1
        taken.add(renamed)
        connection.execute(sa.update(table).where(table.c.id == row_id).values(milestone=renamed))


def upgrade() -> None:
    _rename_repeated_milestones()
    op.create_index("uq_assessments_milestone", "assessments", ["milestone"], unique=True)
    op.create_index("ix_assessments_generated_at", "assessments", ["generated_at", "id"])
    op.create_index("ix_criteria_trend", "criteria", ["criterion", "team"])
    op.create_index("ix_kpi_values_trend", "kpi_values", ["kpi", "team", "period"])


def downgrade() -> None:
    op.drop_index("ix_kpi_values_trend", "kpi_values")
    op.drop_index("ix_criteria_trend", "criteria")
    op.drop_index("ix_assessments_generated_at", "assessments")
    op.drop_index("uq_assessments_milestone", "assessments")

"""`mlmaturity history` output: one line per stored assessment, as a table or JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from mlmaturity.model.stages import stage_label
from mlmaturity.report.terminal import render_plain

if TYPE_CHECKING:  # the store (SQLAlchemy) is imported by the commands that read it
    from mlmaturity.store import HistoryEntry

HISTORY_SCHEMA_VERSION = 1
DIGEST_SHOWN = 12
FOOTER = (
    "Inputs: the digest of the workspace, model and answers files assessed (docs/history.md). "
    "`mlmaturity diff A B` shows what changed from entry A to entry B (an id or a milestone); "
    "without arguments, from the previous to the latest."
)


def history_text(
    entries: Sequence[HistoryEntry], store: str, *, color: bool = False, width: int = 120
) -> str:
    if not entries:
        return f"no assessments recorded yet in {store}; `mlmaturity assess` records one\n"
    teams = list(dict.fromkeys(team for e in entries for team in e.team_stages))
    table = Table(title=Text(f"History in {store}"), title_justify="left")
    for header in ("#", "Date (UTC)", "Milestone", "Model", "Inputs", "Organization"):
        table.add_column(header, justify="right" if header == "#" else "left")
    for team in teams:
        table.add_column(team)
    for e in entries:
        stages = [
            stage_label(e.team_stages[t]) if t in e.team_stages else "not assessed" for t in teams
        ]
        table.add_row(
            str(e.id),
            f"{e.generated_at:%Y-%m-%d %H:%M}",
            e.milestone or "",
            f"{e.model_id} {e.model_version}",
            e.workspace_digest[:DIGEST_SHOWN],
            stage_label(e.organization_stage),
            *stages,
        )
    parts: list[RenderableType] = [
        table,
        Text(FOOTER),
    ]
    return render_plain(parts, width=width, color=color)


def history_json(entries: Sequence[HistoryEntry], store: str) -> str:
    document = {
        "schema_version": HISTORY_SCHEMA_VERSION,
        "store": store,
        "entries": [e.model_dump(mode="json") for e in entries],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

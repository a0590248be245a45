"""The demo's workspace file: the organization, its teams and the sources each lists so far."""

from __future__ import annotations

from pathlib import Path

import yaml

from mlmaturity.demo.plan import ORGANIZATION, TARGET_STAGE, TeamPlan
from mlmaturity.workspace import SOURCE_KINDS, WORKSPACE_FILE


def write_workspace(
    root: Path,
    milestone: str,
    teams: list[TeamPlan],
    sources: dict[str, dict[str, list[str]]],
    answers: list[str],
) -> Path:
    """Write ``mlmaturity.yaml`` as the organization has it at ``milestone``."""
    document = {
        "version": 1,
        "organization": ORGANIZATION,
        "target_stage": TARGET_STAGE,
        "answers": answers,
        "teams": [
            {
                "id": team.id,
                "name": team.name,
                "sources": {k: sources[team.id][k] for k in SOURCE_KINDS if k in sources[team.id]},
            }
            for team in teams
        ],
    }
    header = (
        f"# {ORGANIZATION}: the demo organization of `mlmaturity demo`, as of {milestone}.\n"
        "# Three ML teams at different maturity; see docs/demo.md. Assess it again with:\n"
        "#   mlmaturity assess .\n"
    )
    path = root / WORKSPACE_FILE
    path.write_text(header + yaml.safe_dump(document, sort_keys=False))
    return path

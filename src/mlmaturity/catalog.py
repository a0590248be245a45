"""What mlmaturity knows about itself: schemas, the check catalogue, a model's outline."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from mlmaturity.evidence.registry import registered_checks
from mlmaturity.model import Model
from mlmaturity.model.schema import MaturityModel
from mlmaturity.model.stages import Stage
from mlmaturity.report.json_report import assessment_schema
from mlmaturity.survey.answers import AnswersFile
from mlmaturity.workspace import WorkspaceFile

_MODELS: dict[str, Any] = {
    "model": MaturityModel,
    "workspace": WorkspaceFile,
    "answers": AnswersFile,
}
SCHEMAS = (*_MODELS, "assessment")
"""Every file we read or write that has a published JSON Schema."""


def schema(name: str) -> dict[str, Any]:
    if name == "assessment":
        return assessment_schema()
    result: dict[str, Any] = _MODELS[name].model_json_schema()
    result["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    result["$id"] = f"urn:mlmaturity:schema:{name}:1"
    return result


def schema_text(name: str) -> str:
    return json.dumps(schema(name), indent=2, sort_keys=True) + "\n"


def criteria_by_check(model: Model) -> dict[str, list[str]]:
    """For each check id the model names, the criteria it decides (the model is the only map)."""
    mapping: dict[str, list[str]] = {}
    for cid, placed in model.placed_criteria.items():
        for check in placed.criterion.checks:
            mapping.setdefault(check, []).append(cid)
    return mapping


def unprovided_checks(model: Model) -> list[str]:
    """Check ids the model names that no registered check provides (the survey decides those)."""
    return sorted(model.check_ids - set(registered_checks()))


def checks_table() -> RenderableType:
    from mlmaturity.model import load_model

    model = load_model()
    deciding = criteria_by_check(model)
    checks = registered_checks()
    table = Table("Check", "Question", "Source", "Lifecycle", "Decides (default model)")
    for spec in checks.values():
        table.add_row(
            spec.id,
            spec.question,
            spec.source,
            spec.lifecycle,
            ", ".join(deciding.get(spec.id, [])) or "—",
        )
    missing = unprovided_checks(model)
    note = Text(
        f"{len(checks)} check(s) registered; {len(missing)} check id(s) named by the default model "
        "are not implemented yet, so their criteria are decided by the survey.",
        style="dim",
    )
    return Group(table, note)


def describe_validation(model: Model) -> RenderableType:
    spec = model.spec
    summary = Text.assemble(
        ("valid", "bold green"),
        f": {spec.name} ({spec.id}, model {spec.model_version}) — "
        f"{len(model.capabilities)} capabilities, "
        f"{len(model.placed_criteria)} criteria, {len(model.questions)} questions, "
        f"{len(model.check_ids)} evidence checks named",
    )
    missing = unprovided_checks(model)
    if not missing:
        return summary
    listed = Text(
        f"{len(missing)} check id(s) have no registered check yet; "
        "their criteria fall back to the survey:\n  " + ", ".join(missing),
        style="yellow",
    )
    return Group(summary, listed)


def model_outline(model: Model) -> RenderableType:
    spec = model.spec
    root = Tree(Text(f"{spec.name} ({spec.id}, model {spec.model_version})", style="bold"))
    for dimension in spec.dimensions:
        branch = root.add(Text(dimension.name, style="bold cyan"))
        for capability in (c for c in model.capabilities if c.dimension == dimension.id):
            cap = branch.add(Text.assemble((capability.name, "bold"), f"  [{capability.id}]"))
            for number in sorted(capability.levels):
                level = capability.levels[number]
                node = cap.add(
                    Text(f"{number} {Stage(number).title}: {level.summary}", style="green")
                )
                for criterion in model.criteria(capability, number):
                    how = [f"checks: {', '.join(criterion.checks)}"] if criterion.checks else []
                    how += (
                        [f"asks: {', '.join(criterion.questions)}"] if criterion.questions else []
                    )
                    node.add(
                        Text.assemble(
                            criterion.statement, (f"  [{criterion.id}; {'; '.join(how)}]", "dim")
                        )
                    )
    return root

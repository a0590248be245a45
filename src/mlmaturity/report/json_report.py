"""The JSON report: the assessment itself, versioned, with every criterion's provenance."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mlmaturity.report.registry import report_format
from mlmaturity.scoring import Assessment


@report_format("json", suffix=".json", description="Machine-readable, versioned; see docs/schema/")
def render_json(
    assessment: Assessment,
    color: bool = False,
    *,
    history: Sequence[Assessment] = (),
    milestones: Mapping[str, str] | None = None,
) -> str:
    return assessment.model_dump_json(indent=2) + "\n"


def assessment_schema() -> dict[str, Any]:
    """The JSON Schema every JSON report validates against."""
    schema = Assessment.model_json_schema(mode="serialization")
    schema["required"] = sorted({"schema_version", *schema.get("required", [])})
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "urn:mlmaturity:schema:assessment:1"
    return schema

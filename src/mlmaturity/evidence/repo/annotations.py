"""Disputes: a repository marks a finding not applicable or accepted, with a reason.

``.mlmaturity.yaml`` at the repository root::

    version: 1
    annotations:
      - check: no-pickle-artifacts
        status: accepted            # or not_applicable
        reason: the pickles under tests/fixtures are synthetic and never loaded

An annotated finding is shown with its annotation and original outcome, never hidden; it no
longer decides a criterion.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from mlmaturity.errors import InputError
from mlmaturity.evidence.finding import Finding, Outcome
from mlmaturity.yamlfile import parse_yaml, validate

ANNOTATIONS_FILE = ".mlmaturity.yaml"


class Annotation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    check: str
    status: Literal["not_applicable", "accepted"]
    reason: Annotated[str, Field(min_length=3, max_length=500)]


class AnnotationsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1]
    annotations: list[Annotation] = []


def parse_annotations(text: str, file: str) -> AnnotationsFile:
    """Parse an annotations file; raises InputError naming the file and line."""
    return validate(AnnotationsFile, parse_yaml(text, file), file)


def load_annotations(text: str | None, file: str) -> tuple[list[Annotation], str | None]:
    """The annotations, or none and the reason the file was not usable."""
    if text is None:
        return [], None
    try:
        return parse_annotations(text, file).annotations, None
    except InputError as exc:
        return [], "; ".join(str(p) for p in exc.problems)


def annotate(finding: Finding, annotations: list[Annotation]) -> Finding:
    """Apply the first annotation for the finding's check, keeping what it said before."""
    match = next((a for a in annotations if a.check == finding.check), None)
    if match is None or finding.outcome == Outcome.NOT_APPLICABLE:
        return finding
    label = "accepted" if match.status == "accepted" else "not applicable"
    return finding.model_copy(
        update={
            "outcome": Outcome.NOT_APPLICABLE,
            "original_outcome": finding.outcome,
            "annotation": f"{label}: {match.reason}",
        }
    )

"""Disputes: a repository marks a finding not applicable or accepted, with a reason.

``.mlmaturity.yaml`` at the repository root::

    version: 1
    annotations:
      - check: no-pickle-artifacts
        status: accepted            # or not_applicable
        reason: the pickles under tests/fixtures are synthetic and never loaded

An annotated finding is shown with its annotation and original outcome, never hidden; it no
longer decides a criterion. A workspace can annotate too, per team (see workspace.py).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from mlmaturity.annotation import Annotation
from mlmaturity.errors import InputError
from mlmaturity.yamlfile import parse_yaml, validate

ANNOTATIONS_FILE = ".mlmaturity.yaml"


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

"""Report formats register themselves; the CLI offers whatever is registered."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from mlmaturity.scoring import Assessment


class Renderer(Protocol):
    """``(assessment, color, history=earlier assessments, oldest first, milestones=names of
    assessments by their generated_at) -> text or bytes``."""

    def __call__(
        self,
        assessment: Assessment,
        color: bool = False,
        *,
        history: Sequence[Assessment] = (),
        milestones: Mapping[str, str] | None = None,
    ) -> str | bytes: ...


@dataclass(frozen=True)
class ReportFormat:
    name: str
    suffix: str
    description: str
    render: Renderer
    binary: bool = False
    """A binary format (PDF) is written to a file, never printed to a terminal."""


_FORMATS: dict[str, ReportFormat] = {}
R = TypeVar("R", bound=Renderer)


def report_format(
    name: str, *, suffix: str, description: str, binary: bool = False
) -> Callable[[R], R]:
    """Register a renderer under ``name``; ``binary`` ones return bytes."""

    def register(render: R) -> R:
        if name in _FORMATS:
            raise ValueError(f"report format '{name}' is registered twice")
        _FORMATS[name] = ReportFormat(name, suffix, description, render, binary)
        return render

    return register


def formats() -> dict[str, ReportFormat]:
    """Every registered format; the built-in ones are this package's modules."""
    package = importlib.import_module("mlmaturity.report")
    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"mlmaturity.report.{module.name}")
    return dict(_FORMATS)


def render(
    assessment: Assessment,
    name: str,
    *,
    color: bool = False,
    history: Sequence[Assessment] = (),
    milestones: Mapping[str, str] | None = None,
) -> str | bytes:
    """Render ``assessment`` as format ``name``; ``history`` is the workspace's earlier
    assessments, oldest first, without ``assessment`` itself (the HTML and PDF draw trends,
    the HTML, PDF and Markdown say what changed since the last); ``milestones`` names any of
    them, ``assessment`` too, by its ``generated_at`` (else they are named by date)."""
    available = formats()
    if name not in available:
        raise KeyError(f"unknown report format '{name}'; known: {', '.join(sorted(available))}")
    return available[name].render(assessment, color, history=history, milestones=milestones)


def write_report(
    assessment: Assessment,
    path: Path,
    name: str | None = None,
    *,
    history: Sequence[Assessment] = (),
    milestones: Mapping[str, str] | None = None,
) -> ReportFormat:
    """Render and write atomically; the format is ``name``, else the one of ``path``'s suffix."""
    from mlmaturity.atomic import write_bytes_atomic

    available = formats()
    if name is None:
        by_suffix = {f.suffix: f.name for f in available.values()}
        suffix = path.suffix.lower()
        if suffix not in by_suffix:
            raise KeyError(f"no report format writes '{suffix}' files")
        name = by_suffix[suffix]
    rendered = render(assessment, name, history=history, milestones=milestones)
    write_bytes_atomic(path, rendered if isinstance(rendered, bytes) else rendered.encode())
    return available[name]

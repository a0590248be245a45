"""Report formats register themselves; the CLI offers whatever is registered."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

from mlmaturity.scoring import Assessment

Renderer = Callable[[Assessment, bool], str]


@dataclass(frozen=True)
class ReportFormat:
    name: str
    suffix: str
    description: str
    render: Renderer


_FORMATS: dict[str, ReportFormat] = {}


def report_format(name: str, *, suffix: str, description: str) -> Callable[[Renderer], Renderer]:
    """Register a renderer ``(assessment, color) -> text`` under ``name``."""

    def register(render: Renderer) -> Renderer:
        if name in _FORMATS:
            raise ValueError(f"report format '{name}' is registered twice")
        _FORMATS[name] = ReportFormat(name, suffix, description, render)
        return render

    return register


def formats() -> dict[str, ReportFormat]:
    """Every registered format; the built-in ones are this package's modules."""
    package = importlib.import_module("mlmaturity.report")
    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"mlmaturity.report.{module.name}")
    return dict(_FORMATS)


def render(assessment: Assessment, name: str, *, color: bool = False) -> str:
    available = formats()
    if name not in available:
        raise KeyError(f"unknown report format '{name}'; known: {', '.join(sorted(available))}")
    return available[name].render(assessment, color)

"""The Markdown report, for pull requests and wikis."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from jinja2 import Environment, PackageLoader, StrictUndefined

from mlmaturity.report.context import build_context, template_filters
from mlmaturity.report.registry import report_format
from mlmaturity.scoring import Assessment

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#])")


def cell(value: object) -> str:
    """Text safe inside a Markdown table cell: one line, Markdown and HTML characters escaped."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("mlmaturity.report", "templates"),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # Markdown, not HTML: every interpolated string goes through `cell`.
    )
    env.filters.update(template_filters())
    env.filters.update(
        cell=cell,
        month=lambda day: str(day)[:7],
    )
    return env


@report_format("markdown", suffix=".md", description="For pull requests and wikis")
def render_markdown(
    assessment: Assessment,
    color: bool = False,
    *,
    history: Sequence[Assessment] = (),
    milestones: Mapping[str, str] | None = None,
) -> str:
    """The report as Markdown; with a ``history``, what changed since its last assessment."""
    template = _environment().get_template("report.md.j2")
    return template.render(ctx=build_context(assessment, history[-1:], milestones))

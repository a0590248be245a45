"""Rendering Rich renderables to a string, the same way for every terminal output."""

from __future__ import annotations

import io
from collections.abc import Iterable

from rich.console import Console, RenderableType


def render_plain(renderables: Iterable[RenderableType], *, width: int, color: bool) -> str:
    """Render to text; names from files are shown as written, never read as markup or emoji."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        markup=False,
        emoji=False,
    )
    for renderable in renderables:
        console.print(renderable)
    return buffer.getvalue()

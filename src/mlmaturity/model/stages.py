"""The four stages every capability, dimension and team is placed on."""

from __future__ import annotations

from enum import IntEnum


class Stage(IntEnum):
    """Maturity stages; level 0 means not even stage 1's criteria hold."""

    INITIAL = 1
    REPEATABLE = 2
    AUTOMATED = 3
    OPTIMIZED = 4

    @property
    def title(self) -> str:
        return self.name.capitalize()


def stage_label(level: int | None) -> str:
    """``'2 Repeatable'`` for a level, ``'0 (below Initial)'`` for 0, 'inconclusive' for None."""
    if level is None:
        return "inconclusive"
    if level == 0:
        return "0 (below Initial)"
    return f"{level} {Stage(level).title}"

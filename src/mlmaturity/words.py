"""Counted nouns in what mlmaturity writes: "1 test file", "3 test files", never "file(s)"."""

from __future__ import annotations


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``'1 team'``, ``'3 teams'``; ``many`` for an irregular plural."""
    return f"{count} {noun if count == 1 else many or noun + 's'}"

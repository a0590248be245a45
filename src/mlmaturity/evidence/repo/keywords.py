"""Where each keyword first occurs in a file's bytes: the scan's inner search.

Hyperscan (Intel's SIMD regex engine, where its wheel exists: Linux on x86-64) reports each
keyword once, at its first occurrence, about five times faster than the Aho-Corasick DFA,
which is the portable fallback. Both give the same answer: for each keyword present, the
offset where it first starts (keywords are literals, so the first to end is the first to start).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Protocol


class KeywordSearch(Protocol):
    def first_offsets(self, data: bytes) -> dict[int, int]:
        """Keyword index -> offset of its first occurrence, for the keywords ``data`` holds."""
        ...


class AhoCorasickSearch:
    def __init__(self, keywords: Sequence[bytes]) -> None:
        from ahocorasick_rs import BytesAhoCorasick, Implementation

        # The DFA searches about 2.5x faster than the NFA.
        self.automaton = BytesAhoCorasick(list(keywords), implementation=Implementation.DFA)

    def first_offsets(self, data: bytes) -> dict[int, int]:
        first: dict[int, int] = {}
        # Overlapping, so that a keyword inside another is found too; the earliest wins.
        for index, start, _ in reversed(
            self.automaton.find_matches_as_indexes(data, overlapping=True)
        ):
            first[index] = start
        return first


class HyperscanSearch:
    def __init__(self, keywords: Sequence[bytes]) -> None:
        import hyperscan

        self.lengths = [len(k) for k in keywords]
        self.database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        self.database.compile(
            expressions=[re.escape(k) for k in keywords],
            ids=list(range(len(keywords))),
            elements=len(keywords),
            flags=[hyperscan.HS_FLAG_SINGLEMATCH] * len(keywords),
        )

    def first_offsets(self, data: bytes) -> dict[int, int]:
        first: dict[int, int] = {}
        lengths = self.lengths

        def found(index: int, _start: int, end: int, _flags: int, _context: Any) -> None:
            first[index] = end - lengths[index]

        self.database.scan(data, match_event_handler=found)
        return first


@lru_cache(maxsize=4)
def keyword_search(keywords: tuple[str, ...]) -> KeywordSearch | None:
    """The fastest search available here, built where it is used (neither one pickles)."""
    if not keywords:
        return None
    encoded = [k.encode() for k in keywords]
    try:
        return HyperscanSearch(encoded)
    except Exception:  # not installed, no wheel for this machine, or a CPU without SSSE3
        return AhoCorasickSearch(encoded)

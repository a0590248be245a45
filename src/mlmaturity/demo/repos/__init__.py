"""What each team's repository holds, given the practices it has adopted and its revision.

A revision is the number of commits made so far: routine work changes feature lists,
parameters and notebook outputs from one revision to the next.
"""

from __future__ import annotations

from collections.abc import Callable

from mlmaturity.demo.repos import claims, marketing, pricing

Files = dict[str, str | bytes]
RENDERERS: dict[str, Callable[[frozenset[str], int], Files]] = {
    "pricing": pricing.files,
    "claims": claims.files,
    "marketing": marketing.files,
}


def repository_files(team: str, practices: frozenset[str], revision: int) -> Files:
    return RENDERERS[team](practices, revision)

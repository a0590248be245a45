"""The check registry: each check registers itself with a decorator; nothing lists them by hand.

A check is a pure function from what a collector gathered to findings. Its metadata sits next
to it. The maturity model is the only place that says which criteria a check decides.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from mlmaturity.evidence.finding import Effort, Finding, Outcome, Verdict
from mlmaturity.workspace import SourceKind

Lifecycle = Literal["experimental", "stable", "deprecated"]
CheckFunction = Callable[[Any], Verdict]


@dataclass(frozen=True)
class CheckSpec:
    id: str
    question: str
    source: SourceKind
    remediation: str
    effort: Effort
    lifecycle: Lifecycle
    run: CheckFunction
    keywords: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()

    def finding(self, evidence: Any, subject: str) -> Finding:
        """Run the check on one subject; a crash becomes an ``error`` finding, never an abort."""
        try:
            verdict = self.run(evidence)
        except Exception as exc:  # one broken check must not stop the others
            verdict = Verdict(outcome=Outcome.ERROR, detail=f"{type(exc).__name__}: {exc}")
        return Finding(
            check=self.id,
            subject=subject,
            outcome=verdict.outcome,
            detail=verdict.detail,
            locations=verdict.locations,
            remediation=self.remediation if verdict.outcome == Outcome.FAIL else "",
            effort=self.effort,
        )


class DuplicateCheckError(ValueError):
    """Two checks claimed the same id: a programming error, caught at import time."""


_CHECKS: dict[str, CheckSpec] = {}


def check(
    id: str,
    *,
    question: str,
    source: SourceKind,
    remediation: str,
    effort: Effort = "medium",
    lifecycle: Lifecycle = "stable",
    keywords: Iterable[str] = (),
    reads: Iterable[str] = (),
) -> Callable[[CheckFunction], CheckFunction]:
    """Register the decorated function as the evidence check ``id``.

    ``keywords`` are literal strings the check looks for in file contents and ``reads`` are
    path globs whose text it needs; the collector gathers both for all checks in one pass.
    """

    def register(function: CheckFunction) -> CheckFunction:
        if id in _CHECKS:
            raise DuplicateCheckError(f"check id '{id}' is registered twice")
        _CHECKS[id] = CheckSpec(
            id,
            question,
            source,
            remediation,
            effort,
            lifecycle,
            function,
            tuple(keywords),
            tuple(reads),
        )
        return function

    return register


def registered_checks(source: SourceKind | None = None) -> dict[str, CheckSpec]:
    """Every registered check (of one source kind), by id, built-in ones included."""
    from mlmaturity.evidence import collectors

    collectors.load_builtin(source)
    return {k: v for k, v in sorted(_CHECKS.items()) if source is None or v.source == source}

"""The check registry: each check registers itself with a decorator; nothing lists them by hand.

A check is a pure function from what a collector gathered to findings. Its metadata sits next
to it. The maturity model is the only place that says which criteria a check decides.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from mlmaturity.evidence.finding import Effort, Finding

SourceKind = Literal[
    "repos", "mlflow", "ci_runs", "costs", "deployments", "incidents", "drift", "inference_logs"
]
SOURCE_KINDS: tuple[SourceKind, ...] = (
    "repos",
    "mlflow",
    "ci_runs",
    "costs",
    "deployments",
    "incidents",
    "drift",
    "inference_logs",
)
Lifecycle = Literal["experimental", "stable", "deprecated"]
CheckFunction = Callable[[Any], Iterable[Finding]]


@dataclass(frozen=True)
class CheckSpec:
    id: str
    question: str
    source: SourceKind
    remediation: str
    effort: Effort
    lifecycle: Lifecycle
    run: CheckFunction


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
) -> Callable[[CheckFunction], CheckFunction]:
    """Register the decorated function as the evidence check ``id``."""

    def register(function: CheckFunction) -> CheckFunction:
        if id in _CHECKS:
            raise DuplicateCheckError(f"check id '{id}' is registered twice")
        _CHECKS[id] = CheckSpec(id, question, source, remediation, effort, lifecycle, function)
        return function

    return register


def registered_checks() -> dict[str, CheckSpec]:
    """Every registered check, by id (after the collectors' modules have been imported)."""
    from mlmaturity.evidence import collectors

    collectors.load_builtin()
    return dict(sorted(_CHECKS.items()))


def unregister(id: str) -> None:
    """Remove a check (for plugins replacing a built-in one, and for tests)."""
    _CHECKS.pop(id, None)

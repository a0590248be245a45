"""Output of `mlmaturity scan`: the findings of each repository as a table or as JSON."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from mlmaturity.evidence.finding import Finding, Outcome
from mlmaturity.report.terminal import render_plain

if TYPE_CHECKING:
    from mlmaturity.evidence.repo.collector import RepositoryResult

SCAN_SCHEMA_VERSION = 1
OUTCOME_ORDER = {
    # failures first, what was not applicable last
    Outcome.FAIL: 0,
    Outcome.ERROR: 1,
    Outcome.INCONCLUSIVE: 2,
    Outcome.PASS: 3,
    Outcome.NOT_APPLICABLE: 4,
}
_STYLE = {
    Outcome.FAIL: "red",
    Outcome.ERROR: "magenta",
    Outcome.INCONCLUSIVE: "yellow",
    Outcome.PASS: "green",
    Outcome.NOT_APPLICABLE: "dim",
}
MAX_SHOWN_LOCATIONS = 3


def _where(finding: Finding) -> str:
    shown = [
        f"{loc.path}:{loc.line}" if loc.line else loc.path
        for loc in finding.locations[:MAX_SHOWN_LOCATIONS]
    ]
    more = len(finding.locations) - len(shown)
    return "\n".join(shown + ([f"… {more} more"] if more > 0 else []))


def _repository(result: RepositoryResult) -> list[RenderableType]:
    findings = sorted(result.findings, key=lambda f: (OUTCOME_ORDER[f.outcome], f.check))
    counts = {o: sum(f.outcome == o for f in findings) for o in Outcome}
    summary = ", ".join(f"{n} {o.value.replace('_', ' ')}" for o, n in counts.items() if n)
    table = Table(title=Text(f"{result.subject}: {summary}"), title_justify="left")
    table.add_column("Check", no_wrap=True)
    table.add_column("Outcome", no_wrap=True)
    table.add_column("Detail", ratio=3)
    table.add_column("Where", ratio=2)
    for f in findings:
        detail = f.detail + (f"\n[{f.annotation}]" if f.annotation else "")
        if f.outcome == Outcome.FAIL and f.remediation:
            detail += f"\n→ {f.remediation}"
        outcome = Text(f.outcome.value.replace("_", " "), style=_STYLE[f.outcome])
        table.add_row(f.check, outcome, Text(detail), Text(_where(f)))
    parts: list[RenderableType] = [table]
    if result.activity:
        parts.append(Text(result.activity, style="dim"))
    parts.extend(Text(note, style="yellow") for note in result.notes)
    if result.skipped:
        reasons = Counter(item.reason for item in result.skipped)
        listed = "; ".join(f"{n} {reason}" for reason, n in sorted(reasons.items()))
        parts.append(Text(f"skipped files: {listed}", style="dim"))
    return parts


def scan_text(results: Sequence[RepositoryResult], color: bool = False, width: int = 120) -> str:
    return render_plain([p for r in results for p in _repository(r)], width=width, color=color)


def scan_json(results: Sequence[RepositoryResult]) -> str:
    document = {
        "schema_version": SCAN_SCHEMA_VERSION,
        "repositories": [
            {
                "subject": r.subject,
                "findings": [f.model_dump(mode="json") for f in r.findings],
                "skipped": [{"path": s.path, "reason": s.reason} for s in r.skipped],
                "notes": r.notes,
                "activity": r.activity,
            }
            for r in results
        ],
    }
    return json.dumps(document, indent=2, default=str) + "\n"

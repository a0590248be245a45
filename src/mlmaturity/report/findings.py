"""Output of `mlmaturity scan`: the findings of each repository as a table or as JSON."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from mlmaturity.evidence.finding import Finding, Outcome

if TYPE_CHECKING:
    from mlmaturity.evidence.repo.collector import RepositoryResult

SCAN_SCHEMA_VERSION = 1
_ORDER = {
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


def scan_text(results: Sequence[RepositoryResult], color: bool = False, width: int = 120) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        markup=False,  # paths and details come from scanned repositories
        emoji=False,
    )
    for result in results:
        findings = sorted(result.findings, key=lambda f: (_ORDER[f.outcome], f.check))
        counts = {o: sum(f.outcome == o for f in findings) for o in Outcome}
        summary = ", ".join(f"{n} {o.value.replace('_', ' ')}" for o, n in counts.items() if n)
        table = Table(title=Text(f"{result.subject}: {summary}"), title_justify="left")
        table.add_column("Check", no_wrap=True)
        table.add_column("Outcome", no_wrap=True)
        table.add_column("Detail", ratio=3)
        table.add_column("Where", ratio=2)
        for f in findings:
            outcome = f.outcome.value.replace("_", " ")
            detail = f.detail + (f"\n[{f.annotation}]" if f.annotation else "")
            if f.outcome == Outcome.FAIL and f.remediation:
                detail += f"\n→ {f.remediation}"
            table.add_row(
                f.check, Text(outcome, style=_STYLE[f.outcome]), Text(detail), Text(_where(f))
            )
        console.print(table)
        if result.activity:
            console.print(Text(result.activity, style="dim"))
        for note in result.notes:
            console.print(Text(note, style="yellow"))
        if result.skipped:
            reasons: dict[str, int] = {}
            for item in result.skipped:
                reasons[item.reason] = reasons.get(item.reason, 0) + 1
            listed = "; ".join(f"{n} {reason}" for reason, n in sorted(reasons.items()))
            console.print(Text(f"skipped files: {listed}", style="dim"))
    return buffer.getvalue()


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
                "changes": r.changes,
            }
            for r in results
        ],
    }
    return json.dumps(document, indent=2) + "\n"

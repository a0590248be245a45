"""`mlmaturity diff` output: text (Rich tables), Markdown and JSON, from one set of sections."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from mlmaturity.diff import AssessmentDiff, Decision, KpiChange, ScoreChange, Side
from mlmaturity.model.stages import stage_label
from mlmaturity.report.context import kpi_number, mixed_metrics, percent, score_text, subject_name
from mlmaturity.report.terminal import render_plain
from mlmaturity.report.trends import PER_TEAM_KPIS
from mlmaturity.scoring.result import DimensionResult
from mlmaturity.words import plural

SHOWN_EVIDENCE = 3
"""Findings or answers quoted per side of a flipped criterion (the JSON has them all)."""
NONE = "—"
NARROW = {"Unit": 14}
"""Columns the text keeps narrow, so the KPI names beside them stay whole."""
TEAM_ROWS = "each team's own row"
"""Where the organization's mean of a KPI over different metrics sends the reader instead."""


@dataclass(frozen=True)
class Section:
    title: str
    headers: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)
    details: list[tuple[str, dict[str, list[str]]]] = field(default_factory=list)
    """Shown under the table: a heading, and lines under labels (the text report's evidence)."""


def _side(side: Side) -> str:
    when = side.generated_at[:16].replace("T", " ")
    label = f"{side.label} " if side.label else ""
    return f"{label}({when}, model {side.model_id} {side.model_version})"


def _level(level: int | None) -> str:
    return NONE if level is None else str(level)


def _arrow(before: float | None, after: float | None) -> str:
    if before is None or after is None:
        return ""
    return "↑" if after > before else "↓" if after < before else "="


def _team(team: str | None) -> str:
    return team if team is not None else "organization"


def evidence(decision: Decision | None) -> list[str]:
    """What decided a criterion on one side: its status, then a line per finding and answer."""
    if decision is None:
        return ["absent: not in this assessment's model"]
    by = f", by {decision.decided_by}" if decision.decided_by else ""
    lines = [decision.status.value + by]
    for f in decision.findings[:SHOWN_EVIDENCE]:
        where = f.locations[0] if f.locations else None
        line = f":{where.line}" if where and where.line else ""
        place = f" ({where.path}{line})" if where else ""
        detail = f": {f.detail}" if f.detail else ""
        lines.append(f"{f.check} {f.outcome.value} on {subject_name(f.subject)}{place}{detail}")
    if len(decision.findings) > SHOWN_EVIDENCE:
        lines.append(f"… {plural(len(decision.findings) - SHOWN_EVIDENCE, 'more finding')}")
    for a in decision.answers[:SHOWN_EVIDENCE]:
        consensus = NONE if a.consensus is None else str(a.consensus)
        who = f" ({', '.join(a.respondents)})" if a.respondents else ""
        lines.append(f"{a.question}: survey says {consensus}, needs {a.needed}{who}")
    if len(lines) == 1 and not by:
        lines.append("no finding or answer decided it")
    return lines


def _kpi_cell(value: float | None, band: str | None, period: str | None) -> str:
    if period is None:
        return NONE
    shown = "n/a" if value is None else kpi_number(value)
    return f"{period[:7]}: {shown}" + (f" ({band})" if band else "")


def _better() -> dict[str, str]:
    """KPI id → which way is better (``higher`` or ``lower``); business KPIs have none."""
    from mlmaturity.kpi.registry import registered_kpis

    return {kpi_id: k.better for kpi_id, k in registered_kpis().items()}


def _change(change: float | None, better: str | None) -> str:
    """``'+41.7 (worse)'``: the change, and whether it is for the better where a KPI says."""
    if change is None:
        return NONE
    if change == 0:
        return "="
    verdict = {"higher": change > 0, "lower": change < 0}.get(better or "")
    return f"{change:+.3g}" + ("" if verdict is None else " (better)" if verdict else " (worse)")


def _kpi_rows(kpis: Sequence[KpiChange]) -> tuple[list[list[str]], int, list[str]]:
    """The rows of the KPIs measured on a side, how many were measured on neither, and the
    caveats of the organization's means over different metrics."""
    rows, unmeasured, caveats = [], 0, []
    better = _better() if kpis else {}
    for k in kpis:
        if k.value_before is None and k.value_after is None:
            unmeasured += 1
            continue
        if k.team is None and k.kpi in PER_TEAM_KPIS:
            caveats.append(f"{k.name} (organization): {mixed_metrics(TEAM_ROWS)}")
        change = _change(k.change, better.get(k.kpi))
        rows.append(
            [
                _team(k.team),
                k.name,
                _kpi_cell(k.value_before, k.band_before, k.period_before),
                _kpi_cell(k.value_after, k.band_after, k.period_after),
                change,
                k.unit,
            ]
        )
    return rows, unmeasured, caveats


def sections(diff: AssessmentDiff, *, evidence_columns: bool = True) -> list[Section]:
    """The diff as titled tables, in reading order (empty ones left out, stages always in).

    The evidence of flipped criteria is in two columns, or (``evidence_columns=False``, for
    narrow terminals) in lines under the table."""
    stages = Section(
        "Stages",
        ["Team", "Name", "Before", "After", ""],
        [
            [
                _team(s.team),
                s.name,
                stage_label(s.before) if s.present != "after" else "not assessed",
                stage_label(s.after) if s.present != "before" else "not assessed",
                _arrow(s.before, s.after) if s.present == "both" else "",
            ]
            for s in diff.stages
        ],
    )
    found = [stages]
    if diff.dimensions:
        rows = [
            [
                _team(d.team),
                d.name,
                _score(d, d.before),
                _score(d, d.after),
                _arrow(d.before.score if d.before else None, d.after.score if d.after else None),
            ]
            for d in diff.dimensions
        ]
        found.append(
            Section("Dimension scores", ["Team", "Dimension", "Before", "After", ""], rows)
        )
    if diff.capabilities:
        rows = [
            [
                c.team,
                c.name,
                "absent" if c.present == "after" else stage_label(c.before).split(" ")[0],
                "absent" if c.present == "before" else stage_label(c.after).split(" ")[0],
                _arrow(c.before, c.after),
            ]
            for c in diff.capabilities
        ]
        found.append(
            Section("Capability levels", ["Team", "Capability", "Before", "After", ""], rows)
        )
    if diff.criteria:
        headers = ["Team", "Criterion", "Statement", "Before", "After"]
        rows = [
            [
                k.team,
                f"{k.criterion} (L{k.level})",
                k.statement,
                k.before.status.value if k.before else "absent",
                k.after.status.value if k.after else "absent",
            ]
            for k in diff.criteria
        ]
        details: list[tuple[str, dict[str, list[str]]]] = []
        if evidence_columns:
            headers += ["Decided by, before", "Decided by, now"]
            rows = [
                [*r, "; ".join(evidence(k.before)), "; ".join(evidence(k.after))]
                for r, k in zip(rows, diff.criteria, strict=True)
            ]
        else:
            details = [
                (
                    f"{k.team} · {k.criterion}",
                    {"before": evidence(k.before), "now": evidence(k.after)},
                )
                for k in diff.criteria
            ]
        found.append(Section("Criteria that flipped", headers, rows, details=details))
    if diff.barriers:
        rows = [
            [
                _team(b.team),
                b.name,
                b.change,
                _percent(b.severity_before),
                _percent(b.severity_after),
            ]
            for b in diff.barriers
        ]
        found.append(Section("Barriers", ["Team", "Barrier", "Change", "Before", "After"], rows))
    kpi_rows, unmeasured, caveats = _kpi_rows(diff.kpis)
    if kpi_rows:
        neither = f"{plural(unmeasured, 'KPI')} measured on neither side"
        notes = [*caveats, *[neither] * bool(unmeasured)]
        headers = ["Team", "KPI", "Before (latest)", "After (latest)", "Change", "Unit"]
        found.append(Section("KPIs", headers, kpi_rows, notes))
    if diff.conflicts:
        rows = [[c.team, c.criterion, c.change, c.message] for c in diff.conflicts]
        found.append(
            Section("Evidence-vs-survey conflicts", ["Team", "Criterion", "Change", "What"], rows)
        )
    return found


def _percent(value: float | None) -> str:
    return NONE if value is None else percent(value)


def _score(change: ScoreChange, side: DimensionResult | None) -> str:
    """As the reports show a score (``2.0 (8 capabilities)``); ``absent``: not in that model."""
    if side is None:
        return "absent"
    return score_text(side, "teams" if change.team is None else "capabilities")


def _heading(diff: AssessmentDiff) -> tuple[str, list[str]]:
    title = f"Changes from {_side(diff.old)} to {_side(diff.new)}"
    notes = list(diff.notes)
    if diff.unchanged:
        notes.append("nothing changed between them")
    return title, notes


def diff_text(diff: AssessmentDiff, *, color: bool = False, width: int = 120) -> str:
    title, notes = _heading(diff)
    parts: list[RenderableType] = [Text(title, style="bold")]
    parts += [Text(note, style="yellow") for note in notes]
    for section in sections(diff, evidence_columns=False):
        table = Table(title=Text(section.title), title_justify="left")
        for header in section.headers:
            table.add_column(header, max_width=NARROW.get(header))
        for row in section.rows:
            table.add_row(*(Text(c) for c in row))
        parts.append(Group(table, *(Text(n, style="dim") for n in section.notes)))
        for heading, labelled in section.details:
            grid = Table.grid(padding=(0, 1))
            grid.add_column(width=8, justify="right", style="dim")
            grid.add_column()
            for label, lines in labelled.items():
                for i, line in enumerate(lines):
                    grid.add_row(label if i == 0 else "", Text(line))
            parts += [Text(heading, style="bold"), grid]
    return render_plain(parts, width=width, color=color)


def diff_markdown(diff: AssessmentDiff) -> str:
    from mlmaturity.report.markdown import cell

    title, notes = _heading(diff)
    lines = [f"# {cell(title)}", ""]
    lines += [f"- {cell(note)}" for note in notes]
    for section in sections(diff):
        lines += ["", f"## {section.title}", ""]
        lines.append("| " + " | ".join(cell(h) for h in section.headers) + " |")
        lines.append("|" + "---|" * len(section.headers))
        lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in section.rows]
        if section.notes:
            lines += ["", *(f"- {cell(n)}" for n in section.notes)]
    return "\n".join([*lines, ""])


def diff_json(diff: AssessmentDiff) -> str:
    return diff.model_dump_json(indent=2) + "\n"

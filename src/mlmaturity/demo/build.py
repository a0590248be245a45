"""Build the demo organization quarter by quarter, assessing it as of the end of each one.

The quarters are the last four completed before the day the demo is built (``as_of``, today
by default): after each quarter of the world (see world.py), the organization is assessed as
of the quarter's last day and recorded with the quarter as its milestone, so an assessment
made today comes after them. At the end the reports are written. What may be built where,
and how a previous demo is replaced, is folder.py's.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from mlmaturity import __version__
from mlmaturity.demo.folder import (
    Manifest,
    building,
    check_target,
    file_digests,
    recover,
    repositories,
)
from mlmaturity.demo.plan import DEFAULT_SEED, ORGANIZATION, Quarter, quarters
from mlmaturity.demo.tracking import import_mlflow
from mlmaturity.demo.world import World
from mlmaturity.errors import InputError
from mlmaturity.scoring import Assessment

if TYPE_CHECKING:
    from mlmaturity.store import HistoryEntry

REPORTS = (("html", "report.html"), ("markdown", "report.md"), ("json", "report.json"))
EARLIEST = date(2000, 1, 1)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class QuarterSummary:
    milestone: str
    assessed_at: datetime
    commits: int
    runs: int
    organization_stage: int | None
    team_stages: dict[str, int | None]


@dataclass
class DemoResult:
    root: Path
    seed: int
    as_of: date
    plan: tuple[Quarter, ...]
    """The quarters the organization lives through."""
    quarters: list[QuarterSummary] = field(default_factory=list)
    reports: dict[str, Path] = field(default_factory=dict)
    entries: list[HistoryEntry] = field(default_factory=list)
    """What went to the workspace's history store, one entry a quarter."""
    seconds: float = 0.0
    """How long ``build_demo`` took (the process's start-up before it aside)."""


def today() -> date:
    return datetime.now(UTC).date()


def parse_as_of(text: str | None) -> date | None:
    """``--as-of`` as a day (None when not given), or bad input saying what is wrong."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError.single(
            "--as-of", f"'{text}' is not a date", hint="use YYYY-MM-DD"
        ) from None


def check_as_of(as_of: date, now: datetime | None = None) -> date:
    """The day the demo is built as of: not before 2000, and one whose last quarter is
    assessed (its last day, 17:00 UTC) by ``now``, so no assessment lies in the future; a day
    after today is fine while the quarters before it have all ended."""
    if as_of < EARLIEST:
        raise InputError.single("--as-of", f"{as_of} is before {EARLIEST}", hint="a later day")
    last = quarters(as_of)[-1]
    moment = now or datetime.now(UTC)
    if last.assessed_at > moment:
        raise InputError.single(
            "--as-of",
            f"{as_of} would have the demo assess {last.milestone} as of "
            f"{last.assessed_at:%Y-%m-%d %H:%M} UTC, which is in the future "
            f"(it is {moment:%Y-%m-%d %H:%M} UTC)",
            hint="leave it out for today, or give an earlier day",
        )
    return as_of


@contextmanager
def _terminated_as_exit() -> Iterator[None]:
    """Let SIGTERM unwind like Ctrl-C (so the previous demo is put back), in the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(number: int, _: object) -> None:
        raise SystemExit(128 + number)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def build_demo(
    root: Path,
    *,
    seed: int = DEFAULT_SEED,
    force: bool = False,
    as_of: date | None = None,
    progress: Progress = print,
) -> DemoResult:
    """Build the demo organization in ``root`` over the four quarters completed before
    ``as_of`` (today), assess it as of each quarter, write the reports."""
    started = time.perf_counter()
    day = check_as_of(as_of or today())
    import_mlflow()  # a missing client is a clear error before anything is written
    note = recover(root)
    if note:
        progress(note)
    target = check_target(root, force=force)
    for lost in target.losses:
        progress(f"replacing (--force): {lost}")
    plan = quarters(day)
    manifest = Manifest(__version__, seed, day.isoformat())
    result = DemoResult(root, seed, day, plan)
    with _terminated_as_exit(), building(target, manifest):
        progress(f"building {ORGANIZATION} in {root} (seed {seed}, quarters before {day}) ...")
        _live(result, progress)
        manifest.complete = True
        manifest.files = file_digests(root)
        manifest.repos = repositories(root)
        manifest.history = [e.id for e in result.entries]
        manifest.write(root)
    result.seconds = time.perf_counter() - started
    return result


def _live(result: DemoResult, progress: Progress) -> None:
    """Live through the quarters, assessing and recording each; write the reports."""
    from mlmaturity.assess import assess_run
    from mlmaturity.store import record_run

    root = result.root
    world = World(root, result.seed, result.plan)
    assessment = None
    history: list[Assessment] = []
    milestones: dict[str, str] = {}
    try:
        for quarter in result.plan:
            commits, runs = world.advance(quarter.index)
            if assessment is not None:
                history.append(assessment)
            run = assess_run(root, now=quarter.assessed_at)
            assessment = run.assessment
            milestones[assessment.generated_at] = quarter.milestone
            result.entries.append(record_run(run, milestone=quarter.milestone))
            summary = QuarterSummary(
                quarter.milestone,
                quarter.assessed_at,
                commits,
                runs,
                assessment.organization.stage,
                {t.id: t.stage for t in assessment.teams},
            )
            result.quarters.append(summary)
            progress(_line(summary))
    finally:
        world.close()
    assert assessment is not None
    result.reports = write_reports(root, assessment, history, milestones)


def process_seconds() -> float | None:
    """How long this process has run, as its user waits for it (start-up included), where
    the system says (Linux); None elsewhere."""
    try:
        stat = Path("/proc/self/stat").read_text()
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        ticks = int(stat.rsplit(")", 1)[1].split()[19])  # field 22, starttime
        return max(uptime - ticks / os.sysconf("SC_CLK_TCK"), 0.0)
    except (OSError, ValueError, IndexError):
        return None


def _line(summary: QuarterSummary) -> str:
    stages = ", ".join(f"{team} {_stage(stage)}" for team, stage in summary.team_stages.items())
    return (
        f"{summary.milestone}: {summary.commits} commits, {summary.runs} MLflow runs; "
        f"assessed as of {summary.assessed_at:%Y-%m-%d}: stage {_stage(summary.organization_stage)} "
        f"({stages})"
    )


def _stage(stage: int | None) -> str:
    return "?" if stage is None else str(stage)


def write_reports(
    root: Path,
    assessment: Assessment,
    history: list[Assessment],
    milestones: Mapping[str, str] | None = None,
) -> dict[str, Path]:
    """The last assessment as HTML (with the trends of the ``history`` before it), Markdown
    and JSON; ``milestones`` names the assessments (by ``generated_at``) as recorded."""
    from mlmaturity.report.registry import write_report

    folder = root / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, file in REPORTS:
        write_report(assessment, folder / file, name, history=history, milestones=milestones)
        written[name] = folder / file
    return written


def next_commands(root: Path, plan: tuple[Quarter, ...], program: str = "mlmaturity") -> list[str]:
    """What to try once the demo is built, with the folder as the user named it and the
    command as they can run it (``program``). An assessment made now is recorded after the
    quarters (they all ended before today)."""
    first, last = plan[-2].milestone, plan[-1].milestone
    return [
        f"{program} history {root}",
        f"{program} diff {first} {last} --workspace {root}",
        f"{program} report {first} -w {root} -o {root / 'reports' / (first + '.html')}",
        f"{program} assess {root} -f html -o {root / 'reports' / 'today.html'}",
        f"{program} kpi {root} --since {plan[0].start} --until {plan[-1].end} --period quarter",
    ]


def program_name(invoked: str) -> str:
    """``mlmaturity`` where that name on the PATH runs this very program, else the path it
    was run by (``.venv/bin/mlmaturity`` from `make demo`), so the printed commands work."""
    import shutil

    found = shutil.which("mlmaturity")
    ran = Path(invoked)
    if found is not None and ran.name == "mlmaturity":
        try:
            if Path(found).resolve() == ran.resolve():
                return "mlmaturity"
        except OSError:
            pass
    return invoked if ran.name == "mlmaturity" else "mlmaturity"

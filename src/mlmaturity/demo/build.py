"""Build the demo organization quarter by quarter, assessing it as of the end of each one.

After each quarter of the world (see world.py), the organization is assessed as of the
quarter's last day and recorded with the quarter as its milestone. At the end the reports
are written.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from mlmaturity import __version__
from mlmaturity.demo.plan import DEFAULT_SEED, ORGANIZATION, QUARTERS
from mlmaturity.demo.tracking import import_mlflow
from mlmaturity.demo.world import World
from mlmaturity.errors import InputError
from mlmaturity.scoring import Assessment

MARKER = ".mlmaturity-demo"
"""The file that makes a folder a previous demo, which `mlmaturity demo` may rebuild."""
OWN_ENTRIES = (
    "mlmaturity.yaml",
    "repos",
    "mlflow",
    "events",
    "answers",
    "reports",
    ".mlmaturity",
    MARKER,
)
"""What the demo writes in its folder, and all it removes when rebuilding."""
REPORTS = (("html", "report.html"), ("markdown", "report.md"), ("json", "report.json"))

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
    quarters: list[QuarterSummary] = field(default_factory=list)
    reports: dict[str, Path] = field(default_factory=dict)
    recorded: bool = False
    """Whether the assessments went to the workspace's history store."""
    seconds: float = 0.0


def prepare(root: Path, *, force: bool) -> None:
    """Make ``root`` ready for a new demo: new, empty, a previous demo, or ``force``."""
    if root.exists() and not root.is_dir():
        raise InputError.single(root, "is a file, not a folder", hint="give a folder for the demo")
    if root.is_dir() and any(root.iterdir()) and not (root / MARKER).is_file() and not force:
        raise InputError.single(
            root,
            "is not empty and holds no previous demo: nothing of yours is overwritten",
            hint="give a new or empty folder, or pass --force to replace the demo's files "
            f"in it ({', '.join(OWN_ENTRIES[:-1])})",
        )
    root.mkdir(parents=True, exist_ok=True)
    for name in OWN_ENTRIES:
        path = root / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
    (root / MARKER).write_text(json.dumps({"tool_version": __version__}) + "\n")


def record(root: Path, assessment: Assessment, milestone: str) -> bool:
    """Store the assessment in the workspace's history with its milestone."""
    from mlmaturity.store import record_assessment

    record_assessment(root, assessment, milestone=milestone)
    return True


def build_demo(
    root: Path, *, seed: int = DEFAULT_SEED, force: bool = False, progress: Progress = print
) -> DemoResult:
    """Build the demo organization in ``root``, assess it as of each quarter, write the reports."""
    from mlmaturity.assess import assess

    started = time.perf_counter()
    import_mlflow()  # a missing client is a clear error before anything is written
    prepare(root, force=force)
    progress(f"building {ORGANIZATION} in {root} (seed {seed}) ...")
    result = DemoResult(root, seed)
    world = World(root, seed)
    assessment = None
    history: list[Assessment] = []
    try:
        for index, quarter in enumerate(QUARTERS):
            commits, runs = world.advance(index)
            if assessment is not None:
                history.append(assessment)
            assessment = assess(root, now=quarter.assessed_at)
            result.recorded = record(root, assessment, quarter.milestone)
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
    result.reports = write_reports(root, assessment, history)
    result.seconds = time.perf_counter() - started
    return result


def _line(summary: QuarterSummary) -> str:
    stages = ", ".join(f"{team} {_stage(stage)}" for team, stage in summary.team_stages.items())
    return (
        f"{summary.milestone}: {summary.commits} commits, {summary.runs} MLflow runs; "
        f"assessed as of {summary.assessed_at:%Y-%m-%d}: stage {_stage(summary.organization_stage)} "
        f"({stages})"
    )


def _stage(stage: int | None) -> str:
    return "?" if stage is None else str(stage)


def write_reports(root: Path, assessment: Assessment, history: list[Assessment]) -> dict[str, Path]:
    """The last assessment as HTML (with the trends of the ``history`` before it), Markdown
    and JSON."""
    from mlmaturity.report.registry import write_report

    folder = root / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, file in REPORTS:
        write_report(assessment, folder / file, name, history=history)
        written[name] = folder / file
    return written


def next_commands(root: Path) -> list[str]:
    """What to try once the demo is built, with the folder as the user named it. An
    assessment made today is dated today, not in the simulated year: it is not recorded."""
    first, last = QUARTERS[-2].milestone, QUARTERS[-1].milestone
    return [
        f"mlmaturity history {root}",
        f"mlmaturity diff {first} {last} --workspace {root}",
        f"mlmaturity assess {root} --no-history -f html -o {root / 'reports' / 'today.html'}",
        f"mlmaturity kpi {root} --since {QUARTERS[0].start} --until {QUARTERS[-1].end} --period quarter",
    ]

"""The teams' event files, in the formats mlmaturity reads: deployments, incidents, drift
alerts and Evidently reports, FinOps FOCUS costs, CI run exports and business metrics.

Logs (deployments, incidents, drift, costs, business metrics) grow quarter by quarter; CI run
exports are made afresh each quarter and hold its last 90 days, as `gh run list` or GitLab's
pipelines API would give them.
"""

from __future__ import annotations

import csv
import io
import json
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from mlmaturity.demo.ci_exports import CiExports
from mlmaturity.demo.costs import FOCUS_COLUMNS, focus_lines
from mlmaturity.demo.drift import DriftMonitor
from mlmaturity.demo.git import Commit
from mlmaturity.demo.plan import Quarter, TeamPlan
from mlmaturity.demo.timeline import Adopted, QuarterTimeline

DEPLOYMENT_COLUMNS = ("model", "version", "environment", "at", "kind", "automated", "commit")
DRIFT_COLUMNS = (
    "model", "feature", "window_start", "window_end", "statistic", "value", "threshold",
    "drifted", "onset_at", "detected_at",
)  # fmt: skip


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


@dataclass
class EventLog:
    """The rows of one team's files so far; ``write`` puts them on disk."""

    deployments: list[dict[str, Any]] = field(default_factory=list)
    incidents: list[dict[str, Any]] = field(default_factory=list)
    drift: DriftMonitor = field(default_factory=DriftMonitor)
    costs: list[dict[str, Any]] = field(default_factory=list)
    business: list[dict[str, Any]] = field(default_factory=list)
    ci_runs: list[dict[str, Any]] = field(default_factory=list)


class Events:
    """Every team's event files under ``root/events/``."""

    def __init__(self, root: Path, seed: int) -> None:
        self.folder = root / "events"
        self.seed = seed
        self.logs: dict[str, EventLog] = {}
        self.ci = CiExports()

    def add_quarter(
        self,
        team: TeamPlan,
        quarter: Quarter,
        adopted: Adopted,
        timeline: QuarterTimeline,
        commits: list[Commit],
    ) -> None:
        rng = random.Random(f"{self.seed}/events/{team.id}/{quarter.index}")
        log = self.logs.setdefault(team.id, EventLog())
        commit_of = {r.release.version: r.commit for r in timeline.runs if r.release is not None}
        self._deployments(team, log, timeline, commit_of)
        if team.style != "notebooks":
            log.incidents += [
                {
                    "model": team.model,
                    "opened_at": _iso(i.opened),
                    "resolved_at": _iso(i.resolved) if i.resolved else "",
                    "severity": i.severity,
                }
                for i in timeline.incidents
            ]
        log.drift.report(team.model, adopted, quarter.assessed_at, rng, _iso)
        log.costs += focus_lines(team, quarter, adopted, rng)
        self._business(team, log, quarter, adopted, rng)
        log.ci_runs = self.ci.quarter(team, quarter, adopted, timeline, commits, rng)

    def _deployments(
        self,
        team: TeamPlan,
        log: EventLog,
        timeline: QuarterTimeline,
        commit_of: dict[int, str | None],
    ) -> None:
        if team.style == "notebooks":
            return
        recorded = team.style == "automated"  # the deploy script names the commit it ships
        previous = max(
            (int(r["version"]) for r in log.deployments if r["kind"] == "deploy"), default=None
        )
        for release in timeline.releases:
            if release.deployed is None:
                continue
            commit = commit_of.get(release.version) if recorded else None
            common = {"model": team.model, "automated": str(release.automated).lower()}
            if release.automated:
                staging = release.deployed - timedelta(minutes=25)
                log.deployments.append(
                    {**common, "version": release.version, "environment": "staging",
                     "at": _iso(staging), "kind": "deploy", "commit": commit or ""}
                )  # fmt: skip
            log.deployments.append(
                {**common, "version": release.version, "environment": "production",
                 "at": _iso(release.deployed), "kind": "deploy", "commit": commit or ""}
            )  # fmt: skip
            if release.rolled_back is not None and previous is not None:
                log.deployments.append(
                    {**common, "version": previous, "environment": "production",
                     "at": _iso(release.rolled_back), "kind": "rollback",
                     "commit": (commit_of.get(previous) if recorded else None) or ""}
                )  # fmt: skip
            else:
                previous = release.version

    def _business(
        self,
        team: TeamPlan,
        log: EventLog,
        quarter: Quarter,
        adopted: Adopted,
        rng: random.Random,
    ) -> None:
        if team.id == "pricing":
            for week in range(0, quarter.days - 6, 7):
                at = quarter.start + timedelta(days=week)
                conversion = 11.2 + 0.5 * quarter.index + rng.uniform(-0.4, 0.4)
                log.business.append({"name": "quote conversion", "model": team.model,
                                     "at": at.isoformat(), "value": round(conversion, 2), "unit": "%"})  # fmt: skip
                loss = 68.0 - 0.6 * quarter.index + rng.uniform(-1.5, 1.5)
                log.business.append({"name": "loss ratio", "model": team.model,
                                     "at": at.isoformat(), "value": round(loss, 1), "unit": "%"})  # fmt: skip
        elif team.id == "claims" and "card" in adopted:
            for month in range(3):
                at = date(quarter.start.year, quarter.start.month + month, 1)
                log.business.append({"name": "handling days saved", "model": team.model,
                                     "at": at.isoformat(), "value": rng.randint(140, 220), "unit": "days"})  # fmt: skip
        elif team.id == "marketing" and "uplift" in adopted:
            for month in range(3):
                at = date(quarter.start.year, quarter.start.month + month, 1)
                log.business.append({"name": "retention campaign uplift", "model": "",
                                     "at": at.isoformat(), "value": round(rng.uniform(1.5, 3.5), 1), "unit": "pp"})  # fmt: skip

    def write(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        for team, log in self.logs.items():
            if log.deployments:
                _csv(self.folder / f"{team}-deployments.csv", DEPLOYMENT_COLUMNS, log.deployments)
            if log.incidents:
                lines = "".join(json.dumps(i) + "\n" for i in log.incidents)
                (self.folder / f"{team}-incidents.jsonl").write_text(lines)
            if log.drift.rows:
                _csv(self.folder / f"{team}-drift.csv", DRIFT_COLUMNS, log.drift.rows)
            for name, content in log.drift.evidently.items():
                (self.folder / name).write_text(content)
            if log.costs:
                _csv(self.folder / f"{team}-focus.csv", FOCUS_COLUMNS, log.costs)
            if log.business:
                columns = ("name", "model", "at", "value", "unit")
                _csv(self.folder / f"{team}-business.csv", columns, log.business)
            if log.ci_runs:
                text = json.dumps(log.ci_runs, indent=1) + "\n"
                (self.folder / f"{team}-ci-runs.json").write_text(text)

    def sources(self, team: str) -> dict[str, list[str]]:
        """The workspace entries (relative to the workspace) of the team's files so far."""
        log = self.logs.get(team)
        if log is None:
            return {}
        found: dict[str, list[str]] = {}
        pairs = (
            ("deployments", log.deployments, f"{team}-deployments.csv"),
            ("incidents", log.incidents, f"{team}-incidents.jsonl"),
            ("costs", log.costs, f"{team}-focus.csv"),
            ("business_metrics", log.business, f"{team}-business.csv"),
            ("ci_runs", log.ci_runs, f"{team}-ci-runs.json"),
        )
        for kind, rows, name in pairs:
            if rows:
                found[kind] = [f"events/{name}"]
        if log.drift.rows:
            found["drift"] = [f"events/{team}-drift.csv"] + [
                f"events/{n}" for n in sorted(log.drift.evidently)
            ]
        return found


def _csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue())

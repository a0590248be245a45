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

from mlmaturity.demo.git import Commit
from mlmaturity.demo.plan import Quarter, TeamPlan
from mlmaturity.demo.timeline import Adopted, QuarterTimeline, on

DEPLOYMENT_COLUMNS = ("model", "version", "environment", "at", "kind", "automated", "commit")
FOCUS_COLUMNS = (
    "BillingAccountId", "ChargePeriodStart", "ChargePeriodEnd", "ChargeCategory", "ServiceName",
    "ResourceId", "EffectiveCost", "BilledCost", "BillingCurrency", "Tags",
)  # fmt: skip
DRIFT_COLUMNS = (
    "model", "feature", "window_start", "window_end", "statistic", "value", "threshold",
    "drifted", "onset_at", "detected_at",
)  # fmt: skip
DRIFT_FEATURES = ("driver_age", "annual_mileage", "postcode_risk", "vehicle_group")


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _z(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class EventLog:
    """The rows of one team's files so far; ``write`` puts them on disk."""

    deployments: list[dict[str, Any]] = field(default_factory=list)
    incidents: list[dict[str, Any]] = field(default_factory=list)
    drift: list[dict[str, Any]] = field(default_factory=list)
    costs: list[dict[str, Any]] = field(default_factory=list)
    business: list[dict[str, Any]] = field(default_factory=list)
    ci_runs: list[dict[str, Any]] = field(default_factory=list)
    evidently: dict[str, str] = field(default_factory=dict)
    """File name → an Evidently 0.7 snapshot."""


class Events:
    """Every team's event files under ``root/events/``."""

    def __init__(self, root: Path, seed: int) -> None:
        self.folder = root / "events"
        self.seed = seed
        self.logs: dict[str, EventLog] = {}
        self.ci_id = 17_900_000_000

    def add_quarter(
        self,
        team: TeamPlan,
        quarter: Quarter,
        adopted: Adopted,
        timeline: QuarterTimeline,
        commits: list[Commit],
    ) -> None:
        rng = random.Random(f"{self.seed}/events/{team.id}/{quarter.milestone}")
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
        if "monitoring" in adopted:
            self._drift(team, log, quarter, adopted, rng)
        self._costs(team, log, quarter, adopted, rng)
        self._business(team, log, quarter, adopted, rng)
        self._ci(team, log, quarter, adopted, timeline, commits, rng)

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

    def _drift(
        self,
        team: TeamPlan,
        log: EventLog,
        quarter: Quarter,
        adopted: Adopted,
        rng: random.Random,
    ) -> None:
        week = quarter.moment(0, 0)
        while week.date() + timedelta(days=7) <= quarter.end:
            end = week + timedelta(days=7)
            if not on(adopted, "monitoring", week):
                week = end
                continue
            # Detection gets faster as monitoring matures: weekly reports, then daily checks.
            lag_hours = (96, 150)
            if on(adopted, "validation", week):
                lag_hours = (30, 60)
            if on(adopted, "drift-retrain", week):
                lag_hours = (4, 14)
            for feature in DRIFT_FEATURES:
                value = round(
                    rng.uniform(0.02, 0.19) if rng.random() > 0.12 else rng.uniform(0.21, 0.38), 3
                )
                drifted = value >= 0.2
                onset = week + timedelta(hours=rng.randint(6, 60)) if drifted else None
                detected = onset + timedelta(hours=rng.randint(*lag_hours)) if onset else None
                log.drift.append(
                    {"model": team.model, "feature": feature, "window_start": _iso(week),
                     "window_end": _iso(end), "statistic": "psi", "value": value, "threshold": 0.2,
                     "drifted": str(drifted).lower(), "onset_at": _iso(onset) if onset else "",
                     "detected_at": _iso(detected) if detected else ""}
                )  # fmt: skip
            week = end
        # The Evidently report of the quarter's last full week, as the monitor saves it.
        day = week - timedelta(days=7)
        values = {f: round(rng.uniform(0.01, 0.26), 4) for f in DRIFT_FEATURES}
        count = sum(v >= 0.2 for v in values.values())
        metrics: list[dict[str, Any]] = [
            {
                "metric_name": "DriftedColumnsCount(drift_share=0.5,method=psi,threshold=0.2)",
                "config": {"type": "evidently:metric_v2:DriftedColumnsCount", "drift_share": 0.5,
                           "method": "psi", "threshold": 0.2},
                "value": {"count": float(count), "share": count / len(values)},
            }
        ]  # fmt: skip
        metrics += [
            {
                "metric_name": f"ValueDrift(column={f},method=psi,threshold=0.2)",
                "config": {"type": "evidently:metric_v2:ValueDrift", "column": f, "method": "psi",
                           "threshold": 0.2},
                "value": v,
            }
            for f, v in values.items()
        ]  # fmt: skip
        name = f"{team.model}.{day:%Y-%m-%d}.evidently.json"
        log.evidently[name] = json.dumps({"metrics": metrics, "tests": []}, indent=1) + "\n"

    def _costs(
        self,
        team: TeamPlan,
        log: EventLog,
        quarter: Quarter,
        adopted: Adopted,
        rng: random.Random,
    ) -> None:
        for month in range(3):
            start = date(quarter.start.year, quarter.start.month + month, 1)
            end = date(start.year + start.month // 12, start.month % 12 + 1, 1)
            for service, resource, base, tags in _resources(team, adopted):
                cost = round(base * rng.uniform(0.9, 1.15), 2)
                log.costs.append(
                    {"BillingAccountId": _ACCOUNTS[team.id], "ChargePeriodStart": start.isoformat(),
                     "ChargePeriodEnd": end.isoformat(), "ChargeCategory": "Usage",
                     "ServiceName": service, "ResourceId": resource, "EffectiveCost": cost,
                     "BilledCost": cost, "BillingCurrency": "EUR",
                     "Tags": json.dumps(tags) if tags else ""}
                )  # fmt: skip

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
                conversion = 11.2 + 0.5 * (quarter.start.month // 3) + rng.uniform(-0.4, 0.4)
                log.business.append({"name": "quote conversion", "model": team.model,
                                     "at": at.isoformat(), "value": round(conversion, 2), "unit": "%"})  # fmt: skip
                loss = 68.0 - 0.6 * (quarter.start.month // 3) + rng.uniform(-1.5, 1.5)
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

    def _ci(
        self,
        team: TeamPlan,
        log: EventLog,
        quarter: Quarter,
        adopted: Adopted,
        timeline: QuarterTimeline,
        commits: list[Commit],
        rng: random.Random,
    ) -> None:
        if "ci" not in adopted:
            log.ci_runs = []
            return
        recent = [c for c in commits if c.at.date() >= quarter.start and on(adopted, "ci", c.at)]
        runs: list[dict[str, Any]] = []
        if team.style == "automated":
            for commit in recent:
                for event, branch in (("pull_request", "feature/work"), ("push", "main")):
                    self.ci_id += rng.randint(500, 4000)
                    ok = rng.random() > (0.15 if event == "pull_request" else 0.04)
                    start = commit.at + timedelta(minutes=3)
                    runs.append(_gh(self.ci_id, "ci", event, branch, commit.sha, start, 9, ok))
            for run in timeline.runs:
                if run.ci_run is None:
                    continue
                event = {"scheduled": "schedule", "drift": "repository_dispatch"}.get(
                    run.trigger or "", "workflow_dispatch"
                )
                runs.append(
                    _gh(run.ci_run, "train", event, "main", run.commit or "", run.started, 62, True)
                )
                release = run.release
                if release is not None and release.deployed is not None and release.automated:
                    self.ci_id += rng.randint(10, 99)
                    start = release.deployed - timedelta(minutes=30)
                    sha = run.commit or ""
                    runs.append(
                        _gh(self.ci_id, "deploy", "workflow_run", "main", sha, start, 31, True)
                    )
        else:
            for commit in recent:
                for source in ("merge_request_event", "push"):
                    self.ci_id += rng.randint(100, 900)
                    ok = rng.random() > (0.2 if source == "push" else 0.3)
                    created = commit.at + timedelta(minutes=2 if source == "push" else -90)
                    runs.append(
                        _gitlab(self.ci_id, source, commit.sha, created, ok, team.repository)
                    )
        runs.sort(key=lambda r: str(r.get("createdAt") or r.get("created_at")), reverse=True)
        log.ci_runs = runs

    def write(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        for team, log in self.logs.items():
            if log.deployments:
                _csv(self.folder / f"{team}-deployments.csv", DEPLOYMENT_COLUMNS, log.deployments)
            if log.incidents:
                lines = "".join(json.dumps(i) + "\n" for i in log.incidents)
                (self.folder / f"{team}-incidents.jsonl").write_text(lines)
            if log.drift:
                _csv(self.folder / f"{team}-drift.csv", DRIFT_COLUMNS, log.drift)
            for name, content in log.evidently.items():
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
        if log.drift:
            found["drift"] = [f"events/{team}-drift.csv"] + [
                f"events/{n}" for n in sorted(log.evidently)
            ]
        return found


_ACCOUNTS = {"pricing": "4410", "claims": "4420", "marketing": "4430"}


def _resources(team: TeamPlan, practices: Adopted) -> list[tuple[str, str, float, dict[str, str]]]:
    """(service, resource, monthly cost, tags) of a team's cloud account."""
    if team.id == "pricing":
        both = {"team": "pricing", "model": team.model}
        lines = [
            (
                "Amazon Elastic Container Service",
                "arn:aws:ecs:eu-west-2:4410:service/motor-risk-scoring",
                1850.0,
                both,
            ),
            (
                "AWS Batch",
                "arn:aws:batch:eu-west-2:4410:job-queue/motor-risk-training",
                420.0,
                both,
            ),
            (
                "Amazon S3",
                "arn:aws:s3:::northwind-motor-pricing-training",
                130.0,
                {"team": "pricing"},
            ),
        ]
        if "feature-store" in practices:
            lines.append(
                (
                    "Amazon DynamoDB",
                    "arn:aws:dynamodb:eu-west-2:4410:table/feast-online",
                    260.0,
                    both,
                )
            )
        return lines
    if team.id == "claims":
        vm_tags = (
            {"team": "claims", "model": team.model} if "card" in practices else {"team": "claims"}
        )
        return [
            ("Amazon EC2", "i-0c1a1m5vm2", 690.0, vm_tags),
            ("Amazon S3", "arn:aws:s3:::northwind-claims-analytics", 95.0, {"team": "claims"}),
        ]
    return [
        (
            "Amazon SageMaker",
            "arn:aws:sagemaker:eu-west-2:4430:notebook-instance/lena-gpu",
            940.0,
            {},
        ),
        ("Amazon S3", "arn:aws:s3:::northwind-marketing-data", 60.0, {"team": "marketing"}),
    ]


def _csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue())


def _gh(
    run_id: int, workflow: str, event: str, branch: str, sha: str, created: datetime,
    minutes: int, ok: bool,
) -> dict[str, Any]:  # fmt: skip
    """A run as `gh run list --json ...` gives it (a GitHub Actions run of motor-pricing)."""
    return {
        "conclusion": "success" if ok else "failure",
        "createdAt": _z(created),
        "databaseId": run_id,
        "event": event,
        "headBranch": branch,
        "headSha": sha,
        "name": workflow,
        "startedAt": _z(created + timedelta(seconds=12)),
        "status": "completed",
        "updatedAt": _z(created + timedelta(minutes=minutes)),
        "url": f"https://github.com/northwind/motor-pricing/actions/runs/{run_id}",
        "workflowName": workflow,
    }


def _gitlab(
    run_id: int, source: str, sha: str, created: datetime, ok: bool, project: str
) -> dict[str, Any]:
    return {
        "id": run_id,
        "project_id": 2207,
        "sha": sha,
        "ref": "main" if source == "push" else "feature/severity",
        "status": "success" if ok else "failed",
        "source": source,
        "created_at": _z(created),
        "updated_at": _z(created + timedelta(minutes=6)),
        "web_url": f"https://gitlab.northwind.example/analytics/{project}/-/pipelines/{run_id}",
        "name": None,
        "started_at": _z(created + timedelta(seconds=20)),
        "finished_at": _z(created + timedelta(minutes=6)),
    }
